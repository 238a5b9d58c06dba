use chrono::{DateTime, Utc};

use crate::shared::{
    ids::{AuditEntryId, UserId, VendorId},
    role::Role,
};

/// One privileged action to record. `action` is a stable dotted name (`vendor.approve`,
/// `product.reject`, `user.block`, `vendor.member.remove`, …); `summary` holds the changed
/// fields before and after (`{"before": {...}, "after": {...}}`), never secrets or tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    pub action: &'static str,
    pub target_type: &'static str,
    pub target_id: String,
    /// The vendor the target belongs to, when it belongs to one (filters a vendor's trail).
    pub vendor_id: Option<VendorId>,
    pub summary: serde_json::Value,
}

impl NewAuditEntry {
    /// An entry for `action` on `target_type` `target_id`, with `before`/`after` summaries.
    pub fn new(
        action: &'static str,
        target_type: &'static str,
        target_id: impl ToString,
        before: serde_json::Value,
        after: serde_json::Value,
    ) -> Self {
        Self {
            action,
            target_type,
            target_id: target_id.to_string(),
            vendor_id: None,
            summary: serde_json::json!({ "before": before, "after": after }),
        }
    }

    pub fn vendor(mut self, vendor: VendorId) -> Self {
        self.vendor_id = Some(vendor);
        self
    }
}

/// A recorded entry.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: AuditEntryId,
    /// Null for system jobs.
    pub actor_id: Option<UserId>,
    pub actor_role: Option<Role>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub vendor_id: Option<VendorId>,
    pub summary: serde_json::Value,
    pub request_id: String,
    pub created_at: DateTime<Utc>,
}

/// Filters for the staff audit-log query; all given filters must match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    /// Any of these actions (empty: all).
    pub actions: Vec<String>,
    pub actor_id: Option<UserId>,
    pub target_type: Option<String>,
    /// The target's id as recorded (a UUID for typed ids).
    pub target_id: Option<String>,
    pub vendor_id: Option<VendorId>,
    /// Recorded at or after.
    pub from: Option<DateTime<Utc>>,
    /// Recorded before.
    pub to: Option<DateTime<Utc>>,
}
