//! Coarse role gates for fields and mutations. Ownership rules live in the services.

use async_graphql::{Context, Guard};

use crate::{context::RequestContext, graphql::errors, shared::role::Role};

/// Requires a signed-in viewer with at least this role.
pub struct RoleGuard(pub Role);

impl Guard for RoleGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        match ctx.data_opt::<RequestContext>().and_then(|r| r.viewer) {
            None => Err(errors::unauthenticated()),
            Some(v) if v.role >= self.0 => Ok(()),
            Some(_) => Err(errors::forbidden()),
        }
    }
}
