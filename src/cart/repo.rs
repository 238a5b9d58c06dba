//! Carts in the database. Writes that must not touch a finished cart are guarded by
//! `status = 'ACTIVE'` in the same statement.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entity::{cart, cart_line};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set,
    sea_query::{Expr, ExprTrait},
};

use crate::{
    cart::model::{Cart, CartLine, CartPatch, CartStatus},
    shared::{
        address::Address,
        ids::{CartId, CartLineId, OrderId, ShippingMethodId, TypedId, UserId, VariantId, VendorId},
        money::{Currency, Money},
    },
};

fn corrupt(what: &str) -> DbErr {
    DbErr::Type(format!("stored {what} is invalid"))
}

fn json<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, DbErr> {
    serde_json::to_value(v).map_err(|e| DbErr::Custom(e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(v: serde_json::Value, what: &str) -> Result<T, DbErr> {
    serde_json::from_value(v).map_err(|_| corrupt(what))
}

fn to_cart(m: cart::Model, lines: Vec<cart_line::Model>) -> Result<Cart, DbErr> {
    let currency = Currency::parse(&m.currency).map_err(|_| corrupt("currency"))?;
    let methods: BTreeMap<uuid::Uuid, uuid::Uuid> = from_json(m.shipping_methods, "shipping methods")?;
    Ok(Cart {
        id: CartId(m.id),
        customer_id: m.customer_id.map(UserId),
        status: CartStatus::parse(&m.status).ok_or_else(|| corrupt("cart status"))?,
        currency,
        email: m.email,
        country: m.country,
        region: m.region,
        shipping_address: m.shipping_address.map(|a| from_json::<Address>(a, "address")).transpose()?,
        billing_address: m.billing_address.map(|a| from_json::<Address>(a, "address")).transpose()?,
        discount_codes: from_json(m.discount_codes, "discount codes")?,
        shipping_methods: methods.into_iter().map(|(k, v)| (VendorId(k), ShippingMethodId(v))).collect(),
        lines: lines
            .into_iter()
            .map(|l| CartLine {
                id: CartLineId(l.id),
                variant_id: VariantId(l.variant_id),
                quantity: u32::try_from(l.quantity).unwrap_or(0),
                unit_price: Money::from_minor(l.unit_price_minor, currency),
            })
            .collect(),
        completed_order_id: m.completed_order_id.map(OrderId),
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn methods_json(methods: &BTreeMap<VendorId, ShippingMethodId>) -> Result<serde_json::Value, DbErr> {
    json(&methods.iter().map(|(k, v)| (k.uuid(), v.uuid())).collect::<BTreeMap<_, _>>())
}

pub async fn insert_cart(db: &impl ConnectionTrait, c: &Cart) -> Result<(), DbErr> {
    cart::ActiveModel {
        id: Set(c.id.uuid()),
        customer_id: Set(c.customer_id.map(|u| u.uuid())),
        status: Set(c.status.as_str().to_owned()),
        currency: Set(c.currency.code().to_owned()),
        email: Set(c.email.clone()),
        country: Set(c.country.clone()),
        region: Set(c.region.clone()),
        shipping_address: Set(c.shipping_address.as_ref().map(json).transpose()?),
        billing_address: Set(c.billing_address.as_ref().map(json).transpose()?),
        discount_codes: Set(json(&c.discount_codes)?),
        shipping_methods: Set(methods_json(&c.shipping_methods)?),
        completed_order_id: Set(None),
        version: Set(c.version),
        created_at: Set(c.created_at),
        updated_at: Set(c.updated_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The cart with its lines (in the order they were added).
pub async fn find(db: &impl ConnectionTrait, id: CartId) -> Result<Option<Cart>, DbErr> {
    let Some(m) = cart::Entity::find_by_id(id.uuid()).one(db).await? else { return Ok(None) };
    let lines = cart_line::Entity::find()
        .filter(cart_line::Column::CartId.eq(id.uuid()))
        .order_by_asc(cart_line::Column::CreatedAt)
        .order_by_asc(cart_line::Column::Id)
        .all(db)
        .await?;
    to_cart(m, lines).map(Some)
}

pub async fn active_cart_of(db: &impl ConnectionTrait, customer: UserId) -> Result<Option<CartId>, DbErr> {
    Ok(cart::Entity::find()
        .filter(cart::Column::CustomerId.eq(customer.uuid()))
        .filter(cart::Column::Status.eq(CartStatus::Active.as_str()))
        .one(db)
        .await?
        .map(|m| CartId(m.id)))
}

/// Applies `patch` to the cart if it is still ACTIVE (and, with `version`, still at that
/// version: for changes computed from what was read); bumps the version. Only the patched
/// columns are written. Returns whether it saved.
pub async fn update_fields(
    db: &impl ConnectionTrait,
    id: CartId,
    patch: &CartPatch,
    version: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut update = cart::Entity::update_many()
        .col_expr(cart::Column::Version, Expr::col(cart::Column::Version).add(1))
        .col_expr(cart::Column::UpdatedAt, Expr::value(now))
        .filter(cart::Column::Id.eq(id.uuid()))
        .filter(cart::Column::Status.eq(CartStatus::Active.as_str()));
    if let Some(v) = version {
        update = update.filter(cart::Column::Version.eq(v));
    }
    if let Some(c) = patch.customer_id {
        update = update.col_expr(cart::Column::CustomerId, Expr::value(c.uuid()));
    }
    if let Some(e) = &patch.email {
        update = update.col_expr(cart::Column::Email, Expr::value(e.clone()));
    }
    if let Some(c) = &patch.country {
        update = update.col_expr(cart::Column::Country, Expr::value(c.clone()));
    }
    if let Some(r) = &patch.region {
        update = update.col_expr(cart::Column::Region, Expr::value(r.clone()));
    }
    if let Some(a) = &patch.shipping_address {
        update = update.col_expr(cart::Column::ShippingAddress, Expr::value(json(a)?));
    }
    if let Some(a) = &patch.billing_address {
        update = update.col_expr(cart::Column::BillingAddress, Expr::value(json(a)?));
    }
    if let Some(codes) = &patch.discount_codes {
        update = update.col_expr(cart::Column::DiscountCodes, Expr::value(json(codes)?));
    }
    if let Some(m) = &patch.shipping_methods {
        update = update.col_expr(cart::Column::ShippingMethods, Expr::value(methods_json(m)?));
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// Records a change to an ACTIVE cart's lines: bumps its version and `updated_at`. Returns
/// whether the cart was still ACTIVE. Run it first in a transaction that writes lines: on
/// PostgreSQL it takes the cart's row lock, so line writes and checkout queue on one row.
pub async fn touch(db: &impl ConnectionTrait, id: CartId, now: DateTime<Utc>) -> Result<bool, DbErr> {
    update_fields(db, id, &CartPatch::default(), None, now).await
}

/// Moves an ACTIVE cart to `status` (COMPLETED with its order, or MERGED); returns whether it
/// was still ACTIVE (and, with `version`, still at that version). This guard is what stops one
/// cart becoming two orders, or an order being made from lines that changed after pricing.
pub async fn finish(
    db: &impl ConnectionTrait,
    id: CartId,
    version: Option<i64>,
    status: CartStatus,
    order_id: Option<OrderId>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut update = cart::Entity::update_many()
        .col_expr(cart::Column::Status, Expr::value(status.as_str()))
        .col_expr(cart::Column::CompletedOrderId, Expr::value(order_id.map(|o| o.uuid())))
        .col_expr(cart::Column::Version, Expr::col(cart::Column::Version).add(1))
        .col_expr(cart::Column::UpdatedAt, Expr::value(now))
        .filter(cart::Column::Id.eq(id.uuid()))
        .filter(cart::Column::Status.eq(CartStatus::Active.as_str()));
    if let Some(v) = version {
        update = update.filter(cart::Column::Version.eq(v));
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

fn quantity(q: u32) -> i32 {
    i32::try_from(q).unwrap_or(i32::MAX)
}

fn price_minor(l: &CartLine) -> Result<i64, DbErr> {
    l.unit_price.to_minor().map_err(|_| DbErr::Custom("price out of range".into()))
}

/// Adds `l.quantity` to the cart's line for `l.variant_id` (creating it with id `l.id` when
/// there is none) and refreshes its price snapshot, in one statement, so concurrent additions
/// all count. Refused (`false`) when the line would hold more than `max`.
pub async fn add_to_line(
    db: &impl ConnectionTrait,
    cart: CartId,
    l: &CartLine,
    max: u32,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use sea_orm::sea_query::{Alias, OnConflict};
    let excluded = |c: cart_line::Column| Expr::col((Alias::new("excluded"), c));
    let summed = Expr::col((cart_line::Entity, cart_line::Column::Quantity)).add(excluded(cart_line::Column::Quantity));
    let row = cart_line::ActiveModel {
        id: Set(l.id.uuid()),
        cart_id: Set(cart.uuid()),
        variant_id: Set(l.variant_id.uuid()),
        quantity: Set(quantity(l.quantity)),
        unit_price_minor: Set(price_minor(l)?),
        currency: Set(l.unit_price.currency().code().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let upsert = OnConflict::columns([cart_line::Column::CartId, cart_line::Column::VariantId])
        .value(cart_line::Column::Quantity, summed.clone())
        .value(cart_line::Column::UnitPriceMinor, excluded(cart_line::Column::UnitPriceMinor))
        .value(cart_line::Column::UpdatedAt, excluded(cart_line::Column::UpdatedAt))
        .action_and_where(summed.lte(quantity(max)))
        .to_owned();
    let rows = cart_line::Entity::insert(row).on_conflict(upsert).exec_without_returning(db).await?;
    Ok(rows == 1)
}

/// Sets a line's quantity and refreshes its price snapshot; `false` when the cart has no such
/// line (any more).
pub async fn set_line(
    db: &impl ConnectionTrait,
    cart: CartId,
    l: &CartLine,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = cart_line::Entity::update_many()
        .col_expr(cart_line::Column::Quantity, Expr::value(quantity(l.quantity)))
        .col_expr(cart_line::Column::UnitPriceMinor, Expr::value(price_minor(l)?))
        .col_expr(cart_line::Column::UpdatedAt, Expr::value(now))
        .filter(cart_line::Column::Id.eq(l.id.uuid()))
        .filter(cart_line::Column::CartId.eq(cart.uuid()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

pub async fn delete_lines(db: &impl ConnectionTrait, cart: CartId, ids: &[CartLineId]) -> Result<(), DbErr> {
    cart_line::Entity::delete_many()
        .filter(cart_line::Column::CartId.eq(cart.uuid()))
        .filter(cart_line::Column::Id.is_in(ids.iter().map(TypedId::uuid)))
        .exec(db)
        .await?;
    Ok(())
}
