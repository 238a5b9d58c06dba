//! Payment queries of the work done after commit: the outbox consumers (cancel an expired
//! order's attempt, refund money taken too late) and the reconciler (attempts left live by a
//! crash or a lost answer). Every write is a compare-and-set.

use chrono::{DateTime, Utc};
use entity::payment;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};

use super::{lease_free, live_statuses, to_payment};
use crate::{
    payments::model::{Payment, PaymentStatus},
    shared::ids::{OrderId, PaymentId, TypedId},
};

/// An attempt with its call lease (`lease_until`: a provider call holds it until then).
#[derive(Debug, Clone)]
pub struct Leased {
    pub payment: Payment,
    pub lease_until: Option<DateTime<Utc>>,
}

impl Leased {
    /// Whether a provider call may hold the attempt at `now`.
    pub fn is_held(&self, now: DateTime<Utc>) -> bool {
        self.lease_until.is_some_and(|t| t > now)
    }
}

/// The order's attempts that may still move money, oldest first.
pub async fn live_for_order(db: &impl ConnectionTrait, order: OrderId) -> Result<Vec<Leased>, DbErr> {
    payment::Entity::find()
        .filter(payment::Column::OrderId.eq(order.uuid()))
        .filter(payment::Column::Status.is_in(live_statuses()))
        .order_by_asc(payment::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            let lease_until = m.lease_until;
            Ok(Leased { payment: to_payment(m)?, lease_until })
        })
        .collect()
}

/// Live attempts no call holds (lease NULL or past) and untouched since `updated_before`,
/// oldest first: left by a crash between commit and provider call, or by a lost answer.
pub async fn stale(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    updated_before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Payment>, DbErr> {
    payment::Entity::find()
        .filter(payment::Column::Status.is_in(live_statuses()))
        .filter(lease_free(now))
        .filter(payment::Column::UpdatedAt.lte(updated_before))
        .order_by_asc(payment::Column::UpdatedAt)
        .order_by_asc(payment::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_payment)
        .collect()
}

/// Gives back a lease taken with [`super::claim_call`] (if still ours).
pub async fn release_lease(db: &impl ConnectionTrait, id: PaymentId, until: DateTime<Utc>) -> Result<(), DbErr> {
    payment::Entity::update_many()
        .col_expr(payment::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(payment::Column::Id.eq(id.uuid()))
        .filter(payment::Column::LeaseUntil.eq(until))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends an attempt that has no provider reference (it never reached the provider, as far as
/// we know) in `to` (CANCELED, or FAILED with `failure_code`), if it is still in `from`, has no
/// reference, and no call holds it other than `ours` (a lease the caller took).
#[allow(clippy::too_many_arguments)]
pub async fn end_unsent(
    db: &impl ConnectionTrait,
    id: PaymentId,
    from: PaymentStatus,
    to: PaymentStatus,
    failure_code: Option<&str>,
    ours: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut held = lease_free(now);
    if let Some(ours) = ours {
        held = held.add(payment::Column::LeaseUntil.eq(ours));
    }
    let res = payment::Entity::update_many()
        .col_expr(payment::Column::Status, Expr::value(to.as_str()))
        .col_expr(payment::Column::FailureCode, Expr::value(failure_code.map(str::to_owned)))
        .col_expr(payment::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(payment::Column::UpdatedAt, Expr::value(now))
        .filter(payment::Column::Id.eq(id.uuid()))
        .filter(payment::Column::Status.eq(from.as_str()))
        .filter(payment::Column::ProviderRef.is_null())
        .filter(held)
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}
