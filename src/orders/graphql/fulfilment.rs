//! Vendor orders in the vendor panel (`vendorOrders`, `node`), fulfilments (`fulfillmentCreate`,
//! `fulfillmentUpdate`, `Order.fulfillments`).
//!
//! **Two vendor order types.** `VendorOrder` is one vendor's part of an `Order`, reached only
//! through the order (its buyer, or staff). Vendor members get `VendorPanelOrder` instead: the
//! same vendor order as its vendor sees it, with its own lines, status and fulfilments, and with
//! no way to the order (no order ID, e-mail, payments or the other vendors' parts). The buyer's
//! shipping address is on it only for roles that ship (OWNER, FULFILLMENT) and staff.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    ComplexObject, Context, Enum, ID, InputObject, Object, SimpleObject,
    connection::{Connection, EmptyFields},
    dataloader::Loader,
};
use chrono::{DateTime, Utc};

use super::{Money, OrderLine, OrderStatus, OrderUserError, line, money};
use crate::{
    cart::graphql::MailingAddress,
    error::path,
    graphql::{
        ContextExt,
        connection::{connection, page},
        dataloader::complete,
        errors::{OrInternal, top_level},
        ids,
        payload::{payload, payload_type},
    },
    orders::{
        OrderError, OrderService,
        model::{self, Tracking, VendorOrderFilter},
        service::NewFulfillment,
    },
    shared::{
        ids::{FulfillmentId, OrderId, OrderLineId, VendorId, VendorOrderId},
        pagination::Page,
    },
    vendors::model::{VendorAccess, VendorPermission},
};

/// Where a shipment stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::orders::model::FulfillmentStatus")]
pub enum FulfillmentStatus {
    /// Handed to the carrier.
    Shipped,
    /// Reported delivered.
    Delivered,
}

/// Units of one order line in a shipment.
#[derive(SimpleObject, Clone)]
pub struct FulfillmentLine {
    /// Global ID of the order line.
    pub order_line_id: ID,
    /// Units shipped in this shipment.
    pub quantity: u32,
}

/// A shipment of units of one vendor order's lines, with its carrier and tracking.
#[derive(Clone)]
pub struct Fulfillment(pub Arc<model::Fulfillment>, ID);

impl From<model::Fulfillment> for Fulfillment {
    fn from(f: model::Fulfillment) -> Self {
        let id = ids::encode(f.id);
        Self(Arc::new(f), id)
    }
}

/// A shipment of units of one vendor order's lines, with its carrier and tracking.
#[Object]
impl Fulfillment {
    /// Global ID of the fulfilment.
    pub async fn id(&self) -> &ID {
        &self.1
    }
    /// Global ID of the vendor order shipped from.
    async fn vendor_order_id(&self) -> ID {
        ids::encode(self.0.vendor_order_id)
    }
    /// Shipped or delivered.
    async fn status(&self) -> FulfillmentStatus {
        self.0.status.into()
    }
    /// The carrier, e.g. "UPS".
    async fn carrier(&self) -> Option<&str> {
        self.0.carrier.as_deref()
    }
    /// The carrier's tracking number.
    async fn tracking_number(&self) -> Option<&str> {
        self.0.tracking_number.as_deref()
    }
    /// Where to follow the parcel (an http(s) URL).
    async fn tracking_url(&self) -> Option<&str> {
        self.0.tracking_url.as_deref()
    }
    /// The lines and units shipped.
    async fn lines(&self) -> Vec<FulfillmentLine> {
        self.0
            .lines
            .iter()
            .map(|l| FulfillmentLine { order_line_id: ids::encode(l.order_line_id), quantity: l.quantity })
            .collect()
    }
    /// When it shipped.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// When it was reported delivered.
    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }
}

/// The fulfilments of each order (`Order.fulfillments`), one query per batch.
pub struct FulfillmentsByOrderIdLoader(pub OrderService);

impl Loader<OrderId> for FulfillmentsByOrderIdLoader {
    type Value = Vec<model::Fulfillment>;
    type Error = Arc<sea_orm::DbErr>;

