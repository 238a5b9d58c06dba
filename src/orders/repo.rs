//! Orders in the database. Status changes are compare-and-set: `WHERE id = ? AND status = ?`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{fulfillment, fulfillment_line, order, order_history, order_line, vendor_order};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::{
    orders::model::{
        ActorKind, Fulfillment, FulfillmentLine, FulfillmentStatus, HistoryEntry, Order, OrderFilter, OrderLine,
        OrderStatus, VendorOrder, VendorOrderDetail, VendorOrderFilter,
    },
    shared::{
        address::Address,
        ids::{
            CartId, FulfillmentId, OrderId, OrderLineId, ProductId, ShippingMethodId, TypedId, UserId, VariantId,
            VendorId, VendorOrderId,
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
                    status: Set(v.status.as_str().to_owned()),
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

fn to_vendor_order(v: vendor_order::Model, cur: Currency) -> Result<VendorOrder, DbErr> {
    let money = |minor: i64| Money::from_minor(minor, cur);
    Ok(VendorOrder {
        id: VendorOrderId(v.id),
        vendor_id: VendorId(v.vendor_id),
        status: OrderStatus::parse(&v.status).ok_or_else(|| corrupt("vendor order status"))?,
        shipping_method_id: v.shipping_method_id.map(ShippingMethodId),
        shipping_method_name: v.shipping_method_name,
        shipping: money(v.shipping_minor),
        shipping_tax: money(v.shipping_tax_minor),
        shipping_tax_lines: serde_json::from_value(v.shipping_tax_lines).map_err(|_| corrupt("tax lines"))?,
        subtotal: money(v.subtotal_minor),
        discount: money(v.discount_minor),
        tax: money(v.tax_minor),
        total: money(v.total_minor),
    })
}

fn to_line(l: order_line::Model, cur: Currency) -> Result<OrderLine, DbErr> {
    let money = |minor: i64| Money::from_minor(minor, cur);
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
        cancelled_quantity: u32::try_from(l.cancelled_quantity).unwrap_or(0),
        unit_price: money(l.unit_price_minor),
        subtotal: money(l.subtotal_minor),
        discount: money(l.discount_minor),
        tax: money(l.tax_minor),
        total: money(l.total_minor),
        tax_lines: serde_json::from_value(l.tax_lines).map_err(|_| corrupt("tax lines"))?,
        position: u32::try_from(l.position).unwrap_or(0),
    })
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
        vendor_orders: vos.into_iter().map(|v| to_vendor_order(v, cur)).collect::<Result<_, DbErr>>()?,
        lines: lines.into_iter().map(|l| to_line(l, cur)).collect::<Result<_, DbErr>>()?,
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

/// Adds `quantity` to `column` (shipped or cancelled units) of a line of `vendor_order`, only
/// within what is left open (`fulfilled + cancelled + quantity <= quantity`): a guarded update,
/// so two writers can never take the same unit.
async fn add_units(
    db: &impl ConnectionTrait,
    vendor_order: VendorOrderId,
    line: OrderLineId,
    column: order_line::Column,
    quantity: u32,
) -> Result<bool, DbErr> {
    let q = i32::try_from(quantity).unwrap_or(i32::MAX);
    let res = order_line::Entity::update_many()
        .col_expr(column, Expr::col(column).add(q))
        .filter(order_line::Column::Id.eq(line.uuid()))
        .filter(order_line::Column::VendorOrderId.eq(vendor_order.uuid()))
        .filter(
            Expr::col(order_line::Column::FulfilledQuantity)
                .add(Expr::col(order_line::Column::CancelledQuantity))
                .add(q)
                .lte(Expr::col(order_line::Column::Quantity)),
        )
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Records shipped units on a line of `vendor_order`, only within what is left open.
pub async fn add_fulfilled(
    db: &impl ConnectionTrait,
    vendor_order: VendorOrderId,
    line: OrderLineId,
    quantity: u32,
) -> Result<bool, DbErr> {
    add_units(db, vendor_order, line, order_line::Column::FulfilledQuantity, quantity).await
}

/// Records cancelled units on a line of `vendor_order`, only within what is left open.
pub async fn add_cancelled(
    db: &impl ConnectionTrait,
    vendor_order: VendorOrderId,
    line: OrderLineId,
    quantity: u32,
) -> Result<bool, DbErr> {
    add_units(db, vendor_order, line, order_line::Column::CancelledQuantity, quantity).await
}

/// Moves a vendor order from `from` to `to` only if it is still `from`; returns whether it moved.
pub async fn transition_vendor_order(
    db: &impl ConnectionTrait,
    id: VendorOrderId,
    from: OrderStatus,
    to: OrderStatus,
) -> Result<bool, DbErr> {
    let res = vendor_order::Entity::update_many()
        .col_expr(vendor_order::Column::Status, Expr::value(to.as_str()))
        .filter(vendor_order::Column::Id.eq(id.uuid()))
        .filter(vendor_order::Column::Status.eq(from.as_str()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Sets every vendor order of `order` in one of `from` to `to` (the order's payment,
/// cancellation or expiry, in its transaction, after the order's compare-and-set, which holds
/// the order's row); returns the vendor orders moved, with their vendor and former status.
pub async fn set_vendor_orders_status(
    db: &impl ConnectionTrait,
    order: OrderId,
    from: &[OrderStatus],
    to: OrderStatus,
) -> Result<Vec<(VendorOrderId, VendorId, OrderStatus)>, DbErr> {
    let moved = vendor_order::Entity::find()
        .filter(vendor_order::Column::OrderId.eq(order.uuid()))
        .filter(vendor_order::Column::Status.is_in(from.iter().map(OrderStatus::as_str)))
        .order_by_asc(vendor_order::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|v| {
            let status =
                OrderStatus::parse(&v.status).ok_or_else(|| DbErr::Custom(format!("bad status {}", v.status)))?;
            Ok((VendorOrderId(v.id), VendorId(v.vendor_id), status))
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    vendor_order::Entity::update_many()
        .col_expr(vendor_order::Column::Status, Expr::value(to.as_str()))
        .filter(vendor_order::Column::OrderId.eq(order.uuid()))
        .filter(vendor_order::Column::Status.is_in(from.iter().map(OrderStatus::as_str)))
        .exec(db)
        .await?;
    Ok(moved)
}

/// The vendor and order of a vendor order, to authorise a caller before reading it in the
/// vendor's scope.
pub async fn vendor_order_owner(
    db: &impl ConnectionTrait,
    id: VendorOrderId,
) -> Result<Option<(VendorId, OrderId)>, DbErr> {
    Ok(vendor_order::Entity::find_by_id(id.uuid()).one(db).await?.map(|v| (VendorId(v.vendor_id), OrderId(v.order_id))))
}

/// The vendor of a fulfilment, to authorise a caller before reading it in the vendor's scope.
pub async fn fulfillment_owner(db: &impl ConnectionTrait, id: FulfillmentId) -> Result<Option<VendorId>, DbErr> {
    Ok(fulfillment::Entity::find_by_id(id.uuid()).one(db).await?.map(|f| VendorId(f.vendor_id)))
}

/// Vendor orders of `vendor` with their own lines and the order's code, date, currency and
/// shipping address; the others' lines are never read.
async fn hydrate_details(
    db: &impl ConnectionTrait,
    vos: Vec<vendor_order::Model>,
) -> Result<Vec<VendorOrderDetail>, DbErr> {
    if vos.is_empty() {
        return Ok(vec![]);
    }
    let order_ids: Vec<Uuid> = vos.iter().map(|v| v.order_id).collect();
    let vo_ids: Vec<Uuid> = vos.iter().map(|v| v.id).collect();
    let orders: HashMap<Uuid, order::Model> = order::Entity::find()
        .filter(order::Column::Id.is_in(order_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let lines = order_line::Entity::find()
        .filter(order_line::Column::VendorOrderId.is_in(vo_ids))
        .order_by_asc(order_line::Column::Position)
        .all(db)
        .await?;
    vos.into_iter()
        .map(|v| {
            let o = orders.get(&v.order_id).ok_or_else(|| corrupt("vendor order"))?;
            let cur = Currency::parse(&o.currency).map_err(|_| corrupt("currency"))?;
            let mine = lines.iter().filter(|l| l.vendor_order_id == v.id).cloned().map(|l| to_line(l, cur));
            Ok(VendorOrderDetail {
                order_id: OrderId(o.id),
                order_code: o.code.clone(),
                currency: cur,
                created_at: o.created_at,
                shipping_address: serde_json::from_value::<Option<Address>>(o.shipping_address.clone())
                    .map_err(|_| corrupt("address"))?,
                lines: mine.collect::<Result<_, DbErr>>()?,
                vendor_order: to_vendor_order(v, cur)?,
            })
        })
        .collect()
}

/// A vendor order of `vendor` (the vendor scope: another vendor's id finds nothing).
pub async fn vendor_order_detail(
    db: &impl ConnectionTrait,
    vendor: VendorId,
    id: VendorOrderId,
) -> Result<Option<VendorOrderDetail>, DbErr> {
    let Some(v) = vendor_order::Entity::find_by_id(id.uuid())
        .filter(vendor_order::Column::VendorId.eq(vendor.uuid()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(hydrate_details(db, vec![v]).await?.pop())
}

fn vendor_condition(vendor: VendorId, f: &VendorOrderFilter) -> Condition {
    let mut c = Condition::all().add(vendor_order::Column::VendorId.eq(vendor.uuid()));
    if !f.statuses.is_empty() {
        c = c.add(vendor_order::Column::Status.is_in(f.statuses.iter().map(OrderStatus::as_str)));
    }
    if f.created_from.is_some() || f.created_to.is_some() {
        let mut sub = sea_orm::sea_query::Query::select().column(order::Column::Id).from(order::Entity).to_owned();
        if let Some(from) = f.created_from {
            sub.and_where(order::Column::CreatedAt.gte(from));
        }
        if let Some(to) = f.created_to {
            sub.and_where(order::Column::CreatedAt.lt(to));
        }
        c = c.add(vendor_order::Column::OrderId.in_subquery(sub));
    }
    c
}

/// The vendor orders of `vendor`, newest first (ids are time-ordered), keyset-paginated.
pub async fn list_vendor_orders(
    db: &impl ConnectionTrait,
    vendor: VendorId,
    f: &VendorOrderFilter,
    page: &PageRequest,
) -> Result<Page<VendorOrderDetail>, DbErr> {
    let mut q = vendor_order::Entity::find().filter(vendor_condition(vendor, f));
    if let Some(after) = &page.after {
        q = q.filter(vendor_order::Column::Id.lt(after.id));
    }
    let mut rows = q.order_by_desc(vendor_order::Column::Id).limit(page.first + 1).all(db).await?;
    let has_next_page = rows.len() as u64 > page.first;
    rows.truncate(page.first as usize);
    let items = hydrate_details(db, rows).await?;
    Ok(Page {
        items: items.into_iter().map(|d| (Cursor { key: String::new(), id: d.vendor_order.id.uuid() }, d)).collect(),
        has_next_page,
    })
}

pub async fn count_vendor_orders(
    db: &impl ConnectionTrait,
    vendor: VendorId,
    f: &VendorOrderFilter,
) -> Result<u64, DbErr> {
    vendor_order::Entity::find().filter(vendor_condition(vendor, f)).count(db).await
}

pub async fn insert_fulfillment(db: &impl ConnectionTrait, f: &Fulfillment) -> Result<(), DbErr> {
    fulfillment::ActiveModel {
        id: Set(f.id.uuid()),
        order_id: Set(f.order_id.uuid()),
        vendor_order_id: Set(f.vendor_order_id.uuid()),
        vendor_id: Set(f.vendor_id.uuid()),
        carrier: Set(f.carrier.clone()),
        tracking_number: Set(f.tracking_number.clone()),
        tracking_url: Set(f.tracking_url.clone()),
        status: Set(f.status.as_str().to_owned()),
        created_by: Set(f.created_by.map(|u| u.uuid())),
        created_at: Set(f.created_at),
        updated_at: Set(f.updated_at),
        delivered_at: Set(f.delivered_at),
    }
    .insert(db)
    .await?;
    let rows = f.lines.iter().map(|l| fulfillment_line::ActiveModel {
        fulfillment_id: Set(f.id.uuid()),
        order_line_id: Set(l.order_line_id.uuid()),
        quantity: Set(i32::try_from(l.quantity).unwrap_or(i32::MAX)),
    });
    fulfillment_line::Entity::insert_many(rows).exec_without_returning(db).await?;
    Ok(())
}

/// Writes a fulfilment's tracking and delivery (its lines never change).
pub async fn update_fulfillment(db: &impl ConnectionTrait, f: &Fulfillment) -> Result<(), DbErr> {
    fulfillment::ActiveModel {
        id: Set(f.id.uuid()),
        carrier: Set(f.carrier.clone()),
        tracking_number: Set(f.tracking_number.clone()),
        tracking_url: Set(f.tracking_url.clone()),
        status: Set(f.status.as_str().to_owned()),
        updated_at: Set(f.updated_at),
        delivered_at: Set(f.delivered_at),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

async fn hydrate_fulfillments(
    db: &impl ConnectionTrait,
    rows: Vec<fulfillment::Model>,
) -> Result<Vec<Fulfillment>, DbErr> {
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let lines = fulfillment_line::Entity::find()
        .filter(fulfillment_line::Column::FulfillmentId.is_in(rows.iter().map(|r| r.id)))
        .all(db)
        .await?;
    rows.into_iter()
        .map(|m| {
            Ok(Fulfillment {
                id: FulfillmentId(m.id),
                order_id: OrderId(m.order_id),
                vendor_order_id: VendorOrderId(m.vendor_order_id),
                vendor_id: VendorId(m.vendor_id),
                carrier: m.carrier,
                tracking_number: m.tracking_number,
                tracking_url: m.tracking_url,
                status: FulfillmentStatus::parse(&m.status).ok_or_else(|| corrupt("fulfillment status"))?,
                created_by: m.created_by.map(UserId),
                created_at: m.created_at,
                updated_at: m.updated_at,
                delivered_at: m.delivered_at,
                lines: lines
                    .iter()
                    .filter(|l| l.fulfillment_id == m.id)
                    .map(|l| FulfillmentLine {
                        order_line_id: OrderLineId(l.order_line_id),
                        quantity: u32::try_from(l.quantity).unwrap_or(0),
                    })
                    .collect(),
            })
        })
        .collect()
}

/// A fulfilment of `vendor` (the vendor scope).
pub async fn fulfillment_of(
    db: &impl ConnectionTrait,
    vendor: VendorId,
    id: FulfillmentId,
) -> Result<Option<Fulfillment>, DbErr> {
    let rows = fulfillment::Entity::find_by_id(id.uuid())
        .filter(fulfillment::Column::VendorId.eq(vendor.uuid()))
        .all(db)
        .await?;
    Ok(hydrate_fulfillments(db, rows).await?.pop())
}

/// Each order's fulfilments, oldest first (orders without any are absent).
pub async fn fulfillments_by_order_ids(
    db: &impl ConnectionTrait,
    ids: &[OrderId],
) -> Result<HashMap<OrderId, Vec<Fulfillment>>, DbErr> {
    let rows = fulfillment::Entity::find()
        .filter(fulfillment::Column::OrderId.is_in(ids.iter().map(TypedId::uuid)))
        .order_by_asc(fulfillment::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<OrderId, Vec<Fulfillment>> = HashMap::new();
    for f in hydrate_fulfillments(db, rows).await? {
        out.entry(f.order_id).or_default().push(f);
    }
    Ok(out)
}

/// Each vendor order's fulfilments, oldest first, each key within its vendor's scope: a key
/// `(vendor, vendor order)` gets only fulfilments of that vendor (keys without any are absent).
pub async fn fulfillments_by_vendor_orders(
    db: &impl ConnectionTrait,
    keys: &[(VendorId, VendorOrderId)],
) -> Result<HashMap<(VendorId, VendorOrderId), Vec<Fulfillment>>, DbErr> {
    let rows = fulfillment::Entity::find()
        .filter(fulfillment::Column::VendorOrderId.is_in(keys.iter().map(|k| k.1.uuid())))
        .filter(fulfillment::Column::VendorId.is_in(keys.iter().map(|k| k.0.uuid())))
        .order_by_asc(fulfillment::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<(VendorId, VendorOrderId), Vec<Fulfillment>> = HashMap::new();
    for f in hydrate_fulfillments(db, rows).await? {
        out.entry((f.vendor_id, f.vendor_order_id)).or_default().push(f);
    }
    Ok(out)
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
