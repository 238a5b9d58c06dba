//! Orders in the API: customers' and guests' order views, staff lists, cancel and fulfil.

mod disputes;
mod fulfilment;
mod payments;
mod refunds;

pub use fulfilment::{
    Fulfillment, FulfillmentStatus, FulfillmentsByOrderIdLoader, FulfillmentsByVendorOrderLoader, VendorOrderLineInput,
    VendorPanelOrder, VendorPanelOrderPayload, fulfillment_node, lines_of, vendor_order_node,
};

pub use disputes::{DisputeStatus, DisputesByOrderIdLoader, OrderDispute};
pub use payments::{OrderPayment, PaymentStatus, PaymentsByOrderIdLoader};
pub use refunds::{OrderPaymentState, OrderRefund, OrderRefundLine, RefundStatus, RefundsByOrderIdLoader};

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    ComplexObject, Context, Enum, ID, InputObject, Object, SimpleObject,
    connection::{Connection, EmptyFields},
    dataloader::Loader,
};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::{
    cart::graphql::MailingAddress,
    error::path,
    graphql::{
        ContextExt,
        connection::{connection, page},
        dataloader::complete,
        errors::{OrInternal, top_level, user_error_type},
        guards::RoleGuard,
        ids,
        money::Money,
        payload::{payload, payload_type},
    },
    orders::{
        OrderError, OrderService,
        model::{self, OrderFilter},
    },
    shared::role::Role,
    shared::{
        ids::{OrderId, OrderLineId, VendorId},
        money::Money as DomainMoney,
    },
    vendors::graphql::Vendor,
};

/// Where an order stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::orders::model::OrderStatus")]
pub enum OrderStatus {
    /// Placed; stock is held until `reservedUntil` while payment is awaited.
    PaymentPending,
    /// Paid; waiting to ship.
    Paid,
    /// Some units shipped.
    PartiallyFulfilled,
    /// Everything shipped.
    Fulfilled,
    /// Cancelled by the customer or staff; stock and discount usage were given back.
    Cancelled,
    /// Not paid in time; stock and discount usage were given back.
    Expired,
}

/// Who moved an order.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum OrderActor {
    /// The signed-in customer.
    Customer,
    /// A guest buyer.
    Guest,
    /// A staff member.
    Staff,
    /// Agora itself (payments, the reservation sweeper).
    System,
}

/// One status change of an order.
#[derive(SimpleObject, Clone)]
pub struct OrderHistoryEntry {
    /// The status before; null for the creation.
    pub from: Option<OrderStatus>,
    /// The status after.
    pub to: OrderStatus,
    /// Who made the change.
    pub actor: OrderActor,
    /// Global ID of the user who made it, when a user did.
    pub actor_id: Option<ID>,
    /// Why, when given.
    pub note: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A tax amount on an order line.
#[derive(SimpleObject, Clone)]
pub struct TaxLine {
    /// Display name, e.g. "VAT 20%".
    pub name: String,
    /// The rate as a fraction: `0.2` for 20 %.
    pub rate: Decimal,
    /// The amount.
    pub amount: Money,
}

/// A discount applied to an order.
#[derive(SimpleObject, Clone)]
pub struct OrderDiscount {
    /// The code, or null for an automatic promotion.
    pub code: Option<String>,
    /// How much it took off.
    pub amount: Money,
}

/// A line of an order: a snapshot taken at checkout, unaffected by later catalog changes.
#[derive(SimpleObject, Clone)]
pub struct OrderLine {
    /// Global ID of the line.
    pub id: ID,
    /// Product title at checkout.
    pub product_title: String,
    /// Variant title at checkout.
    pub variant_title: String,
    /// SKU at checkout.
    pub sku: String,
    /// Units bought.
    pub quantity: u32,
    /// Units shipped so far.
    pub fulfilled_quantity: u32,
    /// Units cancelled before shipping (given back to stock and refunded).
    pub cancelled_quantity: u32,
    /// Price of one unit.
    pub unit_price: Money,
    /// `unitPrice × quantity`.
    pub subtotal: Money,
    /// Discounts on the line.
    pub discount: Money,
    /// Tax on the line (contained in the price when the order's prices include tax).
    pub tax: Money,
    /// What the buyer paid for the line.
    pub total: Money,
    /// Tax by rate.
    pub tax_lines: Vec<TaxLine>,
    /// Global ID of the variant bought (it may have changed or been archived since).
    pub variant_id: ID,
    /// Global ID of the vendor order this line belongs to.
    pub vendor_order_id: ID,
}

/// One vendor's part of an order: its lines, shipping and totals.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct VendorOrder {
    /// Global ID of the vendor order.
    pub id: ID,
    /// Where this vendor's part stands: it follows the order's payment, cancellation and
    /// expiry, then its own shipments (PARTIALLY_FULFILLED, FULFILLED) or cancellation of all
    /// its units (CANCELLED).
    pub status: OrderStatus,
    /// The shipping method chosen for this vendor's lines.
    pub shipping_method_name: Option<String>,
    /// Shipping price.
    pub shipping: Money,
    /// Tax on shipping.
    pub shipping_tax: Money,
    /// Tax on shipping, by rate.
    pub shipping_tax_lines: Vec<TaxLine>,
    /// Sum of line subtotals.
    pub subtotal: Money,
    /// Sum of line discounts.
    pub discount: Money,
    /// Line and shipping tax.
    pub tax: Money,
    /// What this vendor's part costs.
    pub total: Money,
    /// This vendor's lines.
    pub lines: Vec<OrderLine>,
    #[graphql(skip)]
    pub vendor_id: VendorId,
}

