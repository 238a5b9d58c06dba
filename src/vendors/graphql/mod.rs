//! Vendors in the API: the `Vendor` type (public profile; private fields for its members and
//! staff), onboarding and staff decisions, members and invites, the profile, commission, trust
//! and marketplace settings.
//!
//! Who sees what on `Vendor`: everyone sees an `ACTIVE` vendor's public fields (`vendor`,
//! `vendors`, `node`); a vendor in another status is visible only to its members and staff.
//! `statusReason` and `contactEmail` are for its members and staff; `commissionRate`,
//! `commissionOverridden`, `trusted`, `members` and `invites` for its owners and staff. A field the viewer may not see
//! is null (never an error), so one query serves shoppers, members and staff alike.

mod mutations;
mod query;
mod types;

use std::{collections::HashMap, sync::Arc};

use async_graphql::{Context, Enum, ID, Object, dataloader::Loader};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use tokio::sync::OnceCell;

pub use mutations::VendorMutation;
pub use query::VendorQuery;
pub use types::{MarketplaceSettings, VendorInvite, VendorMember, VendorMembership};

use crate::{
    graphql::{
        ContextExt,
        errors::{OrInternal, user_error_type},
        ids,
    },
    shared::ids::VendorId,
    vendors::{
        VendorService,
        model::{self, VendorAccess, VendorPermission},
    },
};

/// Where a vendor is in its life; only an active vendor's products are on the storefront.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::vendors::model::VendorStatus")]
pub enum VendorStatus {
    /// Applied; waiting for staff to approve or reject.
    Pending,
    /// Selling.
    Active,
    /// The application was refused (see the reason).
    Rejected,
    /// Temporarily not selling; open vendor orders are still fulfilled.
    Suspended,
}

/// A member's role in a vendor.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::vendors::model::MemberRole")]
pub enum VendorMemberRole {
    /// Everything: profile, settings, shipping methods, members and invites, and what the
    /// other roles do.
    Owner,
    /// Catalog and stock.
    Editor,
    /// Vendor orders and shipping.
    Fulfillment,
}

/// A seller in the marketplace. Every product belongs to one vendor.
///
/// Private fields are null for viewers who may not see them: `statusReason` and `contactEmail`
/// for anyone but its members and staff; `commissionRate`, `commissionOverridden`, `trusted`,
/// `members` and `invites` for anyone but its owners and staff.
#[derive(Clone)]
pub struct Vendor {
    id: ID,
    v: model::Vendor,
    access: Arc<OnceCell<Option<VendorAccess>>>,
}

impl From<model::Vendor> for Vendor {
    fn from(v: model::Vendor) -> Self {
        Self { id: ids::encode(v.id), v, access: Arc::default() }
    }
}

impl Vendor {
    /// Whether the viewer holds `permission` on this vendor (staff hold all); asked once per
    /// vendor object.
    async fn may(&self, ctx: &Context<'_>, permission: VendorPermission) -> async_graphql::Result<bool> {
        let access = self
            .access
            .get_or_try_init(|| async { ctx.state().vendors.access(ctx.rcx(), self.v.id).await })
            .await
            .or_internal()?;
        Ok(match access {
            Some(VendorAccess::Staff) => true,
            Some(VendorAccess::Member(role)) => role.allows(permission),
            None => false,
        })
    }
}

#[Object]
impl Vendor {
    /// Global ID of the vendor.
    pub async fn id(&self) -> &ID {
        &self.id
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.v.name
    }

    /// URL-friendly unique handle.
    async fn slug(&self) -> &str {
        self.v.slug.as_str()
    }

    /// Whether the vendor is selling.
    async fn status(&self) -> VendorStatus {
        self.v.status.into()
    }

    /// Why staff rejected or suspended the vendor. Private to the vendor: its members and staff;
    /// null for everyone else.
    async fn status_reason(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        Ok(if self.may(ctx, VendorPermission::View).await? { self.v.status_reason.as_deref() } else { None })
    }

    /// What the vendor tells buyers about itself.
    async fn description(&self) -> &str {
        &self.v.profile.description
    }

    /// The vendor's logo (an http or https URL).
    async fn logo_url(&self) -> Option<&str> {
        self.v.profile.logo_url.as_deref()
    }

    /// The vendor's return policy, as text.
    async fn return_policy(&self) -> &str {
        &self.v.profile.return_policy
    }

    /// Where buyers reach the vendor.
    async fn support_email(&self) -> Option<&str> {
        self.v.profile.support_email.as_deref()
    }

    /// ISO 3166-1 alpha-2 code of the country the vendor is established in.
    async fn country(&self) -> Option<&str> {
        self.v.profile.country.as_deref()
    }

