//! Disputes (chargebacks) on orders' payments, one row per provider dispute.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::dispute;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, OnConflict},
};

use crate::{
    orders::model::{Dispute, DisputeStatus},
    shared::{
        ids::{OrderId, PaymentId, TypedId},
        money::{Currency, Money},
    },
};

fn to_dispute(m: dispute::Model) -> Result<Dispute, DbErr> {
    let cur = Currency::parse(&m.currency).map_err(|_| DbErr::Type("stored currency is invalid".into()))?;
    Ok(Dispute {
        provider_ref: m.provider_ref,
        order_id: OrderId(m.order_id),
        payment_id: PaymentId(m.payment_id),
        amount: Money::from_minor(m.amount_minor, cur),
        reason: m.reason,
        status: DisputeStatus::parse(&m.status)
            .ok_or_else(|| DbErr::Type("stored dispute status is invalid".into()))?,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn closed() -> Vec<&'static str> {
    DisputeStatus::ALL.into_iter().filter(|s| !s.is_open()).map(|s| s.as_str()).collect()
}

/// Records what the provider says about a dispute: a new one is inserted; a known one takes
/// the new amount, reason and status unless it is closed already (a late "updated" never
/// reopens a dispute that was won or lost). `true` when a row was written.
pub async fn upsert_in(db: &impl ConnectionTrait, d: &Dispute, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let amount = d.amount.to_minor().map_err(|_| DbErr::Custom("dispute amount out of range".into()))?;
    let row = dispute::ActiveModel {
        id: sea_orm::Set(uuid::Uuid::now_v7()),
        order_id: sea_orm::Set(d.order_id.uuid()),
        payment_id: sea_orm::Set(d.payment_id.uuid()),
        provider_ref: sea_orm::Set(d.provider_ref.clone()),
        amount_minor: sea_orm::Set(amount),
        currency: sea_orm::Set(d.amount.currency().code().to_owned()),
        reason: sea_orm::Set(d.reason.chars().take(64).collect()),
        status: sea_orm::Set(d.status.as_str().to_owned()),
        created_at: sea_orm::Set(now),
        updated_at: sea_orm::Set(now),
    };
    let inserted = dispute::Entity::insert(row)
        .on_conflict(OnConflict::column(dispute::Column::ProviderRef).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    if inserted == 1 {
        return Ok(true);
    }
    let res = dispute::Entity::update_many()
        .col_expr(dispute::Column::AmountMinor, Expr::value(amount))
        .col_expr(dispute::Column::Reason, Expr::value(d.reason.chars().take(64).collect::<String>()))
        .col_expr(dispute::Column::Status, Expr::value(d.status.as_str()))
        .col_expr(dispute::Column::UpdatedAt, Expr::value(now))
        .filter(dispute::Column::ProviderRef.eq(d.provider_ref.as_str()))
        .filter(dispute::Column::Status.is_not_in(closed()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// The disputes of each order, oldest first (one query; orders without any are absent).
pub async fn by_order_ids(db: &impl ConnectionTrait, ids: &[OrderId]) -> Result<HashMap<OrderId, Vec<Dispute>>, DbErr> {
    let rows = dispute::Entity::find()
        .filter(dispute::Column::OrderId.is_in(ids.iter().map(TypedId::uuid)))
        .order_by_asc(dispute::Column::CreatedAt)
        .order_by_asc(dispute::Column::Id)
        .all(db)
        .await?;
    super::group_by_order(rows.into_iter().map(to_dispute), |r| r.order_id)
}