    #[tracing::instrument(name = "loader.fulfillments_by_order_id", skip_all, fields(count = keys.len()))]
    async fn load(&self, keys: &[OrderId]) -> Result<HashMap<OrderId, Self::Value>, Self::Error> {
        Ok(complete(keys, self.0.fulfillments_by_order_ids(keys).await.map_err(Arc::new)?))
    }
}

/// Fulfilments by `(vendor, vendor order)`.
type ByVendorOrder = HashMap<(VendorId, VendorOrderId), Vec<model::Fulfillment>>;

/// The fulfilments of vendor orders in the vendor panel, each key in its vendor's scope.
pub struct FulfillmentsByVendorOrderLoader(pub OrderService);

impl Loader<(VendorId, VendorOrderId)> for FulfillmentsByVendorOrderLoader {
    type Value = Vec<model::Fulfillment>;
    type Error = Arc<sea_orm::DbErr>;

    #[tracing::instrument(name = "loader.fulfillments_by_vendor_order", skip_all, fields(count = keys.len()))]
    async fn load(&self, keys: &[(VendorId, VendorOrderId)]) -> Result<ByVendorOrder, Self::Error> {
        Ok(complete(keys, self.0.fulfillments_by_vendor_orders(keys).await.map_err(Arc::new)?))
    }
}

/// A vendor order as its vendor's members (and staff) see it in the vendor panel: this vendor's
/// lines, shipping and totals, its status and shipments. It never leads to the whole order,
/// the buyer's e-mail, payments, or other vendors' parts.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct VendorPanelOrder {
    /// Global ID of the vendor order (type `VendorOrder`).
    pub id: ID,
    /// The order's human-facing reference, e.g. `AG-7K3M9Q2XPD`, to quote to the buyer.
    pub order_code: String,
    /// Where this vendor's part stands: PAID → PARTIALLY_FULFILLED → FULFILLED, or CANCELLED
    /// when all its units were cancelled.
    pub status: OrderStatus,
    /// When the order was placed.
    pub created_at: DateTime<Utc>,
    /// The shipping method the buyer chose for this vendor's lines.
    pub shipping_method_name: Option<String>,
    /// Shipping price.
    pub shipping: Money,
    /// Tax on shipping.
    pub shipping_tax: Money,
    /// Sum of line subtotals.
    pub subtotal: Money,
    /// Sum of line discounts.
    pub discount: Money,
    /// Line and shipping tax.
    pub tax: Money,
    /// What this vendor's part costs the buyer.
    pub total: Money,
    /// This vendor's lines (never another vendor's), with units shipped and cancelled.
    pub lines: Vec<OrderLine>,
    /// Global ID of the vendor.
    pub vendor_id: ID,
    #[graphql(skip)]
    pub key: (VendorId, VendorOrderId),
    #[graphql(skip)]
    pub address: Option<MailingAddress>,
}

#[ComplexObject]
impl VendorPanelOrder {
    /// Where to ship: the buyer's name and postal address. Private to the vendor: its members
    /// who ship (OWNER, FULFILLMENT) and staff; null for other roles.
    async fn shipping_address(&self) -> Option<&MailingAddress> {
        self.address.as_ref()
    }
    /// This vendor order's shipments, oldest first.
    async fn fulfillments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Fulfillment>> {
        let list = ctx.loader::<FulfillmentsByVendorOrderLoader>().load_one(self.key).await.or_internal()?;
        Ok(list.unwrap_or_default().into_iter().map(Into::into).collect())
    }
}

/// Whether `access` may see the buyer's shipping address (D4: only who ships it).
fn ships(access: VendorAccess) -> bool {
    match access {
        VendorAccess::Staff => true,
        VendorAccess::Member(role) => role.allows(VendorPermission::Fulfil),
    }
}

impl From<(model::VendorOrderDetail, VendorAccess)> for VendorPanelOrder {
    fn from((d, access): (model::VendorOrderDetail, VendorAccess)) -> Self {
        let v = &d.vendor_order;
        Self {
            id: ids::encode(v.id),
            order_code: d.order_code.clone(),
            status: v.status.into(),
            created_at: d.created_at,
            shipping_method_name: v.shipping_method_name.clone(),
            shipping: money(v.shipping),
            shipping_tax: money(v.shipping_tax),
            subtotal: money(v.subtotal),
            discount: money(v.discount),
            tax: money(v.tax),
            total: money(v.total),
            lines: d.lines.iter().map(|l| line(l, d.currency)).collect(),
            vendor_id: ids::encode(v.vendor_id),
            key: (v.vendor_id, v.id),
            address: if ships(access) { d.shipping_address.clone().map(Into::into) } else { None },
        }
    }
}

