use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use crate::{
    audit::{
        error::AuditError,
        model::{AuditEntry, AuditFilter, NewAuditEntry},
        repo,
    },
    context::RequestContext,
    shared::pagination::{Page, PageRequest},
};

/// Records a privileged action by `rcx`'s viewer (or a system job) inside the caller's
/// transaction `conn`: the entry commits or rolls back with the change it describes.
#[tracing::instrument(name = "audit.record", skip_all, fields(action = entry.action))]
pub async fn record_in(
    conn: &impl ConnectionTrait,
    rcx: &RequestContext,
    entry: NewAuditEntry,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    repo::insert(conn, rcx, entry, now).await
}

/// Reads the audit log (staff). There is deliberately no use case that changes an entry.
#[derive(Clone)]
pub struct AuditService {
    db: DatabaseConnection,
}

impl AuditService {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Entries matching `filter`, newest first.
    ///
    /// # Errors
    /// `Unauthenticated`/`Forbidden` (top-level) unless the viewer is staff.
    #[tracing::instrument(name = "audit.list", skip_all)]
    pub async fn list(
        &self,
        rcx: &RequestContext,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> Result<Page<AuditEntry>, AuditError> {
        if !rcx.is_staff() {
            return Err(if rcx.viewer.is_none() { AuditError::Unauthenticated } else { AuditError::Forbidden });
        }
        Ok(repo::list(&self.db, filter, page).await?)
    }

    /// How many entries match (for a list already authorised by [`AuditService::list`]).
    pub async fn count(&self, filter: &AuditFilter) -> Result<u64, DbErr> {
        repo::count(&self.db, filter).await
    }
}
