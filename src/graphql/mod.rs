//! Schema assembly: merged per-domain roots, limits, per-request data, SDL export.

pub mod connection;
pub mod errors;
pub mod guards;
pub mod ids;
pub mod loaders;
pub mod money;
pub mod node;
pub mod payload;

use async_graphql::{Context, EmptySubscription, MergedObject, Schema};

use crate::{
    accounts::graphql::{AccountMutation, AccountQuery},
    app::AppState,
    cart::graphql::{CartMutation, CartQuery},
    catalog::graphql::{CatalogMutation, CatalogQuery},
    checkout::graphql::CheckoutMutation,
    config::GraphqlSettings,
    context::RequestContext,
    graphql::{loaders::Loaders, node::NodeQuery},
    orders::graphql::{OrderMutation, OrderQuery},
    payments::graphql::PaymentMutation,
    promotions::graphql::{PromotionMutation, PromotionQuery},
    shipping::graphql::{ShippingMutation, ShippingQuery},
    tax::graphql::{TaxMutation, TaxQuery},
    vendors::graphql::{VendorMutation, VendorQuery},
};

/// The query root: one fragment per domain.
#[derive(MergedObject, Default)]
pub struct Query(
    CatalogQuery,
    VendorQuery,
    CartQuery,
    OrderQuery,
    PromotionQuery,
    ShippingQuery,
    TaxQuery,
    AccountQuery,
    NodeQuery,
);

/// The mutation root: one fragment per domain.
#[derive(MergedObject, Default)]
pub struct Mutation(
    CatalogMutation,
    VendorMutation,
    CartMutation,
    CheckoutMutation,
    OrderMutation,
    PaymentMutation,
    PromotionMutation,
    ShippingMutation,
    TaxMutation,
    AccountMutation,
);

pub type AppSchema = Schema<Query, Mutation, EmptySubscription>;

/// Builds the schema; `state: None` is enough for SDL export.
pub fn build_schema(state: Option<AppState>, settings: &GraphqlSettings) -> AppSchema {
    let mut builder = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_depth(settings.max_depth)
        .limit_complexity(settings.max_complexity);
    if !settings.introspection {
        builder = builder.disable_introspection();
    }
    if let Some(state) = state {
        builder = builder.data(state);
    }
    builder.finish()
}

/// The SDL of the public API, as committed in `schema.graphql`.
pub fn sdl() -> String {
    build_schema(None, &GraphqlSettings::default()).sdl()
}

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
