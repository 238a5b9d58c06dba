use chrono::{DateTime, Utc};
use entity::audit_log;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::{
    audit::model::{AuditEntry, AuditFilter, NewAuditEntry},
    context::RequestContext,
    shared::{
        ids::{AuditEntryId, TypedId, UserId, VendorId},
        pagination::{Cursor, Page, PageRequest},
        role::Role,
    },
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

fn to_entry(m: audit_log::Model) -> Result<AuditEntry, DbErr> {
    let actor_role =
        m.actor_role.map(|r| Role::parse(&r).ok_or_else(|| DbErr::Type(format!("unknown role {r}")))).transpose()?;
    Ok(AuditEntry {
        id: AuditEntryId(m.id),
        actor_id: m.actor_id.map(UserId),
        actor_role,
        action: m.action,
        target_type: m.target_type,
        target_id: m.target_id,
        vendor_id: m.vendor_id.map(VendorId),
        summary: m.summary,
        request_id: m.request_id,
        created_at: m.created_at,
    })
}

fn condition(f: &AuditFilter) -> Condition {
    let mut c = Condition::all();
    if !f.actions.is_empty() {
        c = c.add(audit_log::Column::Action.is_in(f.actions.iter().cloned()));
    }
    if let Some(a) = f.actor_id {
        c = c.add(audit_log::Column::ActorId.eq(a.uuid()));
    }
    if let Some(t) = &f.target_type {
        c = c.add(audit_log::Column::TargetType.eq(t.as_str()));
    }
    if let Some(t) = &f.target_id {
        c = c.add(audit_log::Column::TargetId.eq(t.as_str()));
    }
    if let Some(v) = f.vendor_id {
        c = c.add(audit_log::Column::VendorId.eq(v.uuid()));
    }
    if let Some(from) = f.from {
        c = c.add(audit_log::Column::CreatedAt.gte(from));
    }
    if let Some(to) = f.to {
        c = c.add(audit_log::Column::CreatedAt.lt(to));
    }
    c
}

/// The cursor of an entry: its time (RFC 3339, full precision) and id.
fn cursor(e: &AuditEntry) -> Cursor {
    Cursor { key: e.created_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true), id: e.id.uuid() }
}

/// Entries newest first, keyset-paginated over (created_at, id): a page stays stable while
/// entries are appended. A cursor whose key is not a time starts from the top.
pub async fn list(db: &impl ConnectionTrait, f: &AuditFilter, page: &PageRequest) -> Result<Page<AuditEntry>, DbErr> {
    let mut q = audit_log::Entity::find().filter(condition(f));
    if let Some(after) = &page.after
        && let Ok(at) = DateTime::parse_from_rfc3339(&after.key)
    {
        let at = at.with_timezone(&Utc);
        q =
            q.filter(Condition::any().add(audit_log::Column::CreatedAt.lt(at)).add(
                Condition::all().add(audit_log::Column::CreatedAt.eq(at)).add(audit_log::Column::Id.lt(after.id)),
            ));
    }
    let mut rows = q
        .order_by_desc(audit_log::Column::CreatedAt)
        .order_by_desc(audit_log::Column::Id)
        .limit(page.first + 1)
        .all(db)
        .await?;
    let has_next_page = rows.len() as u64 > page.first;
    rows.truncate(page.first as usize);
    let items = rows.into_iter().map(|m| to_entry(m).map(|e| (cursor(&e), e))).collect::<Result<_, _>>()?;
    Ok(Page { items, has_next_page })
}

pub async fn count(db: &impl ConnectionTrait, f: &AuditFilter) -> Result<u64, DbErr> {
    audit_log::Entity::find().filter(condition(f)).count(db).await
}
