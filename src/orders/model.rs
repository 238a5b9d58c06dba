//! Orders and the order state machine.

use chrono::{DateTime, Utc};
use rand::Rng;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::shared::{
    address::Address,
    ids::{
        CartId, DiscountId, FulfillmentId, OrderId, OrderLineId, PaymentId, ProductId, RefundId, ShippingMethodId,
        UserId, VariantId, VendorId, VendorOrderId,
    },
    money::{Currency, Money},
};

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    PaymentPending,
    Paid,
    PartiallyFulfilled,
    Fulfilled,
    Cancelled,
    Expired,
}

/// What can happen to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderEvent {
    PaymentSucceeded,
    /// Some units shipped; `complete` when every line is now fully shipped.
    Fulfilled {
        complete: bool,
    },
    Cancel,
    /// The reservation ran out before payment.
    Expire,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an order that is {from:?} cannot take {event:?}")]
pub struct IllegalTransition {
    pub from: OrderStatus,
    pub event: OrderEvent,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 6] = [
        OrderStatus::PaymentPending,
        OrderStatus::Paid,
        OrderStatus::PartiallyFulfilled,
        OrderStatus::Fulfilled,
        OrderStatus::Cancelled,
        OrderStatus::Expired,
    ];

    /// The only way to move an order: anything not listed here is illegal.
    pub fn apply(self, event: OrderEvent) -> Result<OrderStatus, IllegalTransition> {
        use OrderEvent as E;
        use OrderStatus as S;
        match (self, event) {
            (S::PaymentPending, E::PaymentSucceeded) => Ok(S::Paid),
            (S::PaymentPending, E::Expire) => Ok(S::Expired),
            (S::PaymentPending | S::Paid, E::Cancel) => Ok(S::Cancelled),
            (S::Paid | S::PartiallyFulfilled, E::Fulfilled { complete: false }) => Ok(S::PartiallyFulfilled),
            (S::Paid | S::PartiallyFulfilled, E::Fulfilled { complete: true }) => Ok(S::Fulfilled),
            (from, event) => Err(IllegalTransition { from, event }),
        }
    }

    /// No event leaves these.
    pub fn is_final(self) -> bool {
        matches!(self, OrderStatus::Fulfilled | OrderStatus::Cancelled | OrderStatus::Expired)
    }

    /// Whether the order's units are held (reserved) in stock.
    pub fn holds_stock(self) -> bool {
        matches!(self, OrderStatus::PaymentPending | OrderStatus::Paid | OrderStatus::PartiallyFulfilled)
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            OrderStatus::PaymentPending => "PAYMENT_PENDING",
            OrderStatus::Paid => "PAID",
            OrderStatus::PartiallyFulfilled => "PARTIALLY_FULFILLED",
            OrderStatus::Fulfilled => "FULFILLED",
            OrderStatus::Cancelled => "CANCELLED",
            OrderStatus::Expired => "EXPIRED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Who moved an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    Customer,
    Guest,
    Staff,
    System,
}

impl ActorKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            ActorKind::Customer => "CUSTOMER",
            ActorKind::Guest => "GUEST",
            ActorKind::Staff => "STAFF",
            ActorKind::System => "SYSTEM",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [ActorKind::Customer, ActorKind::Guest, ActorKind::Staff, ActorKind::System]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// A tax amount kept on an order line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxLineSnapshot {
    pub name: String,
    pub rate: Decimal,
    pub amount_minor: i64,
}

