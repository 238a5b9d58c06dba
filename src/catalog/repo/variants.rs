//! Variants and their stock: guarded stock statements (adjust, reserve, release, ship) and movements.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{product, stock_movement, variant};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait, Query},
};

use super::{minor, on_unique, to_movement, to_variant};
use crate::{
    catalog::{
        error::CatalogError,
        model::{StockMovement, Variant},
    },
    shared::ids::{ProductId, TypedId, VariantId, VendorId},
};

pub async fn variants_by_product_ids(
    db: &impl ConnectionTrait,
    ids: &[ProductId],
) -> Result<HashMap<ProductId, Vec<Variant>>, DbErr> {
    let rows = variant::Entity::find()
        .filter(variant::Column::ProductId.is_in(ids.iter().map(TypedId::uuid)))
        .order_by_asc(variant::Column::Position)
        .order_by_asc(variant::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<ProductId, Vec<Variant>> = HashMap::new();
    for m in rows {
        let v = to_variant(m)?;
        out.entry(v.product_id).or_default().push(v);
    }
    Ok(out)
}

pub async fn variants_by_ids(
    db: &impl ConnectionTrait,
    ids: &[VariantId],
) -> Result<HashMap<VariantId, Variant>, DbErr> {
    let rows = variant::Entity::find().filter(variant::Column::Id.is_in(ids.iter().map(TypedId::uuid))).all(db).await?;
    rows.into_iter().map(|r| to_variant(r).map(|v| (v.id, v))).collect()
}

/// Variant `id` if its product belongs to `vendor`: the scoped load of vendor-facing paths.
pub async fn variant_of_vendor(
    db: &impl ConnectionTrait,
    vendor: VendorId,
    id: VariantId,
) -> Result<Option<Variant>, DbErr> {
    let products = Query::select()
        .column(product::Column::Id)
        .from(product::Entity)
        .and_where(product::Column::VendorId.eq(vendor.uuid()))
        .to_owned();
    variant::Entity::find_by_id(id.uuid())
        .filter(variant::Column::ProductId.in_subquery(products))
        .one(db)
        .await?
        .map(to_variant)
        .transpose()
}

/// Which of these SKUs exist already.
pub async fn existing_skus(db: &impl ConnectionTrait, skus: &[&str]) -> Result<Vec<String>, DbErr> {
    Ok(variant::Entity::find()
        .filter(variant::Column::Sku.is_in(skus.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.sku)
        .collect())
}

fn variant_model(v: &Variant, now: DateTime<Utc>) -> Result<variant::ActiveModel, DbErr> {
    Ok(variant::ActiveModel {
        id: Set(v.id.uuid()),
        product_id: Set(v.product_id.uuid()),
        sku: Set(v.sku.as_str().to_owned()),
        title: Set(v.title.clone()),
        options: Set(serde_json::to_value(&v.options).map_err(|e| DbErr::Custom(e.to_string()))?),
        price_minor: Set(minor(v.price)?),
        compare_at_minor: Set(v.compare_at_price.map(minor).transpose()?),
        currency: Set(v.price.currency().code().to_owned()),
        stock_on_hand: Set(v.stock_on_hand),
        reserved: Set(0),
        weight_grams: Set(v.weight_grams),
        position: Set(v.position),
        archived: Set(v.archived),
        created_at: Set(now),
        updated_at: Set(now),
    })
}

pub async fn insert_variant(db: &impl ConnectionTrait, v: &Variant, now: DateTime<Utc>) -> Result<(), CatalogError> {
    variant_model(v, now)?.insert(db).await.map_err(on_unique(&["sku"]))?;
    Ok(())
}

/// Updates everything but stock (which only moves through [`adjust_stock`]) and creation time.
pub async fn update_variant(db: &impl ConnectionTrait, v: &Variant, now: DateTime<Utc>) -> Result<(), CatalogError> {
    let mut m = variant_model(v, now)?;
    m.stock_on_hand = sea_orm::ActiveValue::NotSet;
    m.reserved = sea_orm::ActiveValue::NotSet;
    m.created_at = sea_orm::ActiveValue::NotSet;
    m.product_id = sea_orm::ActiveValue::NotSet;
    m.update(db).await.map_err(on_unique(&["sku"]))?;
    Ok(())
}

/// Keeps `products.min_price_minor` equal to the lowest live variant price.
pub async fn refresh_min_price(db: &impl ConnectionTrait, id: ProductId, now: DateTime<Utc>) -> Result<(), DbErr> {
    let min: Option<Option<i64>> = variant::Entity::find()
        .select_only()
        .column_as(variant::Column::PriceMinor.min(), "min_price")
        .filter(variant::Column::ProductId.eq(id.uuid()))
        .filter(variant::Column::Archived.eq(false))
        .into_tuple()
        .one(db)
        .await?;
    product::Entity::update_many()
        .col_expr(product::Column::MinPriceMinor, Expr::value(min.flatten()))
        .col_expr(product::Column::UpdatedAt, Expr::value(now))
        .filter(product::Column::Id.eq(id.uuid()))
        .exec(db)
        .await?;
    Ok(())
}

/// Adds `delta` to stock on hand in one guarded statement (no read-then-write): it only applies
/// when the result stays at or above the reserved quantity (so never below zero, and never below
/// what orders hold). Returns the new quantity, or `None` when refused.
pub async fn adjust_stock(db: &impl ConnectionTrait, id: VariantId, delta: i32) -> Result<Option<i32>, DbErr> {
    let res = variant::Entity::update_many()
        .col_expr(variant::Column::StockOnHand, Expr::col(variant::Column::StockOnHand).add(delta))
        .filter(variant::Column::Id.eq(id.uuid()))
        .filter(Expr::col(variant::Column::StockOnHand).add(delta).gte(Expr::col(variant::Column::Reserved)))
        .exec(db)
        .await?;
    if res.rows_affected != 1 {
        return Ok(None);
    }
    let now: Option<i32> = variant::Entity::find_by_id(id.uuid())
        .select_only()
        .column(variant::Column::StockOnHand)
        .into_tuple()
        .one(db)
        .await?;
    Ok(now)
}

pub async fn insert_stock_movement(db: &impl ConnectionTrait, m: &StockMovement) -> Result<(), DbErr> {
    stock_movement::ActiveModel {
        id: Set(m.id.uuid()),
        variant_id: Set(m.variant_id.uuid()),
        delta: Set(m.delta),
        quantity_after: Set(m.quantity_after),
        reason: Set(m.reason.as_str().to_owned()),
        note: Set(m.note.clone()),
        actor_id: Set(m.actor_id.map(|a| a.uuid())),
        created_at: Set(m.created_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The newest stock movements of a variant first.
pub async fn stock_movements(
    db: &impl ConnectionTrait,
    id: VariantId,
    limit: u64,
) -> Result<Vec<StockMovement>, DbErr> {
    stock_movement::Entity::find()
        .filter(stock_movement::Column::VariantId.eq(id.uuid()))
        .order_by_desc(stock_movement::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_movement)
        .collect()
}

/// Holds `quantity` units for an order in one guarded statement: only when that many are
/// available (on hand - reserved). Returns whether the units were reserved. Concurrent callers
/// can never reserve more than is on hand: the check and the write are one statement.
pub async fn reserve(db: &impl ConnectionTrait, id: VariantId, quantity: i32) -> Result<bool, DbErr> {
    let res = variant::Entity::update_many()
        .col_expr(variant::Column::Reserved, Expr::col(variant::Column::Reserved).add(quantity))
        .filter(variant::Column::Id.eq(id.uuid()))
        .filter(variant::Column::Archived.eq(false))
        .filter(Expr::col(variant::Column::StockOnHand).sub(Expr::col(variant::Column::Reserved)).gte(quantity))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Gives back reserved units (an order expired or was cancelled), never below zero.
pub async fn release(db: &impl ConnectionTrait, id: VariantId, quantity: i32) -> Result<(), DbErr> {
    variant::Entity::update_many()
        .col_expr(variant::Column::Reserved, Expr::col(variant::Column::Reserved).sub(quantity))
        .filter(variant::Column::Id.eq(id.uuid()))
        .filter(variant::Column::Reserved.gte(quantity))
        .exec(db)
        .await?;
    Ok(())
}

/// Ships reserved units: they leave both the reservation and the shelf.
pub async fn ship(db: &impl ConnectionTrait, id: VariantId, quantity: i32) -> Result<bool, DbErr> {
    let res = variant::Entity::update_many()
        .col_expr(variant::Column::Reserved, Expr::col(variant::Column::Reserved).sub(quantity))
        .col_expr(variant::Column::StockOnHand, Expr::col(variant::Column::StockOnHand).sub(quantity))
        .filter(variant::Column::Id.eq(id.uuid()))
        .filter(variant::Column::Reserved.gte(quantity))
        .filter(variant::Column::StockOnHand.gte(quantity))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}
