//! The GraphQL kit every slice uses — error mapping (`errors`), global IDs (`ids`), `Money`
//! (`money`), guards (`guards`), typed context access (`ContextExt` below) — and the root that
//! assembles the slices: `schema` (roots, limits, SDL), `node` (`Node`), `loaders` (every
//! slice's per-request dataloaders). Slices import the kit, never the root (`tests/api/architecture.rs`).

pub mod connection;
pub mod cost;
pub mod dataloader;
pub mod errors;
pub mod guards;
pub mod ids;
pub mod input_limits;
pub mod loaders;
pub mod money;
pub mod node;
pub mod payload;
pub mod request_errors;
pub mod schema;

use async_graphql::{
    Context,
    dataloader::{DataLoader, HashMapCache},
};

use crate::{context::RequestContext, graphql::dataloader::Cached, state::AppState};

/// Typed access to what every resolver needs.
pub trait ContextExt {
    fn state(&self) -> &AppState;
    fn rcx(&self) -> &RequestContext;
    /// This request's loader of type `L` (registered by the schema root's `Loaders`).
    fn loader<L: Send + Sync + 'static>(&self) -> &DataLoader<L, HashMapCache>;
}

impl ContextExt for Context<'_> {
    fn state(&self) -> &AppState {
        self.data_unchecked::<AppState>()
    }
    fn rcx(&self) -> &RequestContext {
        self.data_unchecked::<RequestContext>()
    }
    fn loader<L: Send + Sync + 'static>(&self) -> &DataLoader<L, HashMapCache> {
        self.data_unchecked::<Cached<L>>()
    }
}
