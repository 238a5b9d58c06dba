//! Per-request dataloaders, one per relationship, each backed by a batch repo function.
//! Built fresh for every request (they carry the viewer, and nothing is cached across requests).

use std::{collections::HashMap, hash::Hash, sync::Arc};

use async_graphql::dataloader::{DataLoader, HashMapCache};

use crate::{
    catalog::graphql::loaders::{
        AllCategoriesLoader, AttributesByProductIdLoader, CategoriesByProductIdLoader, ImagesByProductIdLoader,
        ProductByIdLoader, VariantByIdLoader, VariantsByProductIdLoader,
    },
    context::RequestContext,
    orders::graphql::{HistoryByOrderIdLoader, PaymentsByOrderIdLoader},
    shipping::graphql::ShippingMethodsByZoneIdLoader,
    state::AppState,
    vendors::graphql::VendorByIdLoader,
};

/// What a one-to-many loader returns: every key gets an entry, so "has none" never looks like
/// "not loaded".
pub fn complete<K: Copy + Eq + Hash, V>(keys: &[K], mut found: HashMap<K, Vec<V>>) -> HashMap<K, Vec<V>> {
    keys.iter().map(|k| (*k, found.remove(k).unwrap_or_default())).collect()
}

type Cached<L> = Arc<DataLoader<L, HashMapCache>>;

fn loader<L: Send + Sync + 'static>(l: L) -> Cached<L> {
    Arc::new(DataLoader::with_cache(l, tokio::spawn, HashMapCache::default()))
}

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
    pub shipping_methods_by_zone_id: Cached<ShippingMethodsByZoneIdLoader>,
    pub history_by_order_id: Cached<HistoryByOrderIdLoader>,
    pub payments_by_order_id: Cached<PaymentsByOrderIdLoader>,
}

impl Loaders {
    pub fn new(state: &AppState, rcx: &RequestContext) -> Self {
        let catalog = &state.catalog;
        Self {
            vendor_by_id: loader(VendorByIdLoader(state.vendors.clone())),
            product_by_id: loader(ProductByIdLoader(catalog.clone(), rcx.clone())),
            variant_by_id: loader(VariantByIdLoader(catalog.clone())),
            variants_by_product_id: loader(VariantsByProductIdLoader(catalog.clone())),
            images_by_product_id: loader(ImagesByProductIdLoader(catalog.clone())),
            categories_by_product_id: loader(CategoriesByProductIdLoader(catalog.clone())),
            attributes_by_product_id: loader(AttributesByProductIdLoader(catalog.clone())),
            all_categories: loader(AllCategoriesLoader(catalog.clone(), rcx.clone())),
            shipping_methods_by_zone_id: loader(ShippingMethodsByZoneIdLoader(state.shipping.clone())),
            history_by_order_id: loader(HistoryByOrderIdLoader(state.orders.clone())),
            payments_by_order_id: loader(PaymentsByOrderIdLoader(state.order_payments.clone())),
        }
    }
}
