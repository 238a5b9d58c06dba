//! Dataloader helpers for the slices' loaders: the per-request cache type and the
//! "every key gets an entry" rule. Resolvers reach a loader with `ContextExt::loader`.

use std::{collections::HashMap, hash::Hash, sync::Arc, time::Duration};

use async_graphql::dataloader::{DataLoader, HashMapCache};

/// What a one-to-many loader returns: every key gets an entry, so "has none" never looks like
/// "not loaded".
pub fn complete<K: Copy + Eq + Hash, V>(keys: &[K], mut found: HashMap<K, Vec<V>>) -> HashMap<K, Vec<V>> {
    keys.iter().map(|k| (*k, found.remove(k).unwrap_or_default())).collect()
}

/// A loader with a per-request cache, shared by the operations of one request.
pub type Cached<L> = Arc<DataLoader<L, HashMapCache>>;

/// `l` with a fresh cache, batching the keys asked within `window` into one call.
pub fn cached<L: Send + Sync + 'static>(window: Duration, l: L) -> Cached<L> {
    Arc::new(DataLoader::with_cache(l, tokio::spawn, HashMapCache::default()).delay(window))
}
