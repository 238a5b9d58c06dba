//! The search port: what the service needs from an engine. Two adapters implement it (the
//! embedded tantivy index, Meilisearch) and pass one conformance suite (`tests/api/search/`).

use crate::search::{
    error::EngineError,
    model::{SearchDocument, SearchHits, SearchRequest},
};

#[async_trait::async_trait]
pub trait SearchIndex: Send + Sync + 'static {
    /// `embedded` or `meilisearch` (logs, `/health/ready`).
    fn name(&self) -> &'static str;

    /// Creates the index if needed and applies its settings (searchable, filterable, sortable
    /// attributes, typo tolerance); idempotent, run at start.
    async fn prepare(&self) -> Result<(), EngineError>;

    /// Inserts or replaces documents by id; visible to searches when it returns.
    async fn upsert(&self, docs: Vec<SearchDocument>) -> Result<(), EngineError>;

    /// Deletes documents by id (unknown ids are ignored).
    async fn delete(&self, ids: Vec<String>) -> Result<(), EngineError>;

    /// Replaces every document of vendor `vendor_id` with `docs`.
    async fn replace_vendor(&self, vendor_id: String, docs: Vec<SearchDocument>) -> Result<(), EngineError>;

    /// Builds a new index holding exactly `docs`, then swaps it in for the live one: searches
    /// see the old index until the swap, never a partial one.
    async fn rebuild(&self, docs: Vec<SearchDocument>) -> Result<(), EngineError>;

    /// How many documents the live index holds.
    async fn count(&self) -> Result<u64, EngineError>;

    /// Runs a validated request.
    async fn search(&self, request: &SearchRequest) -> Result<SearchHits, EngineError>;
}
