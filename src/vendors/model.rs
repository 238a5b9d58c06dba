use chrono::{DateTime, Utc};

use crate::shared::{ids::VendorId, text::Slug};

/// Whether a vendor's products can be sold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VendorStatus {
    Active,
    Suspended,
}

impl VendorStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            VendorStatus::Active => "ACTIVE",
            VendorStatus::Suspended => "SUSPENDED",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ACTIVE" => Some(VendorStatus::Active),
            "SUSPENDED" => Some(VendorStatus::Suspended),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vendor {
    pub id: VendorId,
    pub name: String,
    pub slug: Slug,
    pub status: VendorStatus,
    pub created_at: DateTime<Utc>,
}

/// A validated request to create a vendor.
#[derive(Debug, Clone)]
pub struct NewVendor {
    pub name: String,
    pub slug: Slug,
}
