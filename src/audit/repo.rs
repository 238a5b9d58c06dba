use chrono::{DateTime, Utc};
use entity::audit_log;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

use crate::{
    audit::model::NewAuditEntry,
    context::RequestContext,
    shared::ids::{AuditEntryId, TypedId},
};

/// Appends one entry; the table takes nothing else.
pub async fn insert(
    db: &impl ConnectionTrait,
    rcx: &RequestContext,
    entry: NewAuditEntry,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        id: Set(AuditEntryId::new().uuid()),
        actor_id: Set(rcx.viewer.map(|v| v.user_id.uuid())),
        actor_role: Set(rcx.viewer.map(|v| v.role.as_str().to_owned())),
        action: Set(entry.action.to_owned()),
        target_type: Set(entry.target_type.to_owned()),
        target_id: Set(entry.target_id),
        vendor_id: Set(entry.vendor_id.map(|v| v.uuid())),
        summary: Set(entry.summary),
        request_id: Set(rcx.request_id.chars().take(128).collect()),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}
