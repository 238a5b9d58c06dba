use chrono::{DateTime, Utc};

use crate::shared::{
    ids::{UserId, VendorId},
    text::Slug,
};

/// Where a vendor is in its life: applications wait as `Pending` until staff approve
/// (`Active`) or reject them; staff suspend and reinstate active vendors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VendorStatus {
    Pending,
    Active,
    Rejected,
    Suspended,
}

impl VendorStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            VendorStatus::Pending => "PENDING",
            VendorStatus::Active => "ACTIVE",
            VendorStatus::Rejected => "REJECTED",
            VendorStatus::Suspended => "SUSPENDED",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "PENDING" => Some(VendorStatus::Pending),
            "ACTIVE" => Some(VendorStatus::Active),
            "REJECTED" => Some(VendorStatus::Rejected),
            "SUSPENDED" => Some(VendorStatus::Suspended),
            _ => None,
        }
    }
}

/// A member's role in a vendor. What each may do is [`MemberRole::allows`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberRole {
    /// Everything, including members, settings and money.
    Owner,
    /// Catalog and stock.
    Editor,
    /// Vendor orders and shipping.
    Fulfillment,
}

/// What a vendor-scoped operation needs. Staff (and system jobs) hold every permission on every
/// vendor; members hold those of their role on their vendors only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VendorPermission {
    /// See the vendor's private data: members-only fields, unpublished products, vendor orders
    /// (their lines, never the buyer's contact details).
    View,
    /// Profile, settings, shipping methods, members and invites.
    Manage,
    /// Products, variants, images, stock; submitting products for review.
    Catalog,
    /// Fulfilments, cancelling unshipped lines; the shipping name and address of vendor orders.
    Fulfil,
}

impl MemberRole {
    pub const ALL: [MemberRole; 3] = [MemberRole::Owner, MemberRole::Editor, MemberRole::Fulfillment];

    pub fn as_str(&self) -> &'static str {
        match self {
            MemberRole::Owner => "OWNER",
            MemberRole::Editor => "EDITOR",
            MemberRole::Fulfillment => "FULFILLMENT",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "OWNER" => Some(MemberRole::Owner),
            "EDITOR" => Some(MemberRole::Editor),
            "FULFILLMENT" => Some(MemberRole::Fulfillment),
            _ => None,
        }
    }

    /// The one table of what each role may do.
    pub fn allows(self, permission: VendorPermission) -> bool {
        use VendorPermission::*;
        match self {
            MemberRole::Owner => true,
            MemberRole::Editor => matches!(permission, View | Catalog),
            MemberRole::Fulfillment => matches!(permission, View | Fulfil),
        }
    }
}

/// How a caller was let act on a vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VendorAccess {
    /// Staff, admin or a system job.
    Staff,
    /// A member with this role.
    Member(MemberRole),
}

impl VendorAccess {
    pub fn is_staff(self) -> bool {
        matches!(self, VendorAccess::Staff)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vendor {
    pub id: VendorId,
    /// Display name.
    pub name: String,
    pub slug: Slug,
    pub status: VendorStatus,
    /// Why the vendor was rejected or suspended.
    pub status_reason: Option<String>,
    pub profile: VendorProfile,
    /// Trusted vendors' products are approved without review.
    pub trusted: bool,
    /// Commission override in basis points (1,000 = 10 %); the platform default when `None`.
    pub commission_bps: Option<u32>,
    /// The user who applied; `None` for vendors staff created.
    pub applied_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a vendor tells buyers and the platform about itself; owners edit it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VendorProfile {
    pub description: String,
    /// The platform's contact at the vendor (given when applying).
    pub contact_email: Option<String>,
    /// ISO 3166-1 alpha-2, where the vendor is established.
    pub country: Option<String>,
    pub logo_url: Option<String>,
    pub return_policy: String,
    /// Where buyers reach the vendor.
    pub support_email: Option<String>,
}

/// The marketplace's own settings (one row), changed by staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarketplaceSettings {
    /// Commission on vendors without an override, in basis points (1,000 = 10 %).
    pub default_commission_bps: u32,
    /// Whether an edit to an approved product sends it back to review.
    pub review_approved_edits: bool,
}

/// A validated request to create a vendor.
#[derive(Debug, Clone)]
pub struct NewVendor {
    pub name: String,
    pub slug: Slug,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_allow_what_the_table_says() {
        use VendorPermission::*;
        let table = |r: MemberRole| [View, Manage, Catalog, Fulfil].map(|p| r.allows(p));
        assert_eq!(table(MemberRole::Owner), [true, true, true, true]);
        assert_eq!(table(MemberRole::Editor), [true, false, true, false]);
        assert_eq!(table(MemberRole::Fulfillment), [true, false, false, true]);
        for r in MemberRole::ALL {
            assert_eq!(MemberRole::parse(r.as_str()), Some(r));
        }
        for s in [VendorStatus::Pending, VendorStatus::Active, VendorStatus::Rejected, VendorStatus::Suspended] {
            assert_eq!(VendorStatus::parse(s.as_str()), Some(s));
        }
    }
}