#[ComplexObject]
impl VendorOrder {
    /// The vendor.
    async fn vendor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vendor>> {
        Ok(ctx
            .loader::<crate::vendors::graphql::VendorByIdLoader>()
            .load_one(self.vendor_id)
            .await
            .or_internal()?
            .map(Into::into))
    }
}

fn money(m: DomainMoney) -> Money {
    m.into()
}

fn tax_lines(lines: &[model::TaxLineSnapshot], currency: crate::shared::money::Currency) -> Vec<TaxLine> {
    lines
        .iter()
        .map(|t| TaxLine {
            name: t.name.clone(),
            rate: t.rate,
            amount: money(DomainMoney::from_minor(t.amount_minor, currency)),
        })
        .collect()
}

fn line(l: &model::OrderLine, currency: crate::shared::money::Currency) -> OrderLine {
    OrderLine {
        id: ids::encode(l.id),
        product_title: l.product_title.clone(),
        variant_title: l.variant_title.clone(),
        sku: l.sku.clone(),
        quantity: l.quantity,
        fulfilled_quantity: l.fulfilled_quantity,
        cancelled_quantity: l.cancelled_quantity,
        unit_price: money(l.unit_price),
        subtotal: money(l.subtotal),
        discount: money(l.discount),
        tax: money(l.tax),
        total: money(l.total),
        tax_lines: l
            .tax_lines
            .iter()
            .map(|t| TaxLine {
                name: t.name.clone(),
                rate: t.rate,
                amount: money(DomainMoney::from_minor(t.amount_minor, currency)),
            })
            .collect(),
        variant_id: ids::encode(l.variant_id),
        vendor_order_id: ids::encode(l.vendor_order_id),
    }
}

/// The status history of each order (`Order.history`), one query per batch of orders.
pub struct HistoryByOrderIdLoader(pub OrderService);

impl Loader<OrderId> for HistoryByOrderIdLoader {
    type Value = Vec<model::HistoryEntry>;
    type Error = Arc<sea_orm::DbErr>;

    #[tracing::instrument(name = "loader.history_by_order_id", skip_all, fields(count = keys.len()))]
    async fn load(&self, keys: &[OrderId]) -> Result<HashMap<OrderId, Self::Value>, Self::Error> {
        Ok(complete(keys, self.0.history_by_order_ids(keys).await.map_err(Arc::new)?))
    }
}

/// An order: what was bought, at which prices, and where it stands.
#[derive(Clone)]
pub struct Order(pub Arc<model::Order>, ID);

impl From<model::Order> for Order {
    fn from(o: model::Order) -> Self {
        let id = ids::encode(o.id);
        Self(Arc::new(o), id)
    }
}

