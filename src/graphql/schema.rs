//! The schema root: every slice's query and mutation fragments merged, limits, SDL export. The
//! top of the GraphQL layer: it imports every slice, and no slice imports it.

use async_graphql::{MergedObject, MergedSubscription, Schema};

use crate::{
    accounts::graphql::{AccountMutation, AccountQuery},
    audit::graphql::AuditQuery,
    cart::graphql::{CartMutation, CartQuery},
    catalog::graphql::{CatalogMutation, CatalogQuery},
    checkout::graphql::CheckoutMutation,
    config::GraphqlSettings,
    graphql::node::NodeQuery,
    orders::graphql::{OrderMutation, OrderQuery},
    payments::graphql::{OrderCancelMutation, OrderRefundMutation, PaymentMutation},
    promotions::graphql::{PromotionMutation, PromotionQuery},
    realtime::graphql::RealtimeSubscription,
    shipping::graphql::{ShippingMutation, ShippingQuery},
    state::AppState,
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
    AuditQuery,
    NodeQuery,
);

/// The mutation root: one fragment per domain.
#[derive(MergedObject, Default)]
pub struct Mutation(
    CatalogMutation,
    VendorMutation,
    CartMutation,
    CheckoutMutation,
    OrderCancelMutation,
    OrderMutation,
    PaymentMutation,
    OrderRefundMutation,
    PromotionMutation,
    ShippingMutation,
    TaxMutation,
    AccountMutation,
);

/// The subscription root (WebSocket only).
#[derive(MergedSubscription, Default)]
pub struct Subscription(RealtimeSubscription);

pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// Builds the schema; `state: None` is enough for SDL export.
pub fn build_schema(state: Option<AppState>, settings: &GraphqlSettings) -> AppSchema {
    let mut builder = Schema::build(Query::default(), Mutation::default(), Subscription::default())
        .extension(crate::graphql::loaders::PerOperationLoaders)
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
