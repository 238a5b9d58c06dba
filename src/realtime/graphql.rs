//! The subscription root: live events for storefronts and vendor panels, over WebSocket on
//! `/graphql` (`graphql-transport-ws` and the legacy `graphql-ws`).
//!
//! Access is checked once, when the subscription starts, with the same service calls as the
//! matching queries (`OrderService::get`, `VendorService::authorize`, the storefront's product
//! visibility); the stream then only carries events naming that order, vendor or product. Event
//! payloads are built from the event alone (no database read per event, no dataloader cache).
//! A subscription ends with an error when the connection's access token expires
//! (`UNAUTHENTICATED`), when the bus loses Redis (`SERVICE_UNAVAILABLE`) and when the
//! subscriber falls too far behind (`SLOW_CONSUMER`).

use std::{collections::HashMap, sync::Arc};

use async_graphql::{Context, Enum, ErrorExtensions, ID, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use futures_util::{Stream, stream};
use tokio::sync::broadcast::{self, error::RecvError};
use uuid::Uuid;

use crate::{
    graphql::{
        ContextExt,
        errors::{forbidden, top_level},
        ids,
    },
    orders::graphql::{FulfillmentStatus, OrderStatus},
    realtime::{BusEvent, BusMessage},
    shared::ids::{FulfillmentId, OrderId, ProductId, TypedId, VariantId, VendorId, VendorOrderId},
    vendors::model::VendorPermission,
};

/// When the WebSocket connection's access token expires (set at `connection_init`): its
/// subscriptions end then.
#[derive(Debug, Clone, Copy)]
pub struct SessionExpiry(pub Option<DateTime<Utc>>);

fn coded(code: &'static str, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(move |_, e| e.set("code", code))
}

/// What happened to an order.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum OrderEventType {
    /// Checkout placed it (PAYMENT_PENDING).
    Placed,
    /// Paid.
    Paid,
    /// Units shipped: PARTIALLY_FULFILLED or FULFILLED (see `status`).
    Fulfilled,
    Cancelled,
    /// Not paid before its reservation ended.
    Expired,
    /// A shipment was recorded (see `fulfillment`, with its tracking).
    FulfillmentCreated,
    /// A shipment's tracking or delivery changed.
    FulfillmentUpdated,
    /// A refund was requested (the amount is claimed; the provider settles it after).
    RefundRequested,
    /// A dispute (chargeback) was opened or moved.
    DisputeUpdated,
}

impl OrderEventType {
    fn of(event_type: &str) -> Option<Self> {
        Some(match event_type {
            "order.placed" => Self::Placed,
            "order.paid" => Self::Paid,
            "order.fulfilled" => Self::Fulfilled,
            "order.cancelled" => Self::Cancelled,
            "order.expired" => Self::Expired,
            "fulfillment.created" => Self::FulfillmentCreated,
            "fulfillment.updated" => Self::FulfillmentUpdated,
            "refund.requested" => Self::RefundRequested,
            "dispute.updated" => Self::DisputeUpdated,
            _ => return None,
        })
    }
}

/// A shipment as an event shows it.
#[derive(SimpleObject, Clone, Debug)]
pub struct FulfillmentEvent {
    pub id: ID,
    pub status: Option<FulfillmentStatus>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub tracking_url: Option<String>,
    /// Units in the shipment.
    pub quantity: i32,
}

/// One change of an order (`orderStatusChanged`).
#[derive(SimpleObject, Clone, Debug)]
pub struct OrderStatusEvent {
    /// The event's id: the same event is never delivered twice to one subscription.
    pub event_id: ID,
    #[graphql(name = "type")]
    pub kind: OrderEventType,
    pub order_id: ID,
    /// The order's status after the change, for status changes.
    pub status: Option<OrderStatus>,
    /// The shipment, for `FULFILLMENT_CREATED` and `FULFILLMENT_UPDATED`.
    pub fulfillment: Option<FulfillmentEvent>,
    pub occurred_at: DateTime<Utc>,
}

/// What happened to a vendor order.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum VendorOrderEventType {
    /// A new vendor order (its order was placed).
    Placed,
    /// Its status moved: paid, shipped in part or whole, cancelled, expired (`status`).
    StatusChanged,
    FulfillmentCreated,
    FulfillmentUpdated,
}

/// One change of one of a vendor's vendor orders (`vendorOrderEvents`). It never names the
/// buyer.
#[derive(SimpleObject, Clone, Debug)]
pub struct VendorOrderEvent {
    pub event_id: ID,
    #[graphql(name = "type")]
    pub kind: VendorOrderEventType,
    pub vendor_id: ID,
    pub vendor_order_id: ID,
    /// The vendor order's status after the change (not for fulfilment events).
    pub status: Option<OrderStatus>,
    pub previous_status: Option<OrderStatus>,
    pub fulfillment: Option<FulfillmentEvent>,
    pub occurred_at: DateTime<Utc>,
}

