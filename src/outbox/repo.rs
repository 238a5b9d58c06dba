use entity::outbox;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::outbox::model::NewEvent;

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