/// A discount applied to the order, kept for display and for releasing its usage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDiscount {
    pub discount_id: DiscountId,
    pub code: Option<String>,
    pub amount_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLine {
    pub id: OrderLineId,
    pub vendor_order_id: VendorOrderId,
    pub variant_id: VariantId,
    pub product_id: ProductId,
    pub product_title: String,
    pub variant_title: String,
    pub sku: String,
    pub quantity: u32,
    pub fulfilled_quantity: u32,
    /// Units cancelled before shipping (given back to stock and refunded).
    pub cancelled_quantity: u32,
    pub unit_price: Money,
    pub subtotal: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
    pub tax_lines: Vec<TaxLineSnapshot>,
    pub position: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorOrder {
    pub id: VendorOrderId,
    pub vendor_id: VendorId,
    /// Set to the order's status at checkout, then moved by [`vendor_order_progress`].
    pub status: OrderStatus,
    pub shipping_method_id: Option<ShippingMethodId>,
    pub shipping_method_name: Option<String>,
    pub shipping: Money,
    pub shipping_tax: Money,
    pub shipping_tax_lines: Vec<TaxLineSnapshot>,
    pub subtotal: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub id: OrderId,
    /// Human-facing reference, random so order volumes cannot be read from it.
    pub code: String,
    pub customer_id: Option<UserId>,
    pub email: String,
    pub status: OrderStatus,
    pub currency: Currency,
    pub prices_include_tax: bool,
    pub subtotal: Money,
    pub discount: Money,
    pub shipping: Money,
    pub tax: Money,
    pub total: Money,
    pub shipping_address: Option<Address>,
    pub billing_address: Option<Address>,
    pub discounts: Vec<OrderDiscount>,
    pub cart_id: CartId,
    pub reserved_until: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub vendor_orders: Vec<VendorOrder>,
    pub lines: Vec<OrderLine>,
}

impl OrderLine {
    /// Units neither shipped nor cancelled.
    pub fn open_quantity(&self) -> u32 {
        self.quantity.saturating_sub(self.fulfilled_quantity).saturating_sub(self.cancelled_quantity)
    }
}

/// The units of one order line, as the vendor order state machine sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineUnits {
    pub quantity: u32,
    pub fulfilled: u32,
    pub cancelled: u32,
}

impl From<&OrderLine> for LineUnits {
    fn from(l: &OrderLine) -> Self {
        Self { quantity: l.quantity, fulfilled: l.fulfilled_quantity, cancelled: l.cancelled_quantity }
    }
}

/// The vendor order state machine. A vendor order shares the order's statuses: it is
/// PAYMENT_PENDING at checkout and follows the order's payment, cancellation and expiry (set in
/// the same transaction). Once paid, its own lines move it: after units of its lines were
/// shipped or cancelled, it is
/// - CANCELLED when nothing is left to ship and nothing was shipped (every unit cancelled),
/// - FULFILLED when nothing is left to ship and something was shipped,
/// - PARTIALLY_FULFILLED when something was shipped and something is left,
/// - PAID otherwise (only cancellations, some units left).
///
/// `None` when `from` does not take shipments or cancellations of lines (not PAID or
/// PARTIALLY_FULFILLED).
pub fn vendor_order_progress(from: OrderStatus, lines: &[LineUnits]) -> Option<OrderStatus> {
    if !matches!(from, OrderStatus::Paid | OrderStatus::PartiallyFulfilled) {
        return None;
    }
    let shipped: u64 = lines.iter().map(|l| u64::from(l.fulfilled)).sum();
    let open: u64 =
        lines.iter().map(|l| u64::from(l.quantity.saturating_sub(l.fulfilled).saturating_sub(l.cancelled))).sum();
    Some(match (open, shipped) {
        (0, 0) => OrderStatus::Cancelled,
        (0, _) => OrderStatus::Fulfilled,
        (_, 0) => OrderStatus::Paid,
        _ => OrderStatus::PartiallyFulfilled,
    })
}

