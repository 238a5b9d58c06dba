//! The schema root: every slice's query and mutation fragments merged, limits, SDL export. The
//! top of the GraphQL layer: it imports every slice, and no slice imports it.

use std::sync::{Arc, LazyLock};

use async_graphql::{MergedObject, MergedSubscription, Schema};

use crate::{
    accounts::graphql::{AccountMutation, AccountQuery},
    audit::graphql::AuditQuery,
    cart::graphql::{CartMutation, CartQuery},
    catalog::graphql::{CatalogMutation, CatalogQuery},
    checkout::graphql::CheckoutMutation,
    config::GraphqlSettings,
    graphql::node::NodeQuery,
    graphql::{
        cost::{CostLimit, CostModel},
        input_limits::InputLimits,
        request_errors::ErrorCodes,
    },
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

/// The schema without limits or data, for SDL export and the cost model.
fn bare() -> AppSchema {
    Schema::build(Query::default(), Mutation::default(), Subscription::default()).finish()
}

/// The cost model of this schema, read once from its SDL.
pub fn cost_model() -> Arc<CostModel> {
    static MODEL: LazyLock<Arc<CostModel>> = LazyLock::new(|| Arc::new(CostModel::from_sdl(&bare().sdl())));
    MODEL.clone()
}

/// Builds the schema; `state: None` is enough for SDL export.
pub fn build_schema(state: Option<AppState>, settings: &GraphqlSettings) -> AppSchema {
    let mut builder = Schema::build(Query::default(), Mutation::default(), Subscription::default())
        .extension(crate::graphql::loaders::PerOperationLoaders)
        .limit_depth(settings.max_depth)
        .extension(ErrorCodes)
        .extension(InputLimits)
        .extension(CostLimit::new(cost_model(), settings.max_cost));
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
    bare().sdl()
}
