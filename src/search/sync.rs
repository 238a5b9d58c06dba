//! The outbox consumer that keeps the index equal to the database: for every event about a
//! product, a variant (its `productId`), a vendor or a category, it re-reads the current state
//! and upserts or deletes documents ([`SyncTarget`]). It never applies the event's payload, so
//! it is idempotent and a late or repeated event cannot make a document older than the
//! database; the relay delivers in order per aggregate.

use std::sync::Arc;

use crate::{
    outbox::{Consumer, JobError, OutboxEvent},
    search::{
        error::SearchError,
        model::{SyncTarget, sync_target},
        service::SearchService,
    },
    shared::ids::{ProductId, VendorId},
};

/// Registered with `Consumers::on_all` (see `app.rs`).
pub struct SearchSync(pub SearchService);

impl SearchSync {
    pub fn new(service: SearchService) -> Arc<Self> {
        Arc::new(Self(service))
    }
}

fn job_error(e: SearchError) -> JobError {
    match e {
        SearchError::BadInput { .. } => JobError::give_up(e),
        other => JobError::retry(other),
    }
}

fn uuid(id: &str) -> Result<uuid::Uuid, JobError> {
    id.parse().map_err(|e| JobError::give_up(anyhow::anyhow!("not a UUID: {id}: {e}")))
}

#[async_trait::async_trait]
impl Consumer for SearchSync {
    fn name(&self) -> &'static str {
        "search.sync"
    }

    async fn handle(&self, event: &OutboxEvent) -> Result<(), JobError> {
        match sync_target(&event.aggregate_type, &event.aggregate_id, &event.payload) {
            SyncTarget::Product(id) => self.0.sync_products(&[ProductId(uuid(&id)?)]).await.map_err(job_error),
            SyncTarget::Vendor(id) => self.0.sync_vendor(VendorId(uuid(&id)?)).await.map_err(job_error),
            SyncTarget::All => self.0.reindex().await.map(|_| ()).map_err(job_error),
            SyncTarget::Nothing => Ok(()),
        }
    }
}