/// An order: what was bought, at which prices, and where it stands. Lines, prices, tax and
/// addresses are a snapshot taken at checkout.
#[Object]
impl Order {
    /// Global ID of the order.
    pub async fn id(&self) -> &ID {
        &self.1
    }
    /// Human-facing reference, e.g. `AG-7K3M9Q2XPD`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Where the order stands.
    async fn status(&self) -> OrderStatus {
        self.0.status.into()
    }
    /// The buyer's e-mail.
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// Until when unpaid stock is held; after that an unpaid order expires.
    async fn reserved_until(&self) -> DateTime<Utc> {
        self.0.reserved_until
    }
    /// Whether amounts include tax.
    async fn prices_include_tax(&self) -> bool {
        self.0.prices_include_tax
    }
    /// Sum of line subtotals.
    async fn subtotal(&self) -> Money {
        money(self.0.subtotal)
    }
    /// Sum of discounts.
    async fn discounts(&self) -> Money {
        money(self.0.discount)
    }
    /// Sum of shipping.
    async fn shipping(&self) -> Money {
        money(self.0.shipping)
    }
    /// Sum of tax.
    async fn tax(&self) -> Money {
        money(self.0.tax)
    }
    /// What the buyer pays.
    async fn total(&self) -> Money {
        money(self.0.total)
    }
    /// Discounts applied.
    async fn applied_discounts(&self) -> Vec<OrderDiscount> {
        self.0
            .discounts
            .iter()
            .map(|d| OrderDiscount {
                code: d.code.clone(),
                amount: money(DomainMoney::from_minor(d.amount_minor, self.0.currency)),
            })
            .collect()
    }
    /// Where it ships.
    async fn shipping_address(&self) -> Option<MailingAddress> {
        self.0.shipping_address.clone().map(Into::into)
    }
    /// Where the invoice goes.
    async fn billing_address(&self) -> Option<MailingAddress> {
        self.0.billing_address.clone().map(Into::into)
    }
    /// All lines, in cart order.
    async fn lines(&self) -> Vec<OrderLine> {
        self.0.lines.iter().map(|l| line(l, self.0.currency)).collect()
    }
    /// One part per vendor, each with its own lines, shipping and totals.
    async fn vendor_orders(&self) -> Vec<VendorOrder> {
        self.0
            .vendor_orders
            .iter()
            .map(|v| VendorOrder {
                id: ids::encode(v.id),
                status: v.status.into(),
                shipping_method_name: v.shipping_method_name.clone(),
                shipping: money(v.shipping),
                shipping_tax: money(v.shipping_tax),
                shipping_tax_lines: tax_lines(&v.shipping_tax_lines, self.0.currency),
                subtotal: money(v.subtotal),
                discount: money(v.discount),
                tax: money(v.tax),
                total: money(v.total),
                lines: self
                    .0
                    .lines
                    .iter()
                    .filter(|l| l.vendor_order_id == v.id)
                    .map(|l| line(l, self.0.currency))
                    .collect(),
                vendor_id: v.vendor_id,
            })
            .collect()
    }
    /// Shipments, oldest first, each with its carrier, tracking and lines.
    async fn fulfillments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Fulfillment>> {
        let list = ctx.loader::<FulfillmentsByOrderIdLoader>().load_one(self.0.id).await.or_internal()?;
        Ok(list.unwrap_or_default().into_iter().map(Into::into).collect())
    }
    /// Status changes, oldest first.
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrderHistoryEntry>> {
        let entries = ctx.loader::<HistoryByOrderIdLoader>().load_one(self.0.id).await.or_internal()?;
        Ok(entries
            .unwrap_or_default()
            .into_iter()
            .map(|e| OrderHistoryEntry {
                from: e.from.map(Into::into),
                to: e.to.into(),
                actor: match e.actor_kind {
                    model::ActorKind::Customer => OrderActor::Customer,
                    model::ActorKind::Guest => OrderActor::Guest,
                    model::ActorKind::Staff => OrderActor::Staff,
                    model::ActorKind::System => OrderActor::System,
                },
                actor_id: e.actor_id.map(ids::encode),
                note: e.note,
                created_at: e.created_at,
            })
            .collect())
    }
    /// Payment attempts, oldest first.
    async fn payments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrderPayment>> {
        let list = ctx.loader::<PaymentsByOrderIdLoader>().load_one(self.0.id).await.or_internal()?;
        Ok(list.unwrap_or_default().into_iter().map(Into::into).collect())
    }
    /// Disputes (chargebacks) the buyer's bank opened against the order's payments, oldest first.
    async fn disputes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrderDispute>> {
        let list = ctx.loader::<DisputesByOrderIdLoader>().load_one(self.0.id).await.or_internal()?;
        Ok(list.unwrap_or_default().into_iter().map(Into::into).collect())
    }
    /// Whether a dispute on the order is open (see `disputes`): its money is held back.
    async fn disputed(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let list = ctx.loader::<DisputesByOrderIdLoader>().load_one(self.0.id).await.or_internal()?;
        Ok(list.unwrap_or_default().iter().any(|d| d.status.is_open()))
    }
    /// Refunds, oldest first, whatever their outcome: a FAILED one shows its `failureCode`.
    async fn refunds(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OrderRefund>> {
        Ok(refunds::refunds(ctx, &self.0).await?.into_iter().map(Into::into).collect())
    }
    /// What succeeded refunds gave back.
    async fn refunded_amount(&self, ctx: &Context<'_>) -> async_graphql::Result<Money> {
        Ok(refunds::state(ctx, &self.0).await?.1)
    }
    /// Where the order stands with its money: from its succeeded payments and refunds.
    async fn payment_state(&self, ctx: &Context<'_>) -> async_graphql::Result<OrderPaymentState> {
        Ok(refunds::state(ctx, &self.0).await?.0)
    }
    /// When the order was placed.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

user_error_type! {
    /// A problem with the input of an order mutation.
    OrderUserError,
    /// Why an order mutation was refused.
    OrderErrorCode mirrors crate::orders::error::Code {
        /// No order with this id (or not yours).
        OrderNotFound,
        /// The order is already shipped, finished, or otherwise past cancelling.
        CannotCancel,
        /// Only paid orders (vendor orders PAID or PARTIALLY_FULFILLED) can be fulfilled.
        CannotFulfil,
        /// No line with this id in the order.
        LineNotFound,
        /// The quantity is zero or more than is left to ship.
        InvalidQuantity,
        /// The ID is malformed or of the wrong type.
        InvalidId,
        /// The order changed meanwhile; reload and try again.
        Conflict,
        /// No vendor order with this id.
        VendorOrderNotFound,
        /// No fulfilment with this id.
        FulfillmentNotFound,
        /// A carrier or tracking number longer than 100 characters, or a tracking URL that is not http(s).
        InvalidTracking,
        /// The reason is longer than 500 characters.
        InvalidReason,
        /// The input names no line.
        NoLines,
    }
}

/// Result of order mutations.
#[derive(SimpleObject)]
pub struct OrderPayload {
    /// The order after the change; null when `userErrors` is not empty.
    pub order: Option<Order>,
    /// What was wrong; empty on success.
    pub user_errors: Vec<OrderUserError>,
}

payload_type!(OrderPayload { order: model::Order }, OrderUserError);

/// Filters for staff order lists; all given filters must match.
#[derive(InputObject, Clone, Default)]
pub struct OrderFilterInput {
    /// Orders in these statuses.
    pub status: Option<Vec<OrderStatus>>,
    /// Placed at or after.
    pub created_from: Option<DateTime<Utc>>,
    /// Placed before.
    pub created_to: Option<DateTime<Utc>>,
    /// Orders with a part sold by this vendor.
    pub vendor_id: Option<ID>,
    /// The buyer's e-mail.
    pub customer_email: Option<String>,
}

/// A filter argument, its vendor ID checked as an argument (top-level `BAD_USER_INPUT`).
impl TryFrom<OrderFilterInput> for OrderFilter {
    type Error = async_graphql::Error;
    fn try_from(f: OrderFilterInput) -> async_graphql::Result<Self> {
        Ok(OrderFilter {
            customer_id: None,
            statuses: f.status.unwrap_or_default().into_iter().map(Into::into).collect(),
            created_from: f.created_from,
            created_to: f.created_to,
            vendor_id: f.vendor_id.as_ref().map(ids::arg::<VendorId>).transpose()?,
            email: f.customer_email,
        })
    }
}

/// Units of an order line to ship.
#[derive(InputObject, Clone)]
pub struct OrderFulfilLineInput {
    /// The order line.
    pub line_id: ID,
    /// Units shipped now.
    pub quantity: u32,
}

/// Extra fields on order connections.
pub struct OrderConnectionFields {
    filter: OrderFilter,
}

#[Object]
impl OrderConnectionFields {
    /// How many orders match, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        ctx.state().orders.count(&self.filter).await.or_internal()
    }
}

type OrderConnection = Connection<String, Order, OrderConnectionFields, EmptyFields>;

#[derive(Default)]
pub struct OrderQuery;

#[Object]
impl OrderQuery {
    /// Orders, newest first: a customer sees their own; staff see all and may filter.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
        #[graphql(desc = "Staff only (customers see their own orders).")] filter: Option<OrderFilterInput>,
    ) -> async_graphql::Result<OrderConnection> {
        let page = page(first, after)?;
        let filter = filter.unwrap_or_default().try_into()?;
        let (result, filter) = ctx.state().orders.list(ctx.rcx(), filter, &page).await.map_err(top_level)?;
        Ok(connection(&page, result, OrderConnectionFields { filter }))
    }

