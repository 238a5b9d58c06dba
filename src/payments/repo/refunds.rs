//! Refund rows, and the refunded amount claimed on their payment. Every conditional write is
//! one guarded statement judged by `rows_affected` (the claim, its release, the status
//! compare-and-set), never read-then-write.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{payment, refund};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    SqlErr,
    sea_query::{Expr, ExprTrait},
};
use serde::{Deserialize, Serialize};

use crate::{
    orders::model::{PaymentStatus, Refund, RefundLine, RefundStatus},
    shared::{
        ids::{OrderId, PaymentId, RefundId, TypedId, UserId},
        money::{Currency, Money},
    },
};

/// The `lines` column: the lines a refund covers, and whether its request named the amount
/// (so a replay of the idempotency key can be told from a different request).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredLines {
    amount_given: bool,
    lines: Vec<RefundLine>,
}

fn corrupt(what: &str) -> DbErr {
    DbErr::Type(format!("stored refund {what} is invalid"))
}

fn to_refund(m: refund::Model) -> Result<Refund, DbErr> {
    let cur = Currency::parse(&m.currency).map_err(|_| corrupt("currency"))?;
    let stored: StoredLines = serde_json::from_value(m.lines).map_err(|_| corrupt("lines"))?;
    Ok(Refund {
        id: RefundId(m.id),
        order_id: OrderId(m.order_id),
        payment_id: PaymentId(m.payment_id),
        provider: m.provider,
        provider_ref: m.provider_ref,
        idempotency_key: m.idempotency_key,
        amount: Money::from_minor(m.amount_minor, cur),
        amount_given: stored.amount_given,
        reason: m.reason,
        lines: stored.lines,
        restock: m.restock,
        status: RefundStatus::parse(&m.status).ok_or_else(|| corrupt("status"))?,
        failure_code: m.failure_code,
        attempts: u32::try_from(m.attempts).unwrap_or(0),
        created_by: m.created_by.map(UserId),
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// Records a refund; `Ok(false)` when its idempotency key is taken (a concurrent request with
/// the same key committed first).
pub async fn insert(db: &impl ConnectionTrait, r: &Refund) -> Result<bool, DbErr> {
    let lines = serde_json::to_value(StoredLines { amount_given: r.amount_given, lines: r.lines.clone() })
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    let res = refund::ActiveModel {
        id: Set(r.id.uuid()),
        order_id: Set(r.order_id.uuid()),
        payment_id: Set(r.payment_id.uuid()),
        provider: Set(r.provider.clone()),
        provider_ref: Set(r.provider_ref.clone()),
        idempotency_key: Set(r.idempotency_key.clone()),
        amount_minor: Set(r.amount.to_minor().map_err(|_| DbErr::Custom("amount out of range".into()))?),
        currency: Set(r.amount.currency().code().to_owned()),
        reason: Set(r.reason.clone()),
        lines: Set(lines),
        restock: Set(r.restock),
        status: Set(r.status.as_str().to_owned()),
        failure_code: Set(r.failure_code.clone()),
        attempts: Set(0),
        created_by: Set(r.created_by.map(|u| u.uuid())),
        created_at: Set(r.created_at),
        updated_at: Set(r.updated_at),
    }
    .insert(db)
    .await;
    match res {
        Ok(_) => Ok(true),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => Ok(false),
        Err(e) => Err(e),
    }
}

pub async fn find(db: &impl ConnectionTrait, id: RefundId) -> Result<Option<Refund>, DbErr> {
    refund::Entity::find_by_id(id.uuid()).one(db).await?.map(to_refund).transpose()
}

pub async fn find_by_key(db: &impl ConnectionTrait, key: &str) -> Result<Option<Refund>, DbErr> {
    refund::Entity::find().filter(refund::Column::IdempotencyKey.eq(key)).one(db).await?.map(to_refund).transpose()
}

/// Refunds still PENDING that have not moved since `unchanged_since`, oldest first: their
/// provider call failed without an answer, or the provider has not settled them yet.
pub async fn stale_pending(
    db: &impl ConnectionTrait,
    unchanged_since: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<RefundId>, DbErr> {
    let ids: Vec<uuid::Uuid> = refund::Entity::find()
        .select_only()
        .column(refund::Column::Id)
        .filter(refund::Column::Status.eq(RefundStatus::Pending.as_str()))
        .filter(refund::Column::UpdatedAt.lte(unchanged_since))
        .order_by_asc(refund::Column::UpdatedAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().map(RefundId).collect())
}

pub async fn find_by_provider_ref(db: &impl ConnectionTrait, reference: &str) -> Result<Option<Refund>, DbErr> {
    refund::Entity::find().filter(refund::Column::ProviderRef.eq(reference)).one(db).await?.map(to_refund).transpose()
}

/// The refunds of an order, oldest first.
pub async fn for_order(db: &impl ConnectionTrait, order: OrderId) -> Result<Vec<Refund>, DbErr> {
    Ok(by_order_ids(db, &[order]).await?.remove(&order).unwrap_or_default())
}

/// The refunds of each order, oldest first (one query; orders without any are absent).
pub async fn by_order_ids(db: &impl ConnectionTrait, ids: &[OrderId]) -> Result<HashMap<OrderId, Vec<Refund>>, DbErr> {
    let rows = refund::Entity::find()
        .filter(refund::Column::OrderId.is_in(ids.iter().map(TypedId::uuid)))
        .order_by_asc(refund::Column::CreatedAt)
        .order_by_asc(refund::Column::Id)
        .all(db)
        .await?;
    super::group_by_order(rows.into_iter().map(to_refund), |r| r.order_id)
}

/// Claims `minor` of a succeeded payment for a refund: one guarded statement, so concurrent
/// claims (on one instance or several) never take more than was captured. `false` when the
/// payment is not SUCCEEDED or too little is left.
pub async fn claim(
    db: &impl ConnectionTrait,
    payment: PaymentId,
    minor: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = payment::Entity::update_many()
        .col_expr(payment::Column::RefundedMinor, Expr::col(payment::Column::RefundedMinor).add(minor))
        .col_expr(payment::Column::UpdatedAt, Expr::value(now))
        .filter(payment::Column::Id.eq(payment.uuid()))
        .filter(payment::Column::Status.eq(PaymentStatus::Succeeded.as_str()))
        .filter(Expr::col(payment::Column::RefundedMinor).add(minor).lte(Expr::col(payment::Column::AmountMinor)))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Gives back the claim of a refund that failed or was cancelled.
pub async fn release(
    db: &impl ConnectionTrait,
    payment: PaymentId,
    minor: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    payment::Entity::update_many()
        .col_expr(payment::Column::RefundedMinor, Expr::col(payment::Column::RefundedMinor).sub(minor))
        .col_expr(payment::Column::UpdatedAt, Expr::value(now))
        .filter(payment::Column::Id.eq(payment.uuid()))
        .filter(payment::Column::RefundedMinor.gte(minor))
        .exec(db)
        .await?;
    Ok(())
}

/// Writes the payment row (its `updated_at`) so that, on PostgreSQL, concurrent settlements
/// of its refunds queue on the row lock: each then sees the others' committed refunds.
pub async fn lock_payment(db: &impl ConnectionTrait, payment: PaymentId, now: DateTime<Utc>) -> Result<(), DbErr> {
    payment::Entity::update_many()
        .col_expr(payment::Column::UpdatedAt, Expr::value(now))
        .filter(payment::Column::Id.eq(payment.uuid()))
        .exec(db)
        .await?;
    Ok(())
}

/// Moves a refund from PENDING to `to` (compare-and-set); `false` when it is final already.
/// Keeps a stored provider reference and failure code where none is given.
pub async fn settle(
    db: &impl ConnectionTrait,
    id: RefundId,
    from: RefundStatus,
    to: RefundStatus,
    provider_ref: Option<&str>,
    failure_code: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut q = refund::Entity::update_many()
        .col_expr(refund::Column::Status, Expr::value(to.as_str()))
        .col_expr(refund::Column::UpdatedAt, Expr::value(now));
    if let Some(r) = provider_ref {
        q = q.col_expr(refund::Column::ProviderRef, Expr::value(r.to_owned()));
    }
    if let Some(c) = failure_code {
        q = q.col_expr(refund::Column::FailureCode, Expr::value(c.to_owned()));
    }
    let res =
        q.filter(refund::Column::Id.eq(id.uuid())).filter(refund::Column::Status.eq(from.as_str())).exec(db).await?;
    Ok(res.rows_affected == 1)
}

/// Stores the provider's reference of a refund that has none yet.
pub async fn set_provider_ref(
    db: &impl ConnectionTrait,
    id: RefundId,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    refund::Entity::update_many()
        .col_expr(refund::Column::ProviderRef, Expr::value(reference.to_owned()))
        .col_expr(refund::Column::UpdatedAt, Expr::value(now))
        .filter(refund::Column::Id.eq(id.uuid()))
        .filter(refund::Column::ProviderRef.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Counts a provider call for a refund (shown to staff as `attempts`).
pub async fn count_attempt(db: &impl ConnectionTrait, id: RefundId, now: DateTime<Utc>) -> Result<(), DbErr> {
    refund::Entity::update_many()
        .col_expr(refund::Column::Attempts, Expr::col(refund::Column::Attempts).add(1))
        .col_expr(refund::Column::UpdatedAt, Expr::value(now))
        .filter(refund::Column::Id.eq(id.uuid()))
        .exec(db)
        .await?;
    Ok(())
}

/// Minor units given back for a payment by its succeeded refunds.
pub async fn succeeded_minor(db: &impl ConnectionTrait, payment: PaymentId) -> Result<i64, DbErr> {
    let amounts: Vec<i64> = refund::Entity::find()
        .select_only()
        .column(refund::Column::AmountMinor)
        .filter(refund::Column::PaymentId.eq(payment.uuid()))
        .filter(refund::Column::Status.eq(RefundStatus::Succeeded.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(amounts.into_iter().sum())
}