/// Filters for `vendorOrders`; all given filters must match.
#[derive(InputObject, Clone, Default)]
pub struct VendorOrderFilterInput {
    /// Vendor orders in these statuses.
    pub statuses: Option<Vec<OrderStatus>>,
    /// Placed at or after.
    pub created_from: Option<DateTime<Utc>>,
    /// Placed before.
    pub created_to: Option<DateTime<Utc>>,
}

/// Extra fields on vendor order connections.
pub struct VendorOrderConnectionFields {
    vendor: VendorId,
    filter: VendorOrderFilter,
}

#[Object]
impl VendorOrderConnectionFields {
    /// How many vendor orders match, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        ctx.state().orders.count_vendor_orders(self.vendor, &self.filter).await.or_internal()
    }
}

type VendorOrderConnection = Connection<String, VendorPanelOrder, VendorOrderConnectionFields, EmptyFields>;

/// `vendorOrders`: a vendor's vendor orders, newest first.
pub(super) async fn vendor_orders(
    ctx: &Context<'_>,
    vendor_id: ID,
    first: Option<i32>,
    after: Option<String>,
    filter: Option<VendorOrderFilterInput>,
) -> async_graphql::Result<VendorOrderConnection> {
    let vendor = ids::arg::<VendorId>(&vendor_id)?;
    let page_req = page(first, after)?;
    let f = filter.unwrap_or_default();
    let filter = VendorOrderFilter {
        statuses: f.statuses.unwrap_or_default().into_iter().map(Into::into).collect(),
        created_from: f.created_from,
        created_to: f.created_to,
    };
    let (result, access) =
        ctx.state().orders.vendor_orders(ctx.rcx(), vendor, &filter, &page_req).await.map_err(|e| {
            match e {
                // An unknown vendor is not a user error of a query: the caller may not read it.
                OrderError::VendorOrderNotFound => top_level(OrderError::Forbidden),
                e => top_level(e),
            }
        })?;
    let page = Page {
        items: result.items.into_iter().map(|(c, d)| (c, (d, access))).collect(),
        has_next_page: result.has_next_page,
    };
    Ok(connection(&page_req, page, VendorOrderConnectionFields { vendor, filter }))
}

/// `node(id:)` for a vendor order ID: the vendor panel view, for staff and the vendor's
/// members; null for everyone else.
pub async fn vendor_order_node(ctx: &Context<'_>, id: VendorOrderId) -> Option<VendorPanelOrder> {
    ctx.state().orders.vendor_order(ctx.rcx(), id).await.ok().map(Into::into)
}

/// `node(id:)` for a fulfilment ID: for staff and the vendor's members; null for everyone else.
pub async fn fulfillment_node(ctx: &Context<'_>, id: FulfillmentId) -> Option<Fulfillment> {
    ctx.state().orders.fulfillment(ctx.rcx(), id).await.ok().map(Into::into)
}

/// Units of an order line to ship or cancel.
#[derive(InputObject, Clone)]
pub struct VendorOrderLineInput {
    /// Global ID of a line of the vendor order.
    pub order_line_id: ID,
    /// Units: at least 1, at most what is left unshipped and uncancelled.
    pub quantity: i32,
}

/// Decodes the lines of an input (a malformed ID is a user error at its path).
pub fn lines_of(lines: &[VendorOrderLineInput]) -> Result<Vec<(OrderLineId, i64)>, OrderError> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let id = ids::decode_at::<OrderLineId>(&l.order_line_id, path(["lines", &i.to_string(), "orderLineId"]))?;
            Ok((id, i64::from(l.quantity)))
        })
        .collect()
}

