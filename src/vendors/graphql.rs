//! Vendors in the API.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject, dataloader::Loader};
use chrono::{DateTime, Utc};

use crate::{
    graphql::{
        ContextExt,
        errors::{OrInternal, user_error_type},
        guards::RoleGuard,
        ids,
        payload::{payload, payload_type},
    },
    shared::ids::VendorId,
    shared::role::Role,
    vendors::{VendorService, model},
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

/// A seller in the marketplace. Every product belongs to one vendor.
#[derive(SimpleObject, Clone)]
pub struct Vendor {
    /// Global ID of the vendor.
    pub id: ID,
    /// Display name.
    pub name: String,
    /// URL-friendly unique handle.
    pub slug: String,
    /// Whether the vendor is selling.
    pub status: VendorStatus,
    /// When the vendor joined.
    pub created_at: DateTime<Utc>,
}

impl From<model::Vendor> for Vendor {
    fn from(v: model::Vendor) -> Self {
        Self {
            id: ids::encode(v.id),
            name: v.name,
            slug: v.slug.to_string(),
            status: v.status.into(),
            created_at: v.created_at,
        }
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
        /// Nothing has this ID.
        NotFound,
        /// The vendor is pending, rejected or suspended, and this needs it active.
        VendorNotActive,
    }
}

/// Input of `vendorCreate`.
#[derive(InputObject)]
pub struct VendorCreateInput {
    /// Display name, 1 to 200 characters.
    pub name: String,
    /// URL handle; derived from the name when omitted.
    pub slug: Option<String>,
}

/// Result of `vendorCreate`.
#[derive(SimpleObject)]
pub struct VendorCreatePayload {
    /// The new vendor; null when `userErrors` is not empty.
    pub vendor: Option<Vendor>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<VendorUserError>,
}

payload_type!(VendorCreatePayload { vendor: model::Vendor }, VendorUserError);

#[derive(Default)]
pub struct VendorQuery;

#[Object]
impl VendorQuery {
    /// A vendor by its slug; null when there is none.
    async fn vendor(&self, ctx: &Context<'_>, slug: String) -> async_graphql::Result<Option<Vendor>> {
        Ok(ctx.state().vendors.by_slug(&slug).await.or_internal()?.map(Into::into))
    }

    /// All vendors, by name.
    async fn vendors(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Vendor>> {
        Ok(ctx.state().vendors.list().await.or_internal()?.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct VendorMutation;

#[Object]
impl VendorMutation {
    /// Creates a vendor (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn vendor_create(
        &self,
        ctx: &Context<'_>,
        input: VendorCreateInput,
    ) -> async_graphql::Result<VendorCreatePayload> {
        payload(ctx.state().vendors.create(ctx.rcx(), &input.name, input.slug.as_deref()).await)
    }
}

/// Resolves a vendor for `node(id:)`.
pub async fn node(ctx: &Context<'_>, id: VendorId) -> async_graphql::Result<Option<Vendor>> {
    let v = ctx.loader::<VendorByIdLoader>().load_one(id).await.or_internal()?;
    Ok(v.map(Into::into))
}
