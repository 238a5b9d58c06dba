//! The outbox events of orders, vendor orders and fulfilments (see the table in
//! `crate::outbox`), appended in the transaction of the change they describe.
//!
//! Aggregates and who serialises their writers (the outbox numbers events per aggregate, and a
//! concurrent append of the same number fails): `order` and `vendor_order` events are written
//! under the order's row (its compare-and-set or `repo::lock`), `fulfillment` events under the
//! fulfilment's row. Every payload names its `orderId`; vendor-facing ones their `vendorId`.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use serde_json::json;

use crate::{
    orders::model::{Fulfillment, Order, OrderEvent, OrderStatus},
    outbox::NewEvent,
    shared::ids::{OrderId, VendorId, VendorOrderId},
};

/// An order was placed (checkout): `{ orderId, status, vendorIds }`.
pub const ORDER_PLACED: &str = "order.placed";
/// Paid: `{ orderId, status }`.
pub const ORDER_PAID: &str = "order.paid";
/// Shipped in part or whole (status PARTIALLY_FULFILLED or FULFILLED): `{ orderId, status }`.
pub const ORDER_FULFILLED: &str = "order.fulfilled";
/// Written in the transaction that expires an unpaid order (`{ orderId, status }`): payments
/// cancels the order's live attempt at the provider.
pub const ORDER_EXPIRED: &str = "order.expired";
/// Written in the transaction that cancels an order (`{ orderId, status }`).
pub const ORDER_CANCELLED: &str = "order.cancelled";
/// A vendor order was created at checkout: `{ vendorOrderId, orderId, vendorId, status }`.
pub const VENDOR_ORDER_PLACED: &str = "vendor_order.placed";
/// A vendor order moved: `{ vendorOrderId, orderId, vendorId, status, previousStatus }`.
pub const VENDOR_ORDER_STATUS_CHANGED: &str = "vendor_order.status_changed";
/// A shipment was recorded: `{ fulfillmentId, orderId, vendorOrderId, vendorId, status,
/// carrier, trackingNumber, trackingUrl, quantity }`.
pub const FULFILLMENT_CREATED: &str = "fulfillment.created";
/// A shipment's tracking or delivery changed: the same payload as [`FULFILLMENT_CREATED`].
pub const FULFILLMENT_UPDATED: &str = "fulfillment.updated";

fn event(
    aggregate_type: &'static str,
    id: String,
    event_type: &'static str,
    payload: serde_json::Value,
    at: DateTime<Utc>,
) -> NewEvent {
    NewEvent { aggregate_type, aggregate_id: id, event_type, version: 1, payload, occurred_at: at }
}

/// The event of an order's move to `to` by `event` (aggregate `order`).
pub(super) async fn order_moved_in(
    conn: &impl ConnectionTrait,
    id: OrderId,
    event: OrderEvent,
    to: OrderStatus,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let event_type = match event {
        OrderEvent::PaymentSucceeded => ORDER_PAID,
        OrderEvent::Fulfilled { .. } => ORDER_FULFILLED,
        OrderEvent::Cancel => ORDER_CANCELLED,
        OrderEvent::Expire => ORDER_EXPIRED,
    };
    let payload = json!({ "orderId": id, "status": to.as_str() });
    crate::outbox::append_in(conn, self::event("order", id.to_string(), event_type, payload, now)).await
}

/// The events of a new order and of each of its vendor orders.
pub(super) async fn placed_in(conn: &impl ConnectionTrait, order: &Order) -> Result<(), DbErr> {
    let vendors: Vec<VendorId> = order.vendor_orders.iter().map(|v| v.vendor_id).collect();
    let payload = json!({ "orderId": order.id, "status": order.status.as_str(), "vendorIds": vendors });
    crate::outbox::append_in(conn, event("order", order.id.to_string(), ORDER_PLACED, payload, order.created_at))
        .await?;
    for vo in &order.vendor_orders {
        let payload = json!({
            "vendorOrderId": vo.id, "orderId": order.id, "vendorId": vo.vendor_id, "status": vo.status.as_str()
        });
        crate::outbox::append_in(
            conn,
            event("vendor_order", vo.id.to_string(), VENDOR_ORDER_PLACED, payload, order.created_at),
        )
        .await?;
    }
    Ok(())
}

/// The event of one vendor order's move from `from` to `to`.
pub(super) async fn vendor_order_moved_in(
    conn: &impl ConnectionTrait,
    order: OrderId,
    (id, vendor, from): (VendorOrderId, VendorId, OrderStatus),
    to: OrderStatus,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let payload = json!({
        "vendorOrderId": id, "orderId": order, "vendorId": vendor,
        "status": to.as_str(), "previousStatus": from.as_str()
    });
    crate::outbox::append_in(conn, event("vendor_order", id.to_string(), VENDOR_ORDER_STATUS_CHANGED, payload, now))
        .await
}

/// The event of a new or changed shipment (aggregate `fulfillment`).
pub(super) async fn fulfillment_in(
    conn: &impl ConnectionTrait,
    f: &Fulfillment,
    event_type: &'static str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let quantity: u32 = f.lines.iter().map(|l| l.quantity).sum();
    let payload = json!({
        "fulfillmentId": f.id, "orderId": f.order_id, "vendorOrderId": f.vendor_order_id, "vendorId": f.vendor_id,
        "status": f.status.as_str(), "carrier": f.carrier, "trackingNumber": f.tracking_number,
        "trackingUrl": f.tracking_url, "quantity": quantity
    });
    crate::outbox::append_in(conn, event("fulfillment", f.id.to_string(), event_type, payload, now)).await
}
