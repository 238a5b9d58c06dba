//! The outbox table: append inside the business transaction; claim, mark and prune for the relay.
//!
//! A row is *due* when `delivered_at IS NULL AND available_at <= now`, *claimed* while
//! `claimed_until > now`, and *dead* when the relay gave up: `delivered_at` stays NULL and
//! `available_at` is [`dead_at`] (far future), with `last_error` saying why.

use chrono::{DateTime, Utc};
use entity::outbox;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
    sea_query::{Alias, Expr, ExprTrait, LockBehavior, LockType, Query},
};

use crate::outbox::model::{DeadEvent, NewEvent, OutboxEvent};

/// Where a dead event's `available_at` points: 9999-12-31, never due.
pub fn dead_at() -> DateTime<Utc> {
    DateTime::from_timestamp(253_402_214_400, 0).expect("a valid timestamp")
}

fn to_event(m: outbox::Model) -> OutboxEvent {
    OutboxEvent {
        id: m.id,
        aggregate_type: m.aggregate_type,
        aggregate_id: m.aggregate_id,
        seq: m.seq,
        event_type: m.event_type,
        version: m.version,
        payload: m.payload,
        occurred_at: m.occurred_at,
        attempts: m.attempts,
    }
}

/// Appends an event numbered after the aggregate's last one. Callers change the aggregate's
/// row in the same transaction, which serialises writers of one aggregate; a concurrent append
/// that still takes the same number fails the unique index and rolls its transaction back.
pub async fn append(db: &impl ConnectionTrait, e: NewEvent) -> Result<(), DbErr> {
    let last: Option<i64> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Seq)
        .filter(outbox::Column::AggregateType.eq(e.aggregate_type))
        .filter(outbox::Column::AggregateId.eq(e.aggregate_id.clone()))
        .order_by_desc(outbox::Column::Seq)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    outbox::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        aggregate_type: Set(e.aggregate_type.to_owned()),
        aggregate_id: Set(e.aggregate_id),
        seq: Set(last.unwrap_or(0) + 1),
        event_type: Set(e.event_type.to_owned()),
        version: Set(e.version),
        payload: Set(e.payload),
        occurred_at: Set(e.occurred_at),
        available_at: Set(e.occurred_at),
        attempts: Set(0),
        last_error: Set(None),
        claimed_until: Set(None),
        delivered_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Claims up to `limit` due events until `lease_until`, at most one per aggregate: the
/// aggregate's earliest undelivered event, so later ones wait until it is delivered (dead events
/// do not hold their aggregate back). One short transaction; on PostgreSQL the candidates are
/// read `FOR UPDATE SKIP LOCKED`, and every claim is a compare-and-set on `claimed_until`, so
/// two relays never hold one event at once (SQLite has one writer anyway).
pub async fn claim(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<OutboxEvent>, DbErr> {
    let earlier = Alias::new("earlier");
    let earlier_undelivered = Query::select()
        .expr(Expr::val(1))
        .from_as(outbox::Entity, earlier.clone())
        .and_where(
            Expr::col((earlier.clone(), outbox::Column::AggregateType))
                .equals((outbox::Entity, outbox::Column::AggregateType)),
        )
        .and_where(
            Expr::col((earlier.clone(), outbox::Column::AggregateId))
                .equals((outbox::Entity, outbox::Column::AggregateId)),
        )
        .and_where(
            Expr::col((earlier.clone(), outbox::Column::Seq)).lt(Expr::col((outbox::Entity, outbox::Column::Seq))),
        )
        .and_where(Expr::col((earlier.clone(), outbox::Column::DeliveredAt)).is_null())
        .and_where(Expr::col((earlier, outbox::Column::AvailableAt)).lt(dead_at()))
        .to_owned();
    let txn = db.begin().await?;
    let candidates = outbox::Entity::find()
        .filter(outbox::Column::DeliveredAt.is_null())
        .filter(outbox::Column::AvailableAt.lte(now))
        .filter(Condition::any().add(outbox::Column::ClaimedUntil.is_null()).add(outbox::Column::ClaimedUntil.lte(now)))
        .filter(Expr::not_exists(earlier_undelivered))
        .order_by_asc(outbox::Column::OccurredAt)
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(&txn)
        .await?;
    let mut claimed = Vec::with_capacity(candidates.len());
    for m in candidates {
        let res = outbox::Entity::update_many()
            .col_expr(outbox::Column::ClaimedUntil, Expr::value(lease_until))
            .filter(outbox::Column::Id.eq(m.id))
            .filter(outbox::Column::DeliveredAt.is_null())
            .filter(
                Condition::any().add(outbox::Column::ClaimedUntil.is_null()).add(outbox::Column::ClaimedUntil.lte(now)),
            )
            .exec(&txn)
            .await?;
        if res.rows_affected == 1 {
            claimed.push(to_event(m));
        }
    }
    txn.commit().await?;
    Ok(claimed)
}

/// Marks a claimed event delivered; `false` when the claim was lost (the lease ran out and
/// another relay took the event).
pub async fn mark_delivered(
    db: &impl ConnectionTrait,
    id: uuid::Uuid,
    lease_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = outbox::Entity::update_many()
        .col_expr(outbox::Column::DeliveredAt, Expr::value(now))
        .col_expr(outbox::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::ClaimedUntil.eq(lease_until))
        .filter(outbox::Column::DeliveredAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Records a failed delivery of a claimed event: one more attempt, the error, and when to try
/// again ([`dead_at`] to give up); `false` when the claim was lost.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    id: uuid::Uuid,
    lease_until: DateTime<Utc>,
    error: &str,
    available_at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = outbox::Entity::update_many()
        .col_expr(outbox::Column::Attempts, Expr::col(outbox::Column::Attempts).add(1))
        .col_expr(outbox::Column::LastError, Expr::value(error.to_owned()))
        .col_expr(outbox::Column::AvailableAt, Expr::value(available_at))
        .col_expr(outbox::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::ClaimedUntil.eq(lease_until))
        .filter(outbox::Column::DeliveredAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Deletes events delivered before `before`; returns how many.
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let res = outbox::Entity::delete_many()
        .filter(outbox::Column::DeliveredAt.is_not_null())
        .filter(outbox::Column::DeliveredAt.lt(before))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// Events the relay gave up on, oldest first.
pub async fn dead(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<DeadEvent>, DbErr> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::DeliveredAt.is_null())
        .filter(outbox::Column::AvailableAt.gte(dead_at()))
        .order_by_asc(outbox::Column::OccurredAt)
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            let last_error = m.last_error.clone();
            DeadEvent { event: to_event(m), last_error }
        })
        .collect())
}

/// Makes a dead event due again at `now` with a fresh count of attempts; `false` when it is
/// not dead.
pub async fn revive(db: &impl ConnectionTrait, id: uuid::Uuid, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let res = outbox::Entity::update_many()
        .col_expr(outbox::Column::AvailableAt, Expr::value(now))
        .col_expr(outbox::Column::Attempts, Expr::value(0))
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::DeliveredAt.is_null())
        .filter(outbox::Column::AvailableAt.gte(dead_at()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}
