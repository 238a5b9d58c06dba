//! Orders in the database. Status changes are compare-and-set: `WHERE id = ? AND status = ?`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{order, order_history, order_line, vendor_order};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::{
    orders::model::{ActorKind, HistoryEntry, Order, OrderFilter, OrderLine, OrderStatus, VendorOrder},
    shared::{
        address::Address,
        ids::{
            CartId, OrderId, OrderLineId, ProductId, ShippingMethodId, TypedId, UserId, VariantId, VendorId,
            VendorOrderId,
        },
        money::{Currency, Money},
        pagination::{Cursor, Page, PageRequest},
    },
};

fn corrupt(what: &str) -> DbErr {
    DbErr::Type(format!("stored {what} is invalid"))
}

fn json<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, DbErr> {
    serde_json::to_value(v).map_err(|e| DbErr::Custom(e.to_string()))
}

fn minor(m: Money) -> Result<i64, DbErr> {
    m.to_minor().map_err(|_| DbErr::Custom("amount out of range".into()))
}

pub async fn insert(db: &impl ConnectionTrait, o: &Order) -> Result<(), DbErr> {
    order::ActiveModel {
        id: Set(o.id.uuid()),
        code: Set(o.code.clone()),
        customer_id: Set(o.customer_id.map(|c| c.uuid())),
        email: Set(o.email.clone()),
        status: Set(o.status.as_str().to_owned()),
        currency: Set(o.currency.code().to_owned()),
        prices_include_tax: Set(o.prices_include_tax),
        subtotal_minor: Set(minor(o.subtotal)?),
        discount_minor: Set(minor(o.discount)?),
        shipping_minor: Set(minor(o.shipping)?),
        tax_minor: Set(minor(o.tax)?),
        total_minor: Set(minor(o.total)?),
        shipping_address: Set(json(&o.shipping_address)?),
        billing_address: Set(json(&o.billing_address)?),
        discounts: Set(json(&o.discounts)?),
        cart_id: Set(o.cart_id.uuid()),
        reserved_until: Set(o.reserved_until),
        created_at: Set(o.created_at),
        updated_at: Set(o.updated_at),
    }
    .insert(db)
    .await?;
    if !o.vendor_orders.is_empty() {
        let rows = o
            .vendor_orders
            .iter()
            .map(|v| {
                Ok(vendor_order::ActiveModel {
                    id: Set(v.id.uuid()),
                    order_id: Set(o.id.uuid()),
                    vendor_id: Set(v.vendor_id.uuid()),
                    status: Set(o.status.as_str().to_owned()),
                    shipping_method_id: Set(v.shipping_method_id.map(|m| m.uuid())),
                    shipping_method_name: Set(v.shipping_method_name.clone()),
                    shipping_minor: Set(minor(v.shipping)?),
                    shipping_tax_minor: Set(minor(v.shipping_tax)?),
                    shipping_tax_lines: Set(json(&v.shipping_tax_lines)?),
                    subtotal_minor: Set(minor(v.subtotal)?),
                    discount_minor: Set(minor(v.discount)?),
                    tax_minor: Set(minor(v.tax)?),
                    total_minor: Set(minor(v.total)?),
                })
            })
            .collect::<Result<Vec<_>, DbErr>>()?;
        vendor_order::Entity::insert_many(rows).exec(db).await?;
    }
    if !o.lines.is_empty() {
        let rows = o
            .lines
            .iter()
            .map(|l| {
                Ok(order_line::ActiveModel {
                    id: Set(l.id.uuid()),
                    order_id: Set(o.id.uuid()),
                    vendor_order_id: Set(l.vendor_order_id.uuid()),
                    variant_id: Set(l.variant_id.uuid()),
                    product_id: Set(l.product_id.uuid()),
                    product_title: Set(l.product_title.clone()),
                    variant_title: Set(l.variant_title.clone()),
                    sku: Set(l.sku.clone()),
                    quantity: Set(i32::try_from(l.quantity).unwrap_or(i32::MAX)),
                    fulfilled_quantity: Set(0),
                    cancelled_quantity: Set(0),
                    unit_price_minor: Set(minor(l.unit_price)?),
                    subtotal_minor: Set(minor(l.subtotal)?),
                    discount_minor: Set(minor(l.discount)?),
                    tax_minor: Set(minor(l.tax)?),
                    total_minor: Set(minor(l.total)?),
                    tax_lines: Set(json(&l.tax_lines)?),
                    position: Set(i32::try_from(l.position).unwrap_or(0)),
                })
            })
            .collect::<Result<Vec<_>, DbErr>>()?;
        order_line::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

fn to_order(m: order::Model, vos: Vec<vendor_order::Model>, lines: Vec<order_line::Model>) -> Result<Order, DbErr> {
    let cur = Currency::parse(&m.currency).map_err(|_| corrupt("currency"))?;
    let money = |minor: i64| Money::from_minor(minor, cur);
    Ok(Order {
        id: OrderId(m.id),
        code: m.code,
        customer_id: m.customer_id.map(UserId),
        email: m.email,
        status: OrderStatus::parse(&m.status).ok_or_else(|| corrupt("order status"))?,
        currency: cur,
        prices_include_tax: m.prices_include_tax,
        subtotal: money(m.subtotal_minor),
        discount: money(m.discount_minor),
        shipping: money(m.shipping_minor),
        tax: money(m.tax_minor),
        total: money(m.total_minor),
        shipping_address: serde_json::from_value::<Option<Address>>(m.shipping_address)
            .map_err(|_| corrupt("address"))?,
        billing_address: serde_json::from_value::<Option<Address>>(m.billing_address)
            .map_err(|_| corrupt("address"))?,
        discounts: serde_json::from_value(m.discounts).map_err(|_| corrupt("discounts"))?,
        cart_id: CartId(m.cart_id),
        reserved_until: m.reserved_until,
        created_at: m.created_at,
        updated_at: m.updated_at,
        vendor_orders: vos
            .into_iter()
            .map(|v| {
                Ok(VendorOrder {
                    id: VendorOrderId(v.id),
                    vendor_id: VendorId(v.vendor_id),
                    shipping_method_id: v.shipping_method_id.map(ShippingMethodId),
                    shipping_method_name: v.shipping_method_name,
                    shipping: money(v.shipping_minor),
                    shipping_tax: money(v.shipping_tax_minor),
                    shipping_tax_lines: serde_json::from_value(v.shipping_tax_lines)
                        .map_err(|_| corrupt("tax lines"))?,
                    subtotal: money(v.subtotal_minor),
                    discount: money(v.discount_minor),
                    tax: money(v.tax_minor),
                    total: money(v.total_minor),
                })
            })
            .collect::<Result<_, DbErr>>()?,
        lines: lines
            .into_iter()
            .map(|l| {
                Ok(OrderLine {
                    id: OrderLineId(l.id),
                    vendor_order_id: VendorOrderId(l.vendor_order_id),
                    variant_id: VariantId(l.variant_id),
                    product_id: ProductId(l.product_id),
                    product_title: l.product_title,
                    variant_title: l.variant_title,
                    sku: l.sku,
                    quantity: u32::try_from(l.quantity).unwrap_or(0),
                    fulfilled_quantity: u32::try_from(l.fulfilled_quantity).unwrap_or(0),
                    unit_price: money(l.unit_price_minor),
                    subtotal: money(l.subtotal_minor),
                    discount: money(l.discount_minor),
                    tax: money(l.tax_minor),
                    total: money(l.total_minor),
                    tax_lines: serde_json::from_value(l.tax_lines).map_err(|_| corrupt("tax lines"))?,
                    position: u32::try_from(l.position).unwrap_or(0),
                })
            })
            .collect::<Result<_, DbErr>>()?,
    })
}

async fn hydrate(db: &impl ConnectionTrait, rows: Vec<order::Model>) -> Result<Vec<Order>, DbErr> {
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut vos = vendor_order::Entity::find().filter(vendor_order::Column::OrderId.is_in(ids.clone())).all(db).await?;
    let mut lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.is_in(ids))
        .order_by_asc(order_line::Column::Position)
        .all(db)
        .await?;
    rows.into_iter()
        .map(|m| {
            let (mine_vo, rest): (Vec<_>, Vec<_>) =
                std::mem::take(&mut vos).into_iter().partition(|v| v.order_id == m.id);
            vos = rest;
            let (mine_l, rest): (Vec<_>, Vec<_>) =
                std::mem::take(&mut lines).into_iter().partition(|l| l.order_id == m.id);
            lines = rest;
            to_order(m, mine_vo, mine_l)
        })
        .collect()
}

pub async fn find(db: &impl ConnectionTrait, id: OrderId) -> Result<Option<Order>, DbErr> {
    let Some(m) = order::Entity::find_by_id(id.uuid()).one(db).await? else { return Ok(None) };
    Ok(hydrate(db, vec![m]).await?.pop())
}

fn condition(f: &OrderFilter) -> Condition {
    let mut c = Condition::all();
    if let Some(cust) = f.customer_id {
        c = c.add(order::Column::CustomerId.eq(cust.uuid()));
    }
    if !f.statuses.is_empty() {
        c = c.add(order::Column::Status.is_in(f.statuses.iter().map(OrderStatus::as_str)));
    }
    if let Some(from) = f.created_from {
        c = c.add(order::Column::CreatedAt.gte(from));
    }
    if let Some(to) = f.created_to {
        c = c.add(order::Column::CreatedAt.lt(to));
    }
    if let Some(v) = f.vendor_id {
        let sub = sea_orm::sea_query::Query::select()
            .column(vendor_order::Column::OrderId)
            .from(vendor_order::Entity)
            .and_where(vendor_order::Column::VendorId.eq(v.uuid()))
            .to_owned();
        c = c.add(order::Column::Id.in_subquery(sub));
    }
    if let Some(e) = &f.email {
        c = c.add(order::Column::Email.eq(e.trim().to_lowercase()));
    }
    c
}

/// Newest first (ids are time-ordered), keyset-paginated.
pub async fn list(db: &impl ConnectionTrait, f: &OrderFilter, page: &PageRequest) -> Result<Page<Order>, DbErr> {
    let mut q = order::Entity::find().filter(condition(f));
    if let Some(after) = &page.after {
        q = q.filter(order::Column::Id.lt(after.id));
    }
    let mut rows = q.order_by_desc(order::Column::Id).limit(page.first + 1).all(db).await?;
    let has_next_page = rows.len() as u64 > page.first;
    rows.truncate(page.first as usize);
    let orders = hydrate(db, rows).await?;
    Ok(Page {
        items: orders.into_iter().map(|o| (Cursor { key: String::new(), id: o.id.uuid() }, o)).collect(),
        has_next_page,
    })
}

pub async fn count(db: &impl ConnectionTrait, f: &OrderFilter) -> Result<u64, DbErr> {
    order::Entity::find().filter(condition(f)).count(db).await
}

/// Moves the order from `from` to `to` only if it is still `from`; returns whether it moved.
pub async fn transition(
    db: &impl ConnectionTrait,
    id: OrderId,
    from: OrderStatus,
    to: OrderStatus,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = order::Entity::update_many()
        .col_expr(order::Column::Status, Expr::value(to.as_str()))
        .col_expr(order::Column::UpdatedAt, Expr::value(now))
        .filter(order::Column::Id.eq(id.uuid()))
        .filter(order::Column::Status.eq(from.as_str()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

pub async fn insert_history(db: &impl ConnectionTrait, order: OrderId, e: &HistoryEntry) -> Result<(), DbErr> {
    order_history::ActiveModel {
        id: Set(Uuid::now_v7()),
        order_id: Set(order.uuid()),
        from_status: Set(e.from.map(|s| s.as_str().to_owned())),
        to_status: Set(e.to.as_str().to_owned()),
        actor_kind: Set(e.actor_kind.as_str().to_owned()),
        actor_id: Set(e.actor_id.map(|a| a.uuid())),
        note: Set(e.note.clone()),
        created_at: Set(e.created_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

fn to_history(m: order_history::Model) -> Result<HistoryEntry, DbErr> {
    Ok(HistoryEntry {
        from: m.from_status.as_deref().map(|s| OrderStatus::parse(s).ok_or_else(|| corrupt("status"))).transpose()?,
        to: OrderStatus::parse(&m.to_status).ok_or_else(|| corrupt("status"))?,
        actor_kind: ActorKind::parse(&m.actor_kind).ok_or_else(|| corrupt("actor"))?,
        actor_id: m.actor_id.map(UserId),
        note: m.note,
        created_at: m.created_at,
    })
}

/// The status history of each order, oldest first (one query; orders without any are absent).
pub async fn history_by_order_ids(
    db: &impl ConnectionTrait,
    ids: &[OrderId],
) -> Result<HashMap<OrderId, Vec<HistoryEntry>>, DbErr> {
    let rows = order_history::Entity::find()
        .filter(order_history::Column::OrderId.is_in(ids.iter().map(TypedId::uuid)))
        .order_by_asc(order_history::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<OrderId, Vec<HistoryEntry>> = HashMap::new();
    for m in rows {
        out.entry(OrderId(m.order_id)).or_default().push(to_history(m)?);
    }
    Ok(out)
}

/// Unpaid orders whose reservation ran out, oldest first.
pub async fn due_for_expiry(db: &impl ConnectionTrait, now: DateTime<Utc>, limit: u64) -> Result<Vec<OrderId>, DbErr> {
    Ok(order::Entity::find()
        .filter(order::Column::Status.eq(OrderStatus::PaymentPending.as_str()))
        .filter(order::Column::ReservedUntil.lt(now))
        .order_by_asc(order::Column::ReservedUntil)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| OrderId(m.id))
        .collect())
}

/// Records shipped units on a line, only within what is left to ship.
pub async fn add_fulfilled(db: &impl ConnectionTrait, line: OrderLineId, quantity: u32) -> Result<bool, DbErr> {
    let q = i32::try_from(quantity).unwrap_or(i32::MAX);
    let res = order_line::Entity::update_many()
        .col_expr(order_line::Column::FulfilledQuantity, Expr::col(order_line::Column::FulfilledQuantity).add(q))
        .filter(order_line::Column::Id.eq(line.uuid()))
        .filter(Expr::col(order_line::Column::FulfilledQuantity).add(q).lte(Expr::col(order_line::Column::Quantity)))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Takes the order's row lock for the rest of the transaction (a no-op write; PostgreSQL row
/// lock, SQLite's single writer), when the order is still awaiting payment before `now` if
/// `payable_before` is given. `false` when the order is gone or (with `payable_before`) no
/// longer payable. Writers that touch an order's payments take it first, so they queue on the
/// order instead of racing (and never deadlock).
pub async fn lock(
    db: &impl ConnectionTrait,
    id: OrderId,
    payable_before: Option<DateTime<Utc>>,
) -> Result<bool, DbErr> {
    let mut q = order::Entity::update_many()
        .col_expr(order::Column::UpdatedAt, Expr::col(order::Column::UpdatedAt))
        .filter(order::Column::Id.eq(id.uuid()));
    if let Some(now) = payable_before {
        q = q
            .filter(order::Column::Status.eq(OrderStatus::PaymentPending.as_str()))
            .filter(order::Column::ReservedUntil.gt(now));
    }
    Ok(q.exec(db).await?.rows_affected == 1)
}