/// A variant's availability as the storefront shows it (`stockLevelChanged`).
#[derive(SimpleObject, Clone, Debug)]
pub struct StockLevel {
    pub product_id: ID,
    pub variant_id: ID,
    /// Units that can be bought now (on hand less reserved).
    pub quantity_available: i32,
    pub in_stock: bool,
    pub occurred_at: DateTime<Utc>,
}

/// A variant whose available quantity fell to its low-stock threshold (`lowStockAlerts`).
#[derive(SimpleObject, Clone, Debug)]
pub struct LowStockAlert {
    pub event_id: ID,
    pub product_id: ID,
    pub variant_id: ID,
    pub sku: String,
    pub quantity_available: i32,
    /// `realtime.low_stock_threshold` when the event was written.
    pub threshold: i32,
    pub occurred_at: DateTime<Utc>,
}

fn uuid_at(e: &BusEvent, key: &str) -> Option<Uuid> {
    e.payload.get(key)?.as_str().and_then(|s| Uuid::parse_str(s).ok())
}

fn text_at(e: &BusEvent, key: &str) -> Option<String> {
    e.payload.get(key)?.as_str().map(str::to_owned)
}

fn int_at(e: &BusEvent, key: &str) -> i32 {
    e.payload.get(key).and_then(serde_json::Value::as_i64).and_then(|v| i32::try_from(v).ok()).unwrap_or(0)
}

fn status_at(e: &BusEvent, key: &str) -> Option<OrderStatus> {
    e.payload.get(key)?.as_str().and_then(crate::orders::model::OrderStatus::parse).map(OrderStatus::from)
}

fn encode<I: TypedId>(uuid: Uuid) -> ID {
    ids::encode(I::from_uuid(uuid))
}

fn fulfillment_of(e: &BusEvent) -> Option<FulfillmentEvent> {
    if !e.event_type.starts_with("fulfillment.") {
        return None;
    }
    let status = match e.payload.get("status").and_then(|s| s.as_str()) {
        Some("SHIPPED") => Some(crate::orders::model::FulfillmentStatus::Shipped),
        Some("DELIVERED") => Some(crate::orders::model::FulfillmentStatus::Delivered),
        _ => None,
    };
    Some(FulfillmentEvent {
        id: encode::<FulfillmentId>(uuid_at(e, "fulfillmentId")?),
        status: status.map(FulfillmentStatus::from),
        carrier: text_at(e, "carrier"),
        tracking_number: text_at(e, "trackingNumber"),
        tracking_url: text_at(e, "trackingUrl"),
        quantity: int_at(e, "quantity"),
    })
}

/// What one subscription has read so far.
struct Feed {
    rx: broadcast::Receiver<BusMessage>,
    /// The last `seq` passed on per aggregate (redeliveries are dropped).
    last: HashMap<(String, String), i64>,
    expires: Option<DateTime<Utc>>,
    done: bool,
}