    /// The platform's contact at the vendor (given when applying). Private to the vendor: its
    /// members and staff; null for everyone else.
    async fn contact_email(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        Ok(if self.may(ctx, VendorPermission::View).await? { self.v.profile.contact_email.as_deref() } else { None })
    }

    /// The commission the platform takes on the vendor's sales, in per cent: its own rate,
    /// else the marketplace default. Private to the vendor: its owners and staff; null for
    /// everyone else.
    async fn commission_rate(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Decimal>> {
        if !self.may(ctx, VendorPermission::Manage).await? {
            return Ok(None);
        }
        let bps = ctx.state().vendors.effective_commission_bps(&self.v).await.or_internal()?;
        Ok(Some(model::rate_of(bps)))
    }

    /// Whether the vendor has its own commission rate rather than the marketplace default.
    /// Private to the vendor: its owners and staff; null for everyone else.
    async fn commission_overridden(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<bool>> {
        Ok(self.may(ctx, VendorPermission::Manage).await?.then_some(self.v.commission_bps.is_some()))
    }

    /// Whether the vendor's products go on sale without review. Private to the vendor: its
    /// owners and staff; null for everyone else.
    async fn trusted(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<bool>> {
        Ok(self.may(ctx, VendorPermission::Manage).await?.then_some(self.v.trusted))
    }

    /// The vendor's members, oldest first. Private to the vendor: its owners and staff; null for
    /// everyone else.
    async fn members(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<VendorMember>>> {
        if !self.may(ctx, VendorPermission::Manage).await? {
            return Ok(None);
        }
        let ms = ctx.state().vendors.members(ctx.rcx(), self.v.id).await.map_err(crate::graphql::errors::top_level)?;
        Ok(Some(ms.into_iter().map(Into::into).collect()))
    }

    /// Invites that can still be accepted, newest first (never their tokens).
    /// Private to the vendor: its owners and staff; null for everyone else.
    async fn invites(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<VendorInvite>>> {
        if !self.may(ctx, VendorPermission::Manage).await? {
            return Ok(None);
        }
        let is = ctx.state().vendors.invites(ctx.rcx(), self.v.id).await.map_err(crate::graphql::errors::top_level)?;
        Ok(Some(is.into_iter().map(Into::into).collect()))
    }

    /// When the vendor joined (or applied).
    async fn created_at(&self) -> DateTime<Utc> {
        self.v.created_at
    }

    /// When the vendor's profile, status or terms last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.v.updated_at
    }
}

/// Batches vendor lookups within one request.
pub struct VendorByIdLoader(pub VendorService);

impl Loader<VendorId> for VendorByIdLoader {
    type Value = model::Vendor;
    type Error = Arc<sea_orm::DbErr>;

    #[tracing::instrument(name = "loader.vendor_by_id", skip_all, fields(count = keys.len()))]
    async fn load(&self, keys: &[VendorId]) -> Result<HashMap<VendorId, Self::Value>, Self::Error> {
        self.0.by_ids(keys).await.map_err(Arc::new)
    }
}

user_error_type! {
    /// A problem with the input of a vendor mutation.
    VendorUserError,
    /// Why a vendor mutation was refused.
    VendorErrorCode mirrors crate::vendors::error::Code {
        /// The value is not valid for this field.
        Invalid,
        /// Another vendor already uses this value.
        Taken,
        /// Nothing has this ID (or token).
        NotFound,
        /// The vendor is pending, rejected or suspended, and this needs it active.
        VendorNotActive,
        /// The ID is not a valid ID of the expected type.
        InvalidId,
        /// The vendor's status does not allow this decision (e.g. approving an active vendor).
        InvalidStatus,
        /// The change would leave the vendor without an owner.
        LastOwner,
        /// The user is already a member of this vendor.
        AlreadyMember,
        /// The invite has expired.
        InviteExpired,
        /// The invite was revoked.
        InviteRevoked,
        /// The invite was already used.
        InviteUsed,
        /// The invite is for another e-mail address than the signed-in user's.
        InviteEmailMismatch,
    }
}

/// Resolves a vendor for `node(id:)`: an active vendor for everyone, others for their members
/// and staff only (null otherwise, like a missing one).
pub async fn node(ctx: &Context<'_>, id: VendorId) -> async_graphql::Result<Option<Vendor>> {
    let Some(v) = ctx.loader::<VendorByIdLoader>().load_one(id).await.or_internal()? else { return Ok(None) };
    if !ctx.state().vendors.visible(ctx.rcx(), &v).await.or_internal()? {
        return Ok(None);
    }
    Ok(Some(v.into()))
}
