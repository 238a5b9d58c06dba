//! Provider events applied (`webhook_events`: the event id is the primary key, so recording
//! it in the effect's transaction makes each event take effect at most once), and the small
//! writes events make on payments and refunds.

use chrono::{DateTime, Utc};
use entity::{payment, webhook_event};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, OnConflict},
};

use crate::{
    orders::model::PaymentStatus,
    shared::ids::{PaymentId, TypedId},
};

/// Whether the event was applied already (a quick answer for redeliveries; the unique insert
/// in [`record_in`] is the guard).
pub async fn seen(db: &impl ConnectionTrait, id: &str) -> Result<bool, DbErr> {
    Ok(webhook_event::Entity::find_by_id(id.to_owned()).one(db).await?.is_some())
}

/// Records an event as applied; `false` when it already was (another delivery got there
/// first; the caller rolls its transaction back). On PostgreSQL a concurrent delivery waits
/// here for the first one's transaction and then sees its row.
pub async fn record_in(
    db: &impl ConnectionTrait,
    id: &str,
    provider: &str,
    event_type: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let row = webhook_event::ActiveModel {
        id: sea_orm::Set(id.to_owned()),
        provider: sea_orm::Set(provider.to_owned()),
        event_type: sea_orm::Set(event_type.chars().take(128).collect()),
        received_at: sea_orm::Set(now),
    };
    let inserted = webhook_event::Entity::insert(row)
        .on_conflict(OnConflict::column(webhook_event::Column::Id).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}

/// The attempt paid through the provider payment `reference`, if any.
pub async fn payment_by_ref(db: &impl ConnectionTrait, reference: &str) -> Result<Option<PaymentId>, DbErr> {
    let id: Option<uuid::Uuid> = payment::Entity::find()
        .select_only()
        .column(payment::Column::Id)
        .filter(payment::Column::ProviderRef.eq(reference))
        .into_tuple()
        .one(db)
        .await?;
    Ok(id.map(PaymentId))
}

/// Keeps a failure's decline code on an attempt that did not succeed (a failed client-side
/// confirmation leaves the attempt live: the buyer may try another card).
pub async fn note_failure_in(db: &impl ConnectionTrait, id: PaymentId, code: &str) -> Result<(), DbErr> {
    let not_paid = [PaymentStatus::Succeeded.as_str(), PaymentStatus::Refunded.as_str()];
    payment::Entity::update_many()
        .col_expr(payment::Column::FailureCode, Expr::value(code.chars().take(255).collect::<String>()))
        .filter(payment::Column::Id.eq(id.uuid()))
        .filter(payment::Column::Status.is_not_in(not_paid))
        .exec(db)
        .await?;
    Ok(())
}