/// A shipment to record.
#[derive(InputObject, Clone)]
pub struct FulfillmentCreateInput {
    /// Global ID of the vendor order shipped from: PAID or PARTIALLY_FULFILLED.
    pub vendor_order_id: ID,
    /// Lines of that vendor order and the units shipped now (partial shipments are fine).
    pub lines: Vec<VendorOrderLineInput>,
    /// The carrier, at most 100 characters.
    pub carrier: Option<String>,
    /// The tracking number, at most 100 characters.
    pub tracking_number: Option<String>,
    /// An http(s) URL to follow the parcel.
    pub tracking_url: Option<String>,
}

/// Changes to a shipment; omitted fields stay, an empty string clears one.
#[derive(InputObject, Clone)]
pub struct FulfillmentUpdateInput {
    /// Global ID of the fulfilment.
    pub id: ID,
    /// The carrier, at most 100 characters.
    pub carrier: Option<String>,
    /// The tracking number, at most 100 characters.
    pub tracking_number: Option<String>,
    /// An http(s) URL to follow the parcel.
    pub tracking_url: Option<String>,
    /// `true`: delivered (sets `deliveredAt`); `false`: back to shipped.
    pub delivered: Option<bool>,
}

/// Result of `fulfillmentCreate`.
#[derive(SimpleObject)]
pub struct FulfillmentCreatePayload {
    /// The shipment recorded; null when `userErrors` is not empty.
    pub fulfillment: Option<Fulfillment>,
    /// The vendor order after it.
    pub vendor_order: Option<VendorPanelOrder>,
    /// What was wrong; empty on success.
    pub user_errors: Vec<OrderUserError>,
}

payload_type!(
    FulfillmentCreatePayload {
        fulfillment: model::Fulfillment,
        vendor_order: (model::VendorOrderDetail, VendorAccess)
    },
    OrderUserError
);

/// Result of `fulfillmentUpdate`.
#[derive(SimpleObject)]
pub struct FulfillmentUpdatePayload {
    /// The shipment after the change; null when `userErrors` is not empty.
    pub fulfillment: Option<Fulfillment>,
    /// What was wrong; empty on success.
    pub user_errors: Vec<OrderUserError>,
}

payload_type!(FulfillmentUpdatePayload { fulfillment: model::Fulfillment }, OrderUserError);

/// Result of vendor order mutations (`vendorOrderLinesCancel`).
#[derive(SimpleObject)]
pub struct VendorPanelOrderPayload {
    /// The vendor order after the change; null when `userErrors` is not empty.
    pub vendor_order: Option<VendorPanelOrder>,
    /// What was wrong; empty on success.
    pub user_errors: Vec<OrderUserError>,
}

payload_type!(VendorPanelOrderPayload { vendor_order: (model::VendorOrderDetail, VendorAccess) }, OrderUserError);

pub(super) async fn fulfillment_create(
    ctx: &Context<'_>,
    input: FulfillmentCreateInput,
) -> async_graphql::Result<FulfillmentCreatePayload> {
    let r = async {
        let vendor_order_id = ids::decode_at::<VendorOrderId>(&input.vendor_order_id, path(["vendorOrderId"]))?;
        let new = NewFulfillment {
            vendor_order_id,
            lines: lines_of(&input.lines)?,
            tracking: Tracking {
                carrier: input.carrier,
                tracking_number: input.tracking_number,
                tracking_url: input.tracking_url,
            },
        };
        let (f, d, access) = ctx.state().orders.fulfillment_create(ctx.rcx(), new).await?;
        Ok::<_, OrderError>((f, (d, access)))
    }
    .await;
    payload(r)
}

pub(super) async fn fulfillment_update(
    ctx: &Context<'_>,
    input: FulfillmentUpdateInput,
) -> async_graphql::Result<FulfillmentUpdatePayload> {
    let r = async {
        let id = ids::decode_at::<FulfillmentId>(&input.id, path(["id"]))?;
        let tracking = Tracking {
            carrier: input.carrier,
            tracking_number: input.tracking_number,
            tracking_url: input.tracking_url,
        };
        ctx.state().orders.fulfillment_update(ctx.rcx(), id, tracking, input.delivered).await
    }
    .await;
    payload(r)
}
