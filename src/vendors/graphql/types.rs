//! Members, memberships, invites and the marketplace settings in the API.

use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::{
    graphql::ids,
    vendors::{
        graphql::{Vendor, VendorMemberRole},
        model,
    },
};

/// A member of a vendor, as its owners and staff see them.
#[derive(SimpleObject, Clone)]
pub struct VendorMember {
    /// Global ID of the member's user account.
    pub user_id: ID,
    /// The member's sign-in e-mail address.
    pub email: String,
    /// What the member may do for the vendor.
    pub role: VendorMemberRole,
    /// When they joined.
    pub since: DateTime<Utc>,
}

impl From<model::Member> for VendorMember {
    fn from(m: model::Member) -> Self {
        Self { user_id: ids::encode(m.user_id), email: m.email, role: m.role.into(), since: m.since }
    }
}

/// One vendor the signed-in user is a member of.
#[derive(SimpleObject, Clone)]
pub struct VendorMembership {
    /// The vendor (in any status: an applicant follows their application here).
    pub vendor: Vendor,
    /// The user's role in it.
    pub role: VendorMemberRole,
    /// When they joined.
    pub since: DateTime<Utc>,
}

impl From<(model::Membership, model::Vendor)> for VendorMembership {
    fn from((m, v): (model::Membership, model::Vendor)) -> Self {
        Self { vendor: v.into(), role: m.role.into(), since: m.since }
    }
}

/// An invitation to join a vendor, for whoever signs in with `email`. Its secret token is
/// returned once, by `vendorInviteCreate`.
#[derive(SimpleObject, Clone)]
pub struct VendorInvite {
    /// Global ID of the invite.
    pub id: ID,
    /// Who may accept it (normalised to lower case).
    pub email: String,
    /// The role the invitee gets.
    pub role: VendorMemberRole,
    /// After this the invite cannot be accepted.
    pub expires_at: DateTime<Utc>,
    /// When it was accepted; null while open.
    pub accepted_at: Option<DateTime<Utc>>,
    /// When an owner revoked it; null unless revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

impl From<model::Invite> for VendorInvite {
    fn from(i: model::Invite) -> Self {
        Self {
            id: ids::encode(i.id),
            email: i.email,
            role: i.role.into(),
            expires_at: i.expires_at,
            accepted_at: i.accepted_at,
            revoked_at: i.revoked_at,
            created_at: i.created_at,
        }
    }
}

/// The marketplace's own settings (staff).
#[derive(SimpleObject, Clone)]
pub struct MarketplaceSettings {
    /// The commission on vendors without their own rate, in per cent.
    pub default_commission_rate: Decimal,
    /// Whether an edit to an approved product sends it back to review.
    pub review_approved_edits: bool,
}

impl From<model::MarketplaceSettings> for MarketplaceSettings {
    fn from(s: model::MarketplaceSettings) -> Self {
        Self {
            default_commission_rate: model::rate_of(s.default_commission_bps),
            review_approved_edits: s.review_approved_edits,
        }
    }
}
