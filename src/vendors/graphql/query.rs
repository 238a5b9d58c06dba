//! Vendor queries.

use async_graphql::{Context, InputObject, Object};

use crate::{
    graphql::{
        ContextExt,
        errors::{OrInternal, top_level},
        guards::RoleGuard,
    },
    shared::role::Role,
    vendors::graphql::{MarketplaceSettings, Vendor, VendorStatus},
};

/// Which vendors `vendors` lists.
#[derive(InputObject, Default)]
pub struct VendorFilter {
    /// Only vendors in one of these statuses; default `[ACTIVE]`. Statuses other than
    /// `ACTIVE` are for staff (e.g. `[PENDING]`: the applications to review).
    pub statuses: Option<Vec<VendorStatus>>,
}

#[derive(Default)]
pub struct VendorQuery;

#[Object]
impl VendorQuery {
    /// A vendor by its slug; null when there is none. A vendor that is not active is visible
    /// only to its members and staff (null for others).
    async fn vendor(&self, ctx: &Context<'_>, slug: String) -> async_graphql::Result<Option<Vendor>> {
        Ok(ctx.state().vendors.by_slug_for(ctx.rcx(), &slug).await.or_internal()?.map(Into::into))
    }

    /// Vendors by name: the active ones, or (staff) those in the filter's statuses. Members find
    /// their own vendors in any status under `me { memberships }`.
    async fn vendors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which vendors; default: active ones.")] filter: Option<VendorFilter>,
    ) -> async_graphql::Result<Vec<Vendor>> {
        let statuses = filter.and_then(|f| f.statuses).map(|s| s.into_iter().map(Into::into).collect());
        let list = ctx.state().vendors.list_for(ctx.rcx(), statuses).await.map_err(top_level)?;
        Ok(list.into_iter().map(Into::into).collect())
    }

    /// The marketplace settings (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn marketplace_settings(&self, ctx: &Context<'_>) -> async_graphql::Result<MarketplaceSettings> {
        Ok(ctx.state().vendors.settings(ctx.rcx()).await.map_err(top_level)?.into())
    }
}