/// The order's status derived from its vendor orders' statuses:
/// - all the same status → that status (all PAID → PAID, all CANCELLED → CANCELLED, …);
/// - every one FULFILLED or CANCELLED (at least one FULFILLED) → FULFILLED;
/// - any FULFILLED or PARTIALLY_FULFILLED (something shipped) → PARTIALLY_FULFILLED;
/// - otherwise (PAID beside CANCELLED ones) → PAID.
///
/// `None` for an order without vendor orders (nothing to derive from).
pub fn derive_order_status(vendor_orders: &[OrderStatus]) -> Option<OrderStatus> {
    use OrderStatus as S;
    let first = *vendor_orders.first()?;
    if vendor_orders.iter().all(|s| *s == first) {
        return Some(first);
    }
    if vendor_orders.iter().all(|s| matches!(s, S::Fulfilled | S::Cancelled)) {
        return Some(S::Fulfilled);
    }
    if vendor_orders.iter().any(|s| matches!(s, S::Fulfilled | S::PartiallyFulfilled)) {
        return Some(S::PartiallyFulfilled);
    }
    Some(S::Paid)
}

/// The order event that moves an order from `from` to `to` after shipments or cancellations of
/// lines; `None` when there is none (same status, or no such move).
pub fn progress_event(from: OrderStatus, to: OrderStatus) -> Option<OrderEvent> {
    let event = match to {
        OrderStatus::Cancelled => OrderEvent::Cancel,
        OrderStatus::Fulfilled => OrderEvent::Fulfilled { complete: true },
        OrderStatus::PartiallyFulfilled => OrderEvent::Fulfilled { complete: false },
        _ => return None,
    };
    (from != to && from.apply(event) == Ok(to)).then_some(event)
}

/// Where a shipment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FulfillmentStatus {
    /// Handed to the carrier.
    Shipped,
    /// Reported delivered.
    Delivered,
}

impl FulfillmentStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            FulfillmentStatus::Shipped => "SHIPPED",
            FulfillmentStatus::Delivered => "DELIVERED",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [FulfillmentStatus::Shipped, FulfillmentStatus::Delivered].into_iter().find(|x| x.as_str() == s)
    }
}

/// Units of one order line in a shipment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FulfillmentLine {
    pub order_line_id: OrderLineId,
    pub quantity: u32,
}

/// A shipment of units of one vendor order's lines, with its tracking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fulfillment {
    pub id: FulfillmentId,
    pub order_id: OrderId,
    pub vendor_order_id: VendorOrderId,
    pub vendor_id: VendorId,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub tracking_url: Option<String>,
    pub status: FulfillmentStatus,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub lines: Vec<FulfillmentLine>,
}

/// Carrier and tracking of a shipment, as given (trimmed; empty means none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tracking {
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub tracking_url: Option<String>,
}

/// Which tracking field is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackingField {
    Carrier,
    TrackingNumber,
    TrackingUrl,
}

impl Tracking {
    /// Trims the fields (blank becomes none) and checks them: carrier and tracking number at most
    /// 100 characters, the URL at most 2048 and `http(s)://`.
    pub fn normalized(self) -> Result<Tracking, TrackingField> {
        fn clean(v: Option<String>, max: usize, f: TrackingField) -> Result<Option<String>, TrackingField> {
            let v = v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
            match v {
                Some(s) if s.chars().count() > max || s.chars().any(char::is_control) => Err(f),
                v => Ok(v),
            }
        }
        let url = clean(self.tracking_url, 2048, TrackingField::TrackingUrl)?;
        if let Some(u) = &url {
            let lower = u.to_ascii_lowercase();
            if !(lower.starts_with("https://") || lower.starts_with("http://")) || u.contains(char::is_whitespace) {
                return Err(TrackingField::TrackingUrl);
            }
        }
        Ok(Tracking {
            carrier: clean(self.carrier, 100, TrackingField::Carrier)?,
            tracking_number: clean(self.tracking_number, 100, TrackingField::TrackingNumber)?,
            tracking_url: url,
        })
    }
}

/// One vendor's part of an order as that vendor's members see it: the vendor order with its
/// own lines, the order's code, date and currency, and the shipping address (the caller
/// decides whether to show it). Never the buyer's e-mail or other vendors' parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorOrderDetail {
    pub order_id: OrderId,
    pub order_code: String,
    pub currency: Currency,
    pub created_at: DateTime<Utc>,
    pub shipping_address: Option<Address>,
    pub vendor_order: VendorOrder,
    pub lines: Vec<OrderLine>,
}

