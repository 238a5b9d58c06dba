//! The per-request dataloaders of every slice (part of the schema root: it names every slice's
//! loaders). Each is backed by a batch service method.
//! Built fresh for every request (they carry the viewer, and nothing is cached across requests):
//! over HTTP by the handler, per request; over WebSocket per operation, by
//! [`PerOperationLoaders`] (a long-lived socket must not keep serving rows cached by an earlier
//! operation).

use async_graphql::Data;

use crate::{
    catalog::graphql::loaders::{
        AllCategoriesLoader, AttributesByProductIdLoader, CategoriesByProductIdLoader, ImagesByProductIdLoader,
        ProductByIdLoader, VariantByIdLoader, VariantsByProductIdLoader, VendorCatalogAccessLoader,
    },
    context::RequestContext,
    graphql::dataloader::{Cached, cached as loader},
    orders::graphql::{
        DisputesByOrderIdLoader, FulfillmentsByOrderIdLoader, FulfillmentsByVendorOrderLoader, HistoryByOrderIdLoader,
        PaymentsByOrderIdLoader, RefundsByOrderIdLoader,
    },
    shipping::graphql::ShippingMethodsByZoneIdLoader,
    state::AppState,
    vendors::graphql::VendorByIdLoader,
};

/// One of every loader for one request (or WebSocket connection); `insert_into` puts them in
/// the request data, where resolvers find each with `ctx.loader::<L>()`.
#[derive(Clone)]
pub struct Loaders {
    pub vendor_by_id: Cached<VendorByIdLoader>,
    pub product_by_id: Cached<ProductByIdLoader>,
    pub variant_by_id: Cached<VariantByIdLoader>,
    pub variants_by_product_id: Cached<VariantsByProductIdLoader>,
    pub images_by_product_id: Cached<ImagesByProductIdLoader>,
    pub categories_by_product_id: Cached<CategoriesByProductIdLoader>,
    pub attributes_by_product_id: Cached<AttributesByProductIdLoader>,
    pub all_categories: Cached<AllCategoriesLoader>,
    pub vendor_catalog_access: Cached<VendorCatalogAccessLoader>,
    pub shipping_methods_by_zone_id: Cached<ShippingMethodsByZoneIdLoader>,
    pub history_by_order_id: Cached<HistoryByOrderIdLoader>,
    pub payments_by_order_id: Cached<PaymentsByOrderIdLoader>,
    pub disputes_by_order_id: Cached<DisputesByOrderIdLoader>,
    pub refunds_by_order_id: Cached<RefundsByOrderIdLoader>,
    pub fulfillments_by_order_id: Cached<FulfillmentsByOrderIdLoader>,
    pub fulfillments_by_vendor_order: Cached<FulfillmentsByVendorOrderLoader>,
}

impl Loaders {
    pub fn new(state: &AppState, rcx: &RequestContext) -> Self {
        let catalog = &state.catalog;
        let window = std::time::Duration::from_millis(state.settings.graphql.batch_window_ms);
        Self {
            vendor_by_id: loader(window, VendorByIdLoader(state.vendors.clone())),
            product_by_id: loader(window, ProductByIdLoader(catalog.clone(), rcx.clone())),
            variant_by_id: loader(window, VariantByIdLoader(catalog.clone())),
            variants_by_product_id: loader(window, VariantsByProductIdLoader(catalog.clone())),
            images_by_product_id: loader(window, ImagesByProductIdLoader(catalog.clone())),
            categories_by_product_id: loader(window, CategoriesByProductIdLoader(catalog.clone())),
            attributes_by_product_id: loader(window, AttributesByProductIdLoader(catalog.clone())),
            all_categories: loader(window, AllCategoriesLoader(catalog.clone(), rcx.clone())),
            vendor_catalog_access: loader(window, VendorCatalogAccessLoader(catalog.clone(), rcx.clone())),
            shipping_methods_by_zone_id: loader(window, ShippingMethodsByZoneIdLoader(state.shipping.clone())),
            history_by_order_id: loader(window, HistoryByOrderIdLoader(state.orders.clone())),
            payments_by_order_id: loader(window, PaymentsByOrderIdLoader(state.order_payments.clone())),
            disputes_by_order_id: loader(window, DisputesByOrderIdLoader(state.order_payments.clone())),
            refunds_by_order_id: loader(window, RefundsByOrderIdLoader(state.order_payments.clone())),
            fulfillments_by_order_id: loader(window, FulfillmentsByOrderIdLoader(state.orders.clone())),
            fulfillments_by_vendor_order: loader(window, FulfillmentsByVendorOrderLoader(state.orders.clone())),
        }
    }

    /// Makes each loader reachable from resolvers (`ContextExt::loader`).
    pub fn insert_into(&self, data: &mut Data) {
        data.insert(self.vendor_by_id.clone());
        data.insert(self.product_by_id.clone());
        data.insert(self.variant_by_id.clone());
        data.insert(self.variants_by_product_id.clone());
        data.insert(self.images_by_product_id.clone());
        data.insert(self.categories_by_product_id.clone());
        data.insert(self.attributes_by_product_id.clone());
        data.insert(self.all_categories.clone());
        data.insert(self.vendor_catalog_access.clone());
        data.insert(self.shipping_methods_by_zone_id.clone());
        data.insert(self.history_by_order_id.clone());
        data.insert(self.payments_by_order_id.clone());
        data.insert(self.disputes_by_order_id.clone());
        data.insert(self.refunds_by_order_id.clone());
        data.insert(self.fulfillments_by_order_id.clone());
        data.insert(self.fulfillments_by_vendor_order.clone());
    }
}

/// A schema extension giving every WebSocket operation its own [`Loaders`]: the connection's
/// session data holds its `RequestContext` (from `connection_init`), and each operation's
/// request data gets fresh loaders built for it. HTTP requests carry their context and loaders
/// in their request data (built per request by the handler); their session data is empty, so
/// the extension leaves them alone.
pub struct PerOperationLoaders;

impl async_graphql::extensions::ExtensionFactory for PerOperationLoaders {
    fn create(&self) -> std::sync::Arc<dyn async_graphql::extensions::Extension> {
        std::sync::Arc::new(PerOperationLoaders)
    }
}

#[async_trait::async_trait]
impl async_graphql::extensions::Extension for PerOperationLoaders {
    async fn prepare_request(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        mut request: async_graphql::Request,
        next: async_graphql::extensions::NextPrepareRequest<'_>,
    ) -> async_graphql::ServerResult<async_graphql::Request> {
        if let (Some(state), Some(rcx)) = (ctx.data_opt::<AppState>(), ctx.data_opt::<RequestContext>()) {
            Loaders::new(state, rcx).insert_into(&mut request.data);
        }
        next.run(ctx, request).await
    }
}
