//! The GraphQL kit every slice uses — error mapping (`errors`), global IDs (`ids`), `Money`
//! (`money`), guards (`guards`), typed context access (`ContextExt` below) — and the root that
//! assembles the slices: `schema` (roots, limits, SDL), `node` (`Node`), `loaders` (the
//! per-request dataloaders). Slices import the kit, never the root (`tests/api/architecture.rs`).

pub mod connection;
pub mod errors;
pub mod guards;
pub mod ids;
pub mod loaders;
pub mod money;
pub mod node;
pub mod payload;
pub mod schema;

use async_graphql::Context;

use crate::{context::RequestContext, graphql::loaders::Loaders, state::AppState};

/// Typed access to what every resolver needs.
pub trait ContextExt {
    fn state(&self) -> &AppState;
    fn rcx(&self) -> &RequestContext;
    fn loaders(&self) -> &Loaders;
}

impl ContextExt for Context<'_> {
    fn state(&self) -> &AppState {
        self.data_unchecked::<AppState>()
    }
    fn rcx(&self) -> &RequestContext {
        self.data_unchecked::<RequestContext>()
    }
    fn loaders(&self) -> &Loaders {
        self.data_unchecked::<Loaders>()
    }
}