/// Which vendor orders a vendor's list shows.
#[derive(Debug, Clone, Default)]
pub struct VendorOrderFilter {
    pub statuses: Vec<OrderStatus>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
}

/// Which orders a list shows.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub customer_id: Option<UserId>,
    pub statuses: Vec<OrderStatus>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    pub vendor_id: Option<VendorId>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub from: Option<OrderStatus>,
    pub to: OrderStatus,
    pub actor_kind: ActorKind,
    pub actor_id: Option<UserId>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A random order code such as `AG-7K3M9Q2XPD`: 10 symbols of Crockford base32 (50 bits).
pub fn new_order_code() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut rng = rand::rng();
    let tail: String = (0..10).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
    format!("AG-{tail}")
}

/// Where a payment attempt stands. It mirrors the provider's payment (a Stripe PaymentIntent):
/// the live states may follow each other as the provider reports; SUCCEEDED, FAILED, CANCELED
/// and REFUNDED are final (see [`PaymentStatus::may_become`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentStatus {
    /// Recorded; the provider has not answered yet (or its answer was lost).
    Pending,
    /// Created for client-side confirmation: the storefront confirms it with the client secret.
    RequiresPaymentMethod,
    /// The buyer must complete an extra step (3-D Secure), then `orderPaymentConfirm`.
    RequiresAction,
    /// The provider is processing it (some payment methods settle later).
    Processing,
    Succeeded,
    Failed,
    /// Cancelled at the provider before it succeeded (abandoned, replaced, or the order expired).
    Canceled,
    /// Succeeded, then given back in full.
    Refunded,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 8] = [
        Self::Pending,
        Self::RequiresPaymentMethod,
        Self::RequiresAction,
        Self::Processing,
        Self::Succeeded,
        Self::Failed,
        Self::Canceled,
        Self::Refunded,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            PaymentStatus::Pending => "PENDING",
            PaymentStatus::RequiresPaymentMethod => "REQUIRES_PAYMENT_METHOD",
            PaymentStatus::RequiresAction => "REQUIRES_ACTION",
            PaymentStatus::Processing => "PROCESSING",
            PaymentStatus::Succeeded => "SUCCEEDED",
            PaymentStatus::Failed => "FAILED",
            PaymentStatus::Canceled => "CANCELED",
            PaymentStatus::Refunded => "REFUNDED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// May still move money: an order has at most one live attempt (a unique index says so).
    pub fn is_live(self) -> bool {
        matches!(self, Self::Pending | Self::RequiresPaymentMethod | Self::RequiresAction | Self::Processing)
    }

    /// Whether a report that the payment is now `next` may move it from `self`. Live states
    /// follow the provider; money that moved is never forgotten: SUCCEEDED wins over every
    /// state but REFUNDED (a late success of a failed or cancelled attempt is still money
    /// taken, to be settled), and only refunds leave SUCCEEDED.
    pub fn may_become(self, next: PaymentStatus) -> bool {
        use PaymentStatus::*;
        if self == next {
            return false;
        }
        match (self, next) {
            (Refunded, _) => false,
            (Succeeded, Refunded) => true,
            (Succeeded, _) => false,
            (_, Succeeded) => true,
            (_, Refunded) => false,
            (Failed | Canceled, _) => false,
            (_, Pending) => false,
            _ => true,
        }
    }
}