    /// An order by id: staff any order; a customer their own; a guest with the order's
    /// e-mail. Missing and not-yours both answer FORBIDDEN, so order ids cannot be probed.
    async fn order(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(desc = "Guests: the e-mail used at checkout.")] email: Option<String>,
    ) -> async_graphql::Result<Option<Order>> {
        let id = ids::arg::<OrderId>(&id)?;
        Ok(ctx.state().orders.get(ctx.rcx(), id, email.as_deref()).await.map_err(top_level)?.map(Into::into))
    }

    /// A vendor's vendor orders, newest first, as its vendor panel shows them: for the vendor's
    /// members (any role) and staff. Each carries only this vendor's lines; the buyer's address
    /// only for roles that ship.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn vendor_orders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The vendor acted for.")] vendor_id: ID,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
        filter: Option<fulfilment::VendorOrderFilterInput>,
    ) -> async_graphql::Result<Connection<String, VendorPanelOrder, fulfilment::VendorOrderConnectionFields, EmptyFields>>
    {
        fulfilment::vendor_orders(ctx, vendor_id, first, after, filter).await
    }
}

#[derive(Default)]
pub struct OrderMutation;

#[Object]
impl OrderMutation {
    /// Records shipped units of a paid order (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn order_fulfil(
        &self,
        ctx: &Context<'_>,
        order_id: ID,
        lines: Vec<OrderFulfilLineInput>,
    ) -> async_graphql::Result<OrderPayload> {
        let id = ids::arg::<OrderId>(&order_id)?;
        let parsed: Result<Vec<_>, OrderError> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let line = ids::decode_at::<OrderLineId>(&l.line_id, path(["lines", &i.to_string(), "lineId"]))?;
                Ok((line, l.quantity))
            })
            .collect();
        payload(async { ctx.state().orders.fulfil(ctx.rcx(), id, parsed?).await }.await)
    }

    /// Records a shipment of units of one vendor order's lines, with carrier and tracking: for
    /// the vendor's OWNER and FULFILLMENT members, and staff. Partial shipments are fine; never
    /// more than ordered less shipped and cancelled. The vendor order must be PAID or
    /// PARTIALLY_FULFILLED (a suspended vendor still ships its open orders).
    async fn fulfillment_create(
        &self,
        ctx: &Context<'_>,
        input: fulfilment::FulfillmentCreateInput,
    ) -> async_graphql::Result<fulfilment::FulfillmentCreatePayload> {
        fulfilment::fulfillment_create(ctx, input).await
    }

    /// Changes a shipment's carrier or tracking, or marks it delivered: for the vendor's OWNER
    /// and FULFILLMENT members, and staff.
    async fn fulfillment_update(
        &self,
        ctx: &Context<'_>,
        input: fulfilment::FulfillmentUpdateInput,
    ) -> async_graphql::Result<fulfilment::FulfillmentUpdatePayload> {
        fulfilment::fulfillment_update(ctx, input).await
    }
}
