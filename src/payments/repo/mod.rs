pub mod disputes;
pub mod events;
pub mod jobs;
pub mod refunds;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::payment;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
    SqlErr, sea_query::Expr,
};

use crate::{
    payments::model::{Payment, PaymentStatus},
    shared::{
        ids::{OrderId, PaymentId, TypedId},
        money::{Currency, Money},
    },
};

fn to_payment(m: payment::Model) -> Result<Payment, DbErr> {
    let cur = Currency::parse(&m.currency).map_err(|_| DbErr::Type("stored currency is invalid".into()))?;
    Ok(Payment {
        id: PaymentId(m.id),
        order_id: OrderId(m.order_id),
        provider: m.provider,
        provider_ref: m.provider_ref,
        idempotency_key: m.idempotency_key,
        amount: Money::from_minor(m.amount_minor, cur),
        status: PaymentStatus::parse(&m.status)
            .ok_or_else(|| DbErr::Type("stored payment status is invalid".into()))?,
        failure_code: m.failure_code,
        client_secret: m.client_secret,
        payment_method: m.payment_method,
        refunded: Money::from_minor(m.refunded_minor, cur),
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// Records a payment attempt, holding its provider call until `lease_until`; `Ok(false)` when
/// the order already has a live attempt or the idempotency key is taken (a concurrent attempt).
pub async fn insert(db: &impl ConnectionTrait, p: &Payment, lease_until: DateTime<Utc>) -> Result<bool, DbErr> {
    let lease_until = Some(lease_until);
    let res = payment::ActiveModel {
        id: Set(p.id.uuid()),
        order_id: Set(p.order_id.uuid()),
        provider: Set(p.provider.clone()),
        provider_ref: Set(None),
        idempotency_key: Set(p.idempotency_key.clone()),
        amount_minor: Set(p.amount.to_minor().map_err(|_| DbErr::Custom("amount out of range".into()))?),
        currency: Set(p.amount.currency().code().to_owned()),
        status: Set(p.status.as_str().to_owned()),
        failure_code: Set(None),
        client_secret: Set(None),
        payment_method: Set(p.payment_method.clone()),
        lease_until: Set(lease_until),
        refunded_minor: Set(0),
        created_at: Set(p.created_at),
        updated_at: Set(p.updated_at),
    }
    .insert(db)
    .await;
    match res {
        Ok(_) => Ok(true),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => Ok(false),
        Err(e) => Err(e),
    }
}

pub async fn count_for_order(db: &impl ConnectionTrait, order: OrderId) -> Result<u64, DbErr> {
    payment::Entity::find().filter(payment::Column::OrderId.eq(order.uuid())).count(db).await
}

pub async fn find(db: &impl ConnectionTrait, id: PaymentId) -> Result<Option<Payment>, DbErr> {
    payment::Entity::find_by_id(id.uuid()).one(db).await?.map(to_payment).transpose()
}

pub async fn for_order(db: &impl ConnectionTrait, order: OrderId) -> Result<Vec<Payment>, DbErr> {
    payment::Entity::find()
        .filter(payment::Column::OrderId.eq(order.uuid()))
        .order_by_asc(payment::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_payment)
        .collect()
}

/// The payments of each order, oldest first (one query; orders without any are absent).
pub async fn by_order_ids(db: &impl ConnectionTrait, ids: &[OrderId]) -> Result<HashMap<OrderId, Vec<Payment>>, DbErr> {
    let rows = payment::Entity::find()
        .filter(payment::Column::OrderId.is_in(ids.iter().map(TypedId::uuid)))
        .order_by_asc(payment::Column::Id)
        .all(db)
        .await?;
    group_by_order(rows.into_iter().map(to_payment), |p| p.order_id)
}

/// Rows mapped to records, grouped by their order (each group keeps the rows' order): what
/// the orders' loaders of payments, refunds and disputes answer.
pub(super) fn group_by_order<T>(
    records: impl IntoIterator<Item = Result<T, DbErr>>,
    order_of: impl Fn(&T) -> OrderId,
) -> Result<HashMap<OrderId, Vec<T>>, DbErr> {
    let mut out: HashMap<OrderId, Vec<T>> = HashMap::new();
    for r in records {
        let r = r?;
        out.entry(order_of(&r)).or_default().push(r);
    }
    Ok(out)
}

/// The statuses of attempts that may still move money.
pub(super) fn live_statuses() -> Vec<&'static str> {
    PaymentStatus::ALL.into_iter().filter(|s| s.is_live()).map(|s| s.as_str()).collect()
}

/// No provider call holds the attempt: no lease, or one past `now`.
pub(super) fn lease_free(now: DateTime<Utc>) -> sea_orm::Condition {
    sea_orm::Condition::any().add(payment::Column::LeaseUntil.is_null()).add(payment::Column::LeaseUntil.lte(now))
}

/// Moves an attempt from `from` to `to` with what the provider said (compare-and-set on the
/// status); `false` when the attempt is no longer in `from` (another writer moved it first).
/// Keeps the stored provider reference, client secret and failure code where the answer has none.
#[allow(clippy::too_many_arguments)]
pub async fn settle(
    db: &impl ConnectionTrait,
    id: PaymentId,
    from: PaymentStatus,
    to: PaymentStatus,
    provider_ref: Option<&str>,
    failure_code: Option<&str>,
    client_secret: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut q = payment::Entity::update_many()
        .col_expr(payment::Column::Status, Expr::value(to.as_str()))
        .col_expr(payment::Column::UpdatedAt, Expr::value(now));
    if let Some(r) = provider_ref {
        q = q.col_expr(payment::Column::ProviderRef, Expr::value(r.to_owned()));
    }
    if let Some(c) = failure_code {
        q = q.col_expr(payment::Column::FailureCode, Expr::value(c.to_owned()));
    }
    if let Some(c) = client_secret {
        q = q.col_expr(payment::Column::ClientSecret, Expr::value(c.to_owned()));
    }
    if !to.is_live() {
        // The attempt is over: no call may hold it any more.
        q = q.col_expr(payment::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None));
    }
    let res =
        q.filter(payment::Column::Id.eq(id.uuid())).filter(payment::Column::Status.eq(from.as_str())).exec(db).await?;
    Ok(res.rows_affected == 1)
}

/// The order's live attempt (at most one: a partial unique index says so).
pub async fn live_for_order(db: &impl ConnectionTrait, order: OrderId) -> Result<Option<Payment>, DbErr> {
    payment::Entity::find()
        .filter(payment::Column::OrderId.eq(order.uuid()))
        .filter(payment::Column::Status.is_in(live_statuses()))
        .one(db)
        .await?
        .map(to_payment)
        .transpose()
}

/// Takes the attempt's provider call until `until` if no call holds it (no lease, or one past
/// `now`) and it is still `status`; `false` when another caller holds it or it moved.
pub async fn claim_call(
    db: &impl ConnectionTrait,
    id: PaymentId,
    status: PaymentStatus,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = payment::Entity::update_many()
        .col_expr(payment::Column::LeaseUntil, Expr::value(Some(until)))
        .filter(payment::Column::Id.eq(id.uuid()))
        .filter(payment::Column::Status.eq(status.as_str()))
        .filter(
            sea_orm::Condition::any()
                .add(payment::Column::LeaseUntil.is_null())
                .add(payment::Column::LeaseUntil.lte(now)),
        )
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Ends the attempt's provider call (answered, or failed so that a retry may start at once).
pub async fn release_call(db: &impl ConnectionTrait, id: PaymentId) -> Result<(), DbErr> {
    payment::Entity::update_many()
        .col_expr(payment::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(payment::Column::Id.eq(id.uuid()))
        .exec(db)
        .await?;
    Ok(())
}
