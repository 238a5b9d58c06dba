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
    crate::search::graphql::SearchQuery,
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
    one_argument_per_line(&bare().sdl())
}

/// async-graphql writes an undocumented argument that follows a documented one (or opens the
/// list) on the previous line, after its indentation (`after: String,\t\tfilter: …`): start
/// it on a line of its own. Leading indentation is the only place the SDL has tabs.
fn one_argument_per_line(sdl: &str) -> String {
    let mut out = String::with_capacity(sdl.len() + 256);
    for line in sdl.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches('\t').len();
        let (head, mut rest) = line.split_at(indent);
        out.push_str(head);
        while let Some(at) = rest.find('\t') {
            out.push_str(rest[..at].trim_end_matches(' '));
            out.push('\n');
            rest = &rest[at..];
            let tabs = rest.len() - rest.trim_start_matches('\t').len();
            out.push_str(&rest[..tabs]);
            rest = &rest[tabs..];
        }
        out.push_str(rest);
    }
    out
}

#[cfg(test)]
mod sdl_tests {
    #[test]
    fn run_together_arguments_get_a_line_each() {
        let raw = "type Q {\n\tproducts(\t\tfirst: Int,\n\t\tafter: String,\t\tfilter: F\n\t): P!\n}\n";
        assert_eq!(
            super::one_argument_per_line(raw),
            "type Q {\n\tproducts(\n\t\tfirst: Int,\n\t\tafter: String,\n\t\tfilter: F\n\t): P!\n}\n"
        );
    }
}