/// One attempt to pay an order: part of the order's record, made and moved by the payments
/// slice (which depends on orders, not the other way round).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: PaymentId,
    pub order_id: OrderId,
    pub provider: String,
    pub provider_ref: Option<String>,
    pub idempotency_key: String,
    pub amount: Money,
    pub status: PaymentStatus,
    pub failure_code: Option<String>,
    /// For `RequiresAction` / `RequiresPaymentMethod`: what the client uses to complete it.
    pub client_secret: Option<String>,
    /// The payment-method token the attempt was made with (none for client-side confirmation);
    /// a retry of the attempt resends it under the same idempotency key.
    pub payment_method: Option<String>,
    /// Given back so far, or being given back (refunds in flight count).
    pub refunded: Money,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Where a dispute (chargeback) stands, as the provider reports it (Stripe's dispute statuses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisputeStatus {
    /// An inquiry (not yet a chargeback) waiting for evidence.
    WarningNeedsResponse,
    WarningUnderReview,
    /// The inquiry ended without a chargeback.
    WarningClosed,
    /// A chargeback waiting for evidence.
    NeedsResponse,
    UnderReview,
    /// Closed in the merchant's favour.
    Won,
    /// Closed in the buyer's favour: the money is gone.
    Lost,
    /// Resolved before it became a chargeback.
    Prevented,
}

impl DisputeStatus {
    pub const ALL: [DisputeStatus; 8] = [
        Self::WarningNeedsResponse,
        Self::WarningUnderReview,
        Self::WarningClosed,
        Self::NeedsResponse,
        Self::UnderReview,
        Self::Won,
        Self::Lost,
        Self::Prevented,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::WarningNeedsResponse => "WARNING_NEEDS_RESPONSE",
            Self::WarningUnderReview => "WARNING_UNDER_REVIEW",
            Self::WarningClosed => "WARNING_CLOSED",
            Self::NeedsResponse => "NEEDS_RESPONSE",
            Self::UnderReview => "UNDER_REVIEW",
            Self::Won => "WON",
            Self::Lost => "LOST",
            Self::Prevented => "PREVENTED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// Still being decided; closed statuses are final (a late "updated" never reopens one).
    pub fn is_open(self) -> bool {
        !matches!(self, Self::WarningClosed | Self::Won | Self::Lost | Self::Prevented)
    }
}

/// A dispute (chargeback or inquiry) the buyer's bank opened against one of the order's
/// payments: recorded from the provider's events, shown to staff on the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispute {
    /// The provider's id (Stripe: `dp_…`).
    pub provider_ref: String,
    pub order_id: OrderId,
    pub payment_id: PaymentId,
    /// The amount disputed (held back from the merchant while open).
    pub amount: Money,
    /// The provider's reason code (Stripe: `fraudulent`, `product_not_received`, …).
    pub reason: String,
    pub status: DisputeStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Where a refund stands. PENDING until the provider settles it; SUCCEEDED, FAILED and CANCELED
/// are final (a later report never moves a final refund).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundStatus {
    /// Requested: the amount is claimed on the payment; the provider has not settled it yet
    /// (or was unreachable, and the refund is retried with the same idempotency key).
    Pending,
    Succeeded,
    /// The provider refused it or reported it failed: its amount is refundable again.
    Failed,
    /// Cancelled at the provider: its amount is refundable again.
    Canceled,
}

impl RefundStatus {
    pub const ALL: [RefundStatus; 4] = [Self::Pending, Self::Succeeded, Self::Failed, Self::Canceled];

    pub fn as_str(&self) -> &'static str {
        match self {
            RefundStatus::Pending => "PENDING",
            RefundStatus::Succeeded => "SUCCEEDED",
            RefundStatus::Failed => "FAILED",
            RefundStatus::Canceled => "CANCELED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn is_final(self) -> bool {
        self != RefundStatus::Pending
    }

    /// Whether a report that the refund is now `next` may move it from `self`: PENDING settles
    /// either way; a SUCCEEDED refund may still fail later (Stripe: the card was closed, the
    /// money came back); FAILED and CANCELED are final.
    pub fn may_become(self, next: RefundStatus) -> bool {
        match self {
            RefundStatus::Pending => next != RefundStatus::Pending,
            RefundStatus::Succeeded => next == RefundStatus::Failed,
            RefundStatus::Failed | RefundStatus::Canceled => false,
        }
    }

