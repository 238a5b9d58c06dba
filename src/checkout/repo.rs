//! Idempotency keys of `checkoutComplete`.

use chrono::{DateTime, Utc};
use entity::checkout_idempotency;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, Set, SqlErr};

use crate::shared::ids::{CartId, OrderId, TypedId};

/// A stored key: who used it, for which cart, and the order it made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKey {
    pub principal: String,
    pub cart_id: CartId,
    pub order_id: OrderId,
}

pub async fn find(db: &impl ConnectionTrait, key: &str) -> Result<Option<StoredKey>, DbErr> {
    Ok(checkout_idempotency::Entity::find_by_id(key.to_owned()).one(db).await?.map(|m| StoredKey {
        principal: m.principal_key,
        cart_id: CartId(m.cart_id),
        order_id: OrderId(m.order_id),
    }))
}

/// Claims `key`; `Ok(false)` when it is taken. The claim commits or rolls back with the order.
pub async fn claim(
    db: &impl ConnectionTrait,
    key: &str,
    stored: &StoredKey,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = checkout_idempotency::ActiveModel {
        principal_key: Set(stored.principal.clone()),
        idempotency_key: Set(key.to_owned()),
        cart_id: Set(stored.cart_id.uuid()),
        order_id: Set(stored.order_id.uuid()),
        created_at: Set(now),
    }
    .insert(db)
    .await;
    match res {
        Ok(_) => Ok(true),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => Ok(false),
        Err(e) => Err(e),
    }
}
