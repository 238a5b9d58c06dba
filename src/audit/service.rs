use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};

use crate::{
    audit::{model::NewAuditEntry, repo},
    context::RequestContext,
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