    /// Whether the refund holds (or took) its amount from the payment: pending or succeeded.
    pub fn claims(self) -> bool {
        matches!(self, RefundStatus::Pending | RefundStatus::Succeeded)
    }
}

/// Units of an order line a refund covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundLine {
    pub order_line_id: OrderLineId,
    pub quantity: u32,
    /// The line's value for these units (see `payments::service::refunds`), in minor units.
    pub amount_minor: i64,
    /// Shipped units of this line put back on the shelf by this refund.
    pub restocked: u32,
}

/// Money given back for (part of) a succeeded payment: part of the order's record, made and
/// moved by the payments slice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    pub id: RefundId,
    pub order_id: OrderId,
    pub payment_id: PaymentId,
    pub provider: String,
    /// The provider's id (Stripe: `re_…`), once it answered.
    pub provider_ref: Option<String>,
    /// Sent with every provider call for this refund, so a retry never refunds twice.
    pub idempotency_key: String,
    pub amount: Money,
    /// Whether the request named the amount (otherwise it was the lines' value or the rest).
    pub amount_given: bool,
    pub reason: Option<String>,
    pub lines: Vec<RefundLine>,
    pub restock: bool,
    pub status: RefundStatus,
    /// Why it failed, in the provider's terms.
    pub failure_code: Option<String>,
    /// Provider calls made so far.
    pub attempts: u32,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Where an order stands with its money, derived from its payments and refunds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentState {
    /// No payment succeeded.
    NotPaid,
    /// Paid; nothing given back yet.
    Paid,
    /// Some, not all, of what was paid was given back.
    PartiallyRefunded,
    /// Everything paid was given back.
    Refunded,
}

