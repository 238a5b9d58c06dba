//! Faceted product search: a [`SearchIndex`] port with two engines — the embedded tantivy
//! index (default feature `embedded-search`, under `<data_dir>/search/`) and Meilisearch (when
//! `search.meilisearch_url` or `MEILISEARCH_URL` is set) — behind one query, `search(…)`.
//!
//! Invariants: the index holds one document per storefront product (ACTIVE, APPROVED, vendor
//! ACTIVE), built from the database as it is now ([`service`]); it follows the catalog through
//! the outbox ([`sync::SearchSync`], registered on every event), and is rebuilt with zero
//! downtime by `agora search reindex` and at start when it is empty or behind. Searches never
//! touch the database except to load the page's products through the dataloaders.
//!
//! The embedded engine is single-instance: each process owns its index directory. Several
//! instances use Meilisearch (one shared index, fed by whichever instance relays the event).

pub mod error;
pub mod graphql;
pub mod meili;
pub mod model;
pub mod port;
pub mod service;
pub mod sync;

#[cfg(feature = "embedded-search")]
pub mod embedded;

use std::{sync::Arc, time::Duration};

pub use error::SearchError;
pub use port::SearchIndex;
pub use service::SearchService;

use crate::config::Settings;

/// The engine the settings name: Meilisearch when `search.meilisearch_url` is set, else the
/// embedded index (an error in a binary built without `embedded-search`).
///
/// # Errors
/// A malformed Meilisearch URL, an embedded index that cannot be opened, or no engine at all.
pub fn index_from_settings(settings: &Settings) -> anyhow::Result<Arc<dyn SearchIndex>> {
    let s = &settings.search;
    if let Some(url) = s.meilisearch_url.as_deref().filter(|u| !u.trim().is_empty()) {
        let key = s.meilisearch_api_key.as_ref().map(crate::config::Secret::expose);
        let timeout = Duration::from_millis(s.timeout_ms.max(1));
        return Ok(Arc::new(meili::MeiliIndex::new(url, key, &s.index_name, timeout)?));
    }
    #[cfg(feature = "embedded-search")]
    {
        Ok(Arc::new(embedded::Embedded::open(&settings.data_dir)?))
    }
    #[cfg(not(feature = "embedded-search"))]
    anyhow::bail!(
        "no search engine: this binary was built without the `embedded-search` feature; set \
         AGORA_SEARCH__MEILISEARCH_URL (or MEILISEARCH_URL)"
    )
}
