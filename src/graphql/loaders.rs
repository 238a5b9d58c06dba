//! Per-request dataloaders, one per relationship, each backed by a batch repo function.
//! Built fresh for every request so nothing is cached across requests.

use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache};

use crate::{app::AppState, vendors::graphql::VendorByIdLoader};

#[derive(Clone)]
pub struct Loaders {
    pub vendor_by_id: Arc<DataLoader<VendorByIdLoader, HashMapCache>>,
}

impl Loaders {
    pub fn new(state: &AppState) -> Self {
        Self {
            vendor_by_id: Arc::new(DataLoader::with_cache(
                VendorByIdLoader(state.vendors.clone()),
                tokio::spawn,
                HashMapCache::default(),
            )),
        }
    }
}