/// The events `select` keeps, once each and in order per aggregate, until the token expires,
/// the bus goes down or the subscriber falls behind (then an error, then the end).
fn feed<T, F>(
    ctx: &Context<'_>,
    select: F,
) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<T>> + use<T, F>>
where
    T: Send + 'static,
    F: Fn(&BusEvent) -> Option<T> + Send + Sync + 'static,
{
    let rx = ctx
        .state()
        .bus
        .subscribe()
        .map_err(|e| coded("SERVICE_UNAVAILABLE", format!("Subscriptions are unavailable: {}", e.0)))?;
    let expires = ctx.data_opt::<SessionExpiry>().and_then(|s| s.0);
    let select = Arc::new(select);
    let start = Feed { rx, last: HashMap::new(), expires, done: false };
    Ok(stream::unfold(start, move |mut st| {
        let select = select.clone();
        async move {
            if st.done {
                return None;
            }
            loop {
                let received = match st.expires {
                    Some(at) => {
                        let left = (at - Utc::now()).to_std().unwrap_or_default();
                        tokio::select! {
                            m = st.rx.recv() => m,
                            () = tokio::time::sleep(left) => {
                                st.done = true;
                                return Some((Err(coded("UNAUTHENTICATED", "The access token expired")), st));
                            }
                        }
                    }
                    None => st.rx.recv().await,
                };
                match received {
                    Ok(BusMessage::Event(e)) => {
                        let key = (e.aggregate_type.clone(), e.aggregate_id.clone());
                        if st.last.get(&key).is_some_and(|seen| *seen >= e.seq) {
                            continue;
                        }
                        if let Some(item) = select(&e) {
                            st.last.insert(key, e.seq);
                            return Some((Ok(item), st));
                        }
                    }
                    Ok(BusMessage::Down(reason)) => {
                        st.done = true;
                        return Some((Err(coded("SERVICE_UNAVAILABLE", reason.to_string())), st));
                    }
                    Err(RecvError::Lagged(n)) => {
                        st.done = true;
                        let message = format!("The subscriber fell {n} events behind and was dropped; subscribe again");
                        return Some((Err(coded("SLOW_CONSUMER", message)), st));
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        }
    }))
}

#[derive(Default)]
pub struct RealtimeSubscription;

#[Subscription]
impl RealtimeSubscription {
    /// Each change of one order: status changes, shipments with tracking, refunds and
    /// disputes. For the order's customer, a guest giving the order's `email`, and staff
    /// (others: `FORBIDDEN`, as `order(id, email)`).
    async fn order_status_changed(
        &self,
        ctx: &Context<'_>,
        order_id: ID,
        email: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<OrderStatusEvent>> + use<>> {
        let id = ids::arg::<OrderId>(&order_id)?;
        let state = ctx.state();
        match state.orders.get(ctx.rcx(), id, email.as_deref()).await {
            Ok(Some(_)) => {}
            Ok(None) => return Err(forbidden()),
            Err(e) => return Err(top_level(e)),
        }
        let order = id.uuid();
        feed(ctx, move |e| {
            let kind = OrderEventType::of(&e.event_type)?;
            (uuid_at(e, "orderId")? == order).then(|| OrderStatusEvent {
                event_id: ID(e.id.to_string()),
                kind,
                order_id: encode::<OrderId>(order),
                status: if e.event_type.starts_with("order.") { status_at(e, "status") } else { None },
                fulfillment: fulfillment_of(e),
                occurred_at: e.occurred_at,
            })
        })
    }

    /// A vendor's vendor orders as they change: new ones, payment, shipment, cancellation and
    /// expiry, and fulfilments with tracking. For the vendor's members and staff (as
    /// `vendorOrders`); only this vendor's events, never another's.
    async fn vendor_order_events(
        &self,
        ctx: &Context<'_>,
        vendor_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<VendorOrderEvent>> + use<>> {
        let vendor = ids::arg::<VendorId>(&vendor_id)?;
        ctx.state().vendors.authorize(ctx.rcx(), vendor, VendorPermission::View).await.map_err(top_level)?;
        let vendor = vendor.uuid();
        feed(ctx, move |e| {
            let kind = match e.event_type.as_str() {
                "vendor_order.placed" => VendorOrderEventType::Placed,
                "vendor_order.status_changed" => VendorOrderEventType::StatusChanged,
                "fulfillment.created" => VendorOrderEventType::FulfillmentCreated,
                "fulfillment.updated" => VendorOrderEventType::FulfillmentUpdated,
                _ => return None,
            };
            (uuid_at(e, "vendorId")? == vendor).then_some(())?;
            Some(VendorOrderEvent {
                event_id: ID(e.id.to_string()),
                kind,
                vendor_id: encode::<VendorId>(vendor),
                vendor_order_id: encode::<VendorOrderId>(uuid_at(e, "vendorOrderId")?),
                status: if e.event_type.starts_with("vendor_order.") { status_at(e, "status") } else { None },
                previous_status: status_at(e, "previousStatus"),
                fulfillment: fulfillment_of(e),
                occurred_at: e.occurred_at,
            })
        })
    }

    /// Live availability of a product's variants, as the storefront shows it (public data):
    /// each change of a variant's available quantity. For anyone who can see the product.
    async fn stock_level_changed(
        &self,
        ctx: &Context<'_>,
        product_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<StockLevel>> + use<>> {
        let id = ids::arg::<ProductId>(&product_id)?;
        let visible = ctx
            .state()
            .catalog
            .products_by_ids(ctx.rcx(), &[id])
            .await
            .map_err(|e| crate::graphql::errors::internal(&e))?;
        if !visible.contains_key(&id) {
            return Err(coded("NOT_FOUND", "No such product"));
        }
        let product = id.uuid();
        feed(ctx, move |e| {
            (e.event_type == "stock.changed" && uuid_at(e, "productId")? == product).then(|| StockLevel {
                product_id: encode::<ProductId>(product),
                variant_id: encode::<VariantId>(uuid_at(e, "variantId").unwrap_or_default()),
                quantity_available: int_at(e, "quantityAvailable"),
                in_stock: e.payload.get("inStock").and_then(serde_json::Value::as_bool).unwrap_or(false),
                occurred_at: e.occurred_at,
            })
        })
    }

    /// A vendor's variants falling to their low-stock threshold. For the vendor's members who
    /// manage its catalog (owners, editors) and staff.
    async fn low_stock_alerts(
        &self,
        ctx: &Context<'_>,
        vendor_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<LowStockAlert>> + use<>> {
        let vendor = ids::arg::<VendorId>(&vendor_id)?;
        ctx.state().vendors.authorize(ctx.rcx(), vendor, VendorPermission::Catalog).await.map_err(top_level)?;
        let vendor = vendor.uuid();
        feed(ctx, move |e| {
            (e.event_type == "stock.low" && uuid_at(e, "vendorId")? == vendor).then(|| LowStockAlert {
                event_id: ID(e.id.to_string()),
                product_id: encode::<ProductId>(uuid_at(e, "productId").unwrap_or_default()),
                variant_id: encode::<VariantId>(uuid_at(e, "variantId").unwrap_or_default()),
                sku: text_at(e, "sku").unwrap_or_default(),
                quantity_available: int_at(e, "quantityAvailable"),
                threshold: int_at(e, "threshold"),
                occurred_at: e.occurred_at,
            })
        })
    }
}
