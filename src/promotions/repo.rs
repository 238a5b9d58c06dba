//! Discounts and redemptions in the database: the only promotions file that knows SeaORM.
//! Usage counters change only through the guarded single statements at the end.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{discount, discount_redemption};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::NotSet,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, SqlErr,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::{
    pricing::{DiscountTarget, DiscountValue},
    promotions::{
        error::{PromotionError, path},
        model::Discount,
    },
    shared::{
        ids::{CategoryId, DiscountId, OrderId, ProductId, TypedId, VendorId},
        money::{Currency, Money},
    },
};

fn corrupt(what: &str) -> DbErr {
    DbErr::Type(format!("stored discount {what} is invalid"))
}

fn to_model(m: discount::Model) -> Result<Discount, DbErr> {
    let currency = Currency::parse(&m.currency).map_err(|_| corrupt("currency"))?;
    let value = match (m.value_kind.as_str(), m.percentage_bp, m.amount_minor) {
        ("PERCENTAGE", Some(bp), _) => DiscountValue::Percentage(crate::promotions::model::bp_to_percentage(bp)),
        ("FIXED", _, Some(minor)) => DiscountValue::Fixed(Money::from_minor(minor, currency)),
        _ => return Err(corrupt("value")),
    };
    let ids: Vec<Uuid> = serde_json::from_value(m.target_ids).map_err(|_| corrupt("target ids"))?;
    let target = match m.target.as_str() {
        "SUBTOTAL" => DiscountTarget::Subtotal,
        "PRODUCTS" => DiscountTarget::Products(ids.into_iter().map(ProductId).collect()),
        "CATEGORIES" => DiscountTarget::Categories(ids.into_iter().map(CategoryId).collect()),
        _ => return Err(corrupt("target")),
    };
    Ok(Discount {
        id: DiscountId(m.id),
        code: m.code,
        automatic: m.automatic,
        value,
        target,
        vendor_id: m.vendor_id.map(VendorId),
        min_subtotal: m.min_subtotal_minor.map(|x| Money::from_minor(x, currency)),
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        usage_limit: m.usage_limit,
        used_count: m.used_count,
        per_customer_limit: m.per_customer_limit,
        combines_with_others: m.combines_with_others,
        active: m.active,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn minor(m: Money) -> Result<i64, DbErr> {
    m.to_minor().map_err(|_| DbErr::Custom("amount out of range".into()))
}

/// The row for `d`, with every column set but `used_count` (left to the guarded statements).
fn active_model(d: &Discount, currency: Currency) -> Result<discount::ActiveModel, DbErr> {
    let (kind, bp, amount) = match &d.value {
        DiscountValue::Percentage(p) => {
            let bp = crate::promotions::model::percentage_to_bp(*p).ok_or_else(|| corrupt("percentage"))?;
            ("PERCENTAGE", Some(bp), None)
        }
        DiscountValue::Fixed(m) => ("FIXED", None, Some(minor(*m)?)),
    };
    let (target, ids): (&str, Vec<String>) = match &d.target {
        DiscountTarget::Subtotal => ("SUBTOTAL", vec![]),
        DiscountTarget::Products(p) => ("PRODUCTS", p.iter().map(|i| i.uuid().to_string()).collect()),
        DiscountTarget::Categories(c) => ("CATEGORIES", c.iter().map(|i| i.uuid().to_string()).collect()),
    };
    Ok(discount::ActiveModel {
        id: Set(d.id.uuid()),
        code: Set(d.code.clone()),
        automatic: Set(d.automatic),
        value_kind: Set(kind.to_owned()),
        percentage_bp: Set(bp),
        amount_minor: Set(amount),
        currency: Set(currency.code().to_owned()),
        target: Set(target.to_owned()),
        target_ids: Set(serde_json::json!(ids)),
        vendor_id: Set(d.vendor_id.map(|v| v.uuid())),
        min_subtotal_minor: Set(d.min_subtotal.map(minor).transpose()?),
        starts_at: Set(d.starts_at),
        ends_at: Set(d.ends_at),
        usage_limit: Set(d.usage_limit),
        used_count: NotSet,
        per_customer_limit: Set(d.per_customer_limit),
        combines_with_others: Set(d.combines_with_others),
        active: Set(d.active),
        created_at: Set(d.created_at),
        updated_at: Set(d.updated_at),
    })
}

fn on_unique_code(e: DbErr) -> PromotionError {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => PromotionError::Taken { field: path(["code"]) },
        _ => PromotionError::Db(e),
    }
}

pub async fn insert(db: &impl ConnectionTrait, d: &Discount, currency: Currency) -> Result<(), PromotionError> {
    let mut row = active_model(d, currency)?;
    row.used_count = Set(0);
    row.insert(db).await.map_err(on_unique_code)?;
    Ok(())
}

/// Writes the staff-editable columns; `used_count` and `created_at` are left alone.
pub async fn update(db: &impl ConnectionTrait, d: &Discount, currency: Currency) -> Result<(), PromotionError> {
    let mut row = active_model(d, currency)?;
    row.created_at = NotSet;
    row.update(db).await.map_err(on_unique_code)?;
    Ok(())
}

pub async fn by_id(db: &impl ConnectionTrait, id: DiscountId) -> Result<Option<Discount>, DbErr> {
    discount::Entity::find_by_id(id.uuid()).one(db).await?.map(to_model).transpose()
}

/// Every discount, newest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Discount>, DbErr> {
    discount::Entity::find()
        .order_by_desc(discount::Column::CreatedAt)
        .order_by_desc(discount::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_model)
        .collect()
}

/// Discounts with one of these (upper-cased) codes.
pub async fn by_codes(db: &impl ConnectionTrait, codes: &[String]) -> Result<Vec<Discount>, DbErr> {
    if codes.is_empty() {
        return Ok(vec![]);
    }
    discount::Entity::find()
        .filter(discount::Column::Code.is_in(codes.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(to_model)
        .collect()
}

/// Active automatic promotions, oldest first; dates and limits are checked by the caller.
pub async fn active_automatic(db: &impl ConnectionTrait) -> Result<Vec<Discount>, DbErr> {
    discount::Entity::find()
        .filter(discount::Column::Automatic.eq(true))
        .filter(discount::Column::Active.eq(true))
        .order_by_asc(discount::Column::CreatedAt)
        .order_by_asc(discount::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_model)
        .collect()
}

/// Unreleased redemptions per discount by one customer (one grouped query).
pub async fn customer_uses(
    db: &impl ConnectionTrait,
    ids: &[DiscountId],
    customer_key: &str,
) -> Result<HashMap<DiscountId, u64>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, i64)> = discount_redemption::Entity::find()
        .select_only()
        .column(discount_redemption::Column::DiscountId)
        .column_as(discount_redemption::Column::Id.count(), "uses")
        .filter(discount_redemption::Column::DiscountId.is_in(ids.iter().map(TypedId::uuid)))
        .filter(discount_redemption::Column::CustomerKey.eq(customer_key))
        .filter(discount_redemption::Column::ReleasedAt.is_null())
        .group_by(discount_redemption::Column::DiscountId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, n)| (DiscountId(id), u64::try_from(n).unwrap_or(0))).collect())
}