/// The order's payment state and the amount refunded (succeeded refunds only): money taken is
/// what succeeded payments captured (a payment refunded in full counts too).
pub fn payment_state(payments: &[Payment], refunds: &[Refund]) -> (PaymentState, i64) {
    let captured: i64 = payments
        .iter()
        .filter(|p| matches!(p.status, PaymentStatus::Succeeded | PaymentStatus::Refunded))
        .map(|p| p.amount.to_minor().unwrap_or(0))
        .sum();
    let refunded: i64 =
        refunds.iter().filter(|r| r.status == RefundStatus::Succeeded).map(|r| r.amount.to_minor().unwrap_or(0)).sum();
    let state = match (captured, refunded) {
        (0, _) => PaymentState::NotPaid,
        (_, 0) => PaymentState::Paid,
        (c, r) if r >= c => PaymentState::Refunded,
        _ => PaymentState::PartiallyRefunded,
    };
    (state, refunded)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENTS: [OrderEvent; 5] = [
        OrderEvent::PaymentSucceeded,
        OrderEvent::Fulfilled { complete: false },
        OrderEvent::Fulfilled { complete: true },
        OrderEvent::Cancel,
        OrderEvent::Expire,
    ];

    fn paid(minor: i64, status: PaymentStatus) -> Payment {
        let now = Utc::now();
        Payment {
            id: PaymentId::new(),
            order_id: OrderId::new(),
            provider: "test".into(),
            provider_ref: None,
            idempotency_key: "k".into(),
            amount: Money::from_minor(minor, Currency::USD),
            status,
            failure_code: None,
            client_secret: None,
            payment_method: None,
            refunded: Money::from_minor(0, Currency::USD),
            created_at: now,
            updated_at: now,
        }
    }

    fn refund(minor: i64, status: RefundStatus) -> Refund {
        let now = Utc::now();
        Refund {
            id: RefundId::new(),
            order_id: OrderId::new(),
            payment_id: PaymentId::new(),
            provider: "test".into(),
            provider_ref: None,
            idempotency_key: "r".into(),
            amount: Money::from_minor(minor, Currency::USD),
            amount_given: true,
            reason: None,
            lines: vec![],
            restock: false,
            status,
            failure_code: None,
            attempts: 0,
            created_by: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn payment_state_counts_succeeded_refunds_against_captured_payments() {
        use PaymentState::*;
        let ok = paid(1000, PaymentStatus::Succeeded);
        let failed = paid(1000, PaymentStatus::Failed);
        assert_eq!(payment_state(&[], &[]), (NotPaid, 0));
        assert_eq!(payment_state(std::slice::from_ref(&failed), &[]), (NotPaid, 0));
        assert_eq!(payment_state(&[failed, ok.clone()], &[]), (Paid, 0));
        assert_eq!(payment_state(std::slice::from_ref(&ok), &[refund(400, RefundStatus::Pending)]), (Paid, 0));
        assert_eq!(
            payment_state(
                std::slice::from_ref(&ok),
                &[refund(400, RefundStatus::Succeeded), refund(600, RefundStatus::Failed)]
            ),
            (PartiallyRefunded, 400)
        );
        assert_eq!(
            payment_state(
                &[paid(1000, PaymentStatus::Refunded)],
                &[refund(400, RefundStatus::Succeeded), refund(600, RefundStatus::Succeeded)]
            ),
            (Refunded, 1000)
        );
    }

    #[test]
    fn only_pending_refunds_move_and_failed_ones_claim_nothing() {
        for s in RefundStatus::ALL {
            assert_eq!(RefundStatus::parse(s.as_str()), Some(s));
            assert_eq!(s.is_final(), s != RefundStatus::Pending);
            assert_eq!(s.claims(), matches!(s, RefundStatus::Pending | RefundStatus::Succeeded));
        }
    }

    #[test]
    fn a_refund_settles_once_and_only_a_success_may_still_fail() {
        use RefundStatus::*;
        for from in RefundStatus::ALL {
            for to in RefundStatus::ALL {
                let allowed = matches!((from, to), (Pending, Succeeded | Failed | Canceled) | (Succeeded, Failed));
                assert_eq!(from.may_become(to), allowed, "{from:?} -> {to:?}");
            }
        }
    }

    #[test]
    fn the_happy_path_is_legal() {
        let s = OrderStatus::PaymentPending.apply(OrderEvent::PaymentSucceeded).unwrap();
        let s = s.apply(OrderEvent::Fulfilled { complete: false }).unwrap();
        assert_eq!(s, OrderStatus::PartiallyFulfilled);
        assert_eq!(s.apply(OrderEvent::Fulfilled { complete: true }).unwrap(), OrderStatus::Fulfilled);
    }

    #[test]
    fn final_states_accept_no_event() {
        for s in OrderStatus::ALL.into_iter().filter(|s| s.is_final()) {
            for e in EVENTS {
                assert!(s.apply(e).is_err(), "{s:?} + {e:?}");
            }
        }
    }

    #[test]
    fn illegal_transitions_are_refused() {
        let illegal = [
            (OrderStatus::PaymentPending, OrderEvent::Fulfilled { complete: true }),
            (OrderStatus::Paid, OrderEvent::PaymentSucceeded),
            (OrderStatus::Paid, OrderEvent::Expire),
            (OrderStatus::PartiallyFulfilled, OrderEvent::Cancel),
        ];
        for (s, e) in illegal {
            assert_eq!(s.apply(e), Err(IllegalTransition { from: s, event: e }));
        }
    }

    #[test]
    fn every_status_round_trips_and_only_live_orders_hold_stock() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
            assert_eq!(s.holds_stock(), !s.is_final());
        }
    }

    fn units(q: u32, f: u32, c: u32) -> LineUnits {
        LineUnits { quantity: q, fulfilled: f, cancelled: c }
    }

    #[test]
    fn a_vendor_order_moves_with_its_lines() {
        use OrderStatus::*;
        assert_eq!(vendor_order_progress(Paid, &[units(2, 0, 0)]), Some(Paid));
        assert_eq!(vendor_order_progress(Paid, &[units(2, 1, 0)]), Some(PartiallyFulfilled));
        assert_eq!(
            vendor_order_progress(PartiallyFulfilled, &[units(2, 2, 0), units(1, 0, 0)]),
            Some(PartiallyFulfilled)
        );
        assert_eq!(vendor_order_progress(PartiallyFulfilled, &[units(2, 2, 0), units(1, 1, 0)]), Some(Fulfilled));
        assert_eq!(vendor_order_progress(Paid, &[units(2, 0, 1)]), Some(Paid));
        assert_eq!(vendor_order_progress(Paid, &[units(2, 0, 2), units(1, 0, 1)]), Some(Cancelled));
        assert_eq!(vendor_order_progress(PartiallyFulfilled, &[units(2, 1, 1)]), Some(Fulfilled));
        for from in [PaymentPending, Fulfilled, Cancelled, Expired] {
            assert_eq!(vendor_order_progress(from, &[units(1, 1, 0)]), None, "{from:?}");
        }
    }

    #[test]
    fn the_order_status_derives_from_its_vendor_orders() {
        use OrderStatus::*;
        assert_eq!(derive_order_status(&[]), None);
        assert_eq!(derive_order_status(&[Paid, Paid]), Some(Paid));
        assert_eq!(derive_order_status(&[Paid, Cancelled]), Some(Paid));
        assert_eq!(derive_order_status(&[Cancelled, Cancelled]), Some(Cancelled));
        assert_eq!(derive_order_status(&[PartiallyFulfilled, Paid]), Some(PartiallyFulfilled));
        assert_eq!(derive_order_status(&[Fulfilled, Paid]), Some(PartiallyFulfilled));
        assert_eq!(derive_order_status(&[Fulfilled, Cancelled]), Some(Fulfilled));
        assert_eq!(derive_order_status(&[Fulfilled, Fulfilled]), Some(Fulfilled));
        assert_eq!(derive_order_status(&[PaymentPending]), Some(PaymentPending));
    }

    #[test]
    fn progress_events_follow_the_order_state_machine() {
        use OrderStatus::*;
        assert_eq!(progress_event(Paid, PartiallyFulfilled), Some(OrderEvent::Fulfilled { complete: false }));
        assert_eq!(progress_event(PartiallyFulfilled, Fulfilled), Some(OrderEvent::Fulfilled { complete: true }));
        assert_eq!(progress_event(Paid, Fulfilled), Some(OrderEvent::Fulfilled { complete: true }));
        assert_eq!(progress_event(Paid, Cancelled), Some(OrderEvent::Cancel));
        assert_eq!(progress_event(Paid, Paid), None);
        assert_eq!(progress_event(PartiallyFulfilled, PartiallyFulfilled), None);
        assert_eq!(progress_event(PartiallyFulfilled, Cancelled), None);
    }

    #[test]
    fn tracking_is_trimmed_and_checked() {
        let t = Tracking { carrier: Some(" UPS ".into()), tracking_number: Some("  ".into()), tracking_url: None };
        assert_eq!(
            t.normalized(),
            Ok(Tracking { carrier: Some("UPS".into()), tracking_number: None, tracking_url: None })
        );
        let bad = Tracking { tracking_url: Some("javascript:alert(1)".into()), ..Default::default() };
        assert_eq!(bad.normalized(), Err(TrackingField::TrackingUrl));
        let long = Tracking { carrier: Some("x".repeat(101)), ..Default::default() };
        assert_eq!(long.normalized(), Err(TrackingField::Carrier));
    }

    #[test]
    fn order_codes_are_random_and_well_formed() {
        let a = new_order_code();
        assert_ne!(a, new_order_code());
        assert_eq!(a.len(), 13);
        assert!(a.starts_with("AG-"));
    }
}