/// `UPDATE discounts SET used_count = used_count + 1 WHERE id = ? AND active AND (usage_limit
/// IS NULL OR used_count < usage_limit)`: one guarded statement, never a read-then-write, so
/// concurrent redemptions cannot overshoot the limit. On PostgreSQL the updated row stays locked
/// until the caller's transaction ends; on SQLite the write lock covers the whole database.
/// Returns whether a use was taken.
pub async fn take_use(db: &impl ConnectionTrait, id: DiscountId) -> Result<bool, DbErr> {
    let res = discount::Entity::update_many()
        .col_expr(discount::Column::UsedCount, Expr::col(discount::Column::UsedCount).add(1))
        .filter(discount::Column::Id.eq(id.uuid()))
        .filter(discount::Column::Active.eq(true))
        .filter(
            Condition::any()
                .add(discount::Column::UsageLimit.is_null())
                .add(Expr::col(discount::Column::UsedCount).lt(Expr::col(discount::Column::UsageLimit))),
        )
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Gives a use back: `used_count - 1`, guarded so it never goes below zero.
pub async fn give_back_use(db: &impl ConnectionTrait, id: DiscountId) -> Result<(), DbErr> {
    discount::Entity::update_many()
        .col_expr(discount::Column::UsedCount, Expr::col(discount::Column::UsedCount).sub(1))
        .filter(discount::Column::Id.eq(id.uuid()))
        .filter(discount::Column::UsedCount.gt(0))
        .exec(db)
        .await?;
    Ok(())
}

/// The code of a discount: `None` when there is no such discount, `Some(None)` for an
/// automatic promotion.
pub async fn code_of(db: &impl ConnectionTrait, id: DiscountId) -> Result<Option<Option<String>>, DbErr> {
    discount::Entity::find_by_id(id.uuid())
        .select_only()
        .column(discount::Column::Code)
        .into_tuple::<Option<String>>()
        .one(db)
        .await
}

/// Unreleased redemptions of one discount by one customer.
pub async fn count_customer_uses(db: &impl ConnectionTrait, id: DiscountId, customer_key: &str) -> Result<u64, DbErr> {
    Ok(customer_uses(db, &[id], customer_key).await?.remove(&id).unwrap_or(0))
}

pub async fn insert_redemption(
    db: &impl ConnectionTrait,
    discount_id: DiscountId,
    order_id: OrderId,
    customer_key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    discount_redemption::ActiveModel {
        id: Set(Uuid::now_v7()),
        discount_id: Set(discount_id.uuid()),
        order_id: Set(order_id.uuid()),
        customer_key: Set(customer_key.map(str::to_owned)),
        created_at: Set(now),
        released_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// `(redemption id, discount id)` of an order's unreleased redemptions.
pub async fn unreleased_of_order(
    db: &impl ConnectionTrait,
    order_id: OrderId,
) -> Result<Vec<(Uuid, DiscountId)>, DbErr> {
    let rows: Vec<(Uuid, Uuid)> = discount_redemption::Entity::find()
        .select_only()
        .column(discount_redemption::Column::Id)
        .column(discount_redemption::Column::DiscountId)
        .filter(discount_redemption::Column::OrderId.eq(order_id.uuid()))
        .filter(discount_redemption::Column::ReleasedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(redemption, discount)| (redemption, DiscountId(discount))).collect())
}

/// Marks a redemption released, guarded on it not being released yet: a second, concurrent
/// release of the same order finds nothing to do. Returns whether this call released it.
pub async fn mark_released(db: &impl ConnectionTrait, redemption_id: Uuid, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let res = discount_redemption::Entity::update_many()
        .col_expr(discount_redemption::Column::ReleasedAt, Expr::value(now))
        .filter(discount_redemption::Column::Id.eq(redemption_id))
        .filter(discount_redemption::Column::ReleasedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}
