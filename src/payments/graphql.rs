//! Paying for orders in the API.

mod refunds;

pub use refunds::OrderRefundMutation;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use crate::{
    error::path,
    graphql::{
        ContextExt,
        errors::user_error_type,
        ids,
        payload::{Payload, payload, payload_type},
    },
    orders::graphql::{Order, OrderPayload, OrderPayment, VendorOrderLineInput, VendorPanelOrderPayload, lines_of},
    payments::service::Started,
    shared::ids::{OrderId, PaymentId, VendorOrderId},
};

/// Units of a vendor order's lines to cancel before they ship.
#[derive(InputObject, Clone)]
pub struct VendorOrderLinesCancelInput {
    /// Global ID of the vendor order: PAID or PARTIALLY_FULFILLED.
    pub vendor_order_id: ID,
    /// Lines of that vendor order and the unshipped units to cancel.
    pub lines: Vec<VendorOrderLineInput>,
    /// Why (at most 500 characters); kept in the order history, the audit log and the refund.
    pub reason: Option<String>,
}

user_error_type! {
    /// A problem with a payment.
    PaymentUserError,
    /// Why a payment was refused.
    PaymentErrorCode mirrors crate::payments::error::Code {
        /// No order with this id (or not yours).
        OrderNotFound,
        /// The order is paid, expired or cancelled.
        OrderNotPayable,
        /// The payment-method token is not valid.
        InvalidPaymentMethod,
        /// The provider declined the payment; try another method.
        PaymentDeclined,
        /// Another payment for this order is being made.
        PaymentInProgress,
        /// No payment with this id.
        PaymentNotFound,
        /// The payment does not need confirming.
        NotConfirmable,
        /// The payment provider could not be reached. Calling again is safe: the same attempt
        /// is retried under its idempotency key, so the buyer is never charged twice.
        ProviderUnavailable,
        /// The ID is malformed or of the wrong type.
        InvalidId,
        /// Refunds: the order has no succeeded payment.
        NotRefundable,
        /// Refunds: more than is left to refund (captured minus refunded, refunds in flight
        /// included).
        AmountTooLarge,
        /// Refunds: the amount is zero, negative or more precise than the currency.
        InvalidAmount,
        /// Refunds: no such line in the order, a line named twice, or zero units.
        InvalidLine,
        /// Refunds: more units than were ordered and not refunded yet.
        QuantityTooLarge,
        /// Refunds: this idempotency key was used for a different request.
        IdempotencyKeyReused,
        /// Refunds: idempotency keys are 1 to 200 printable characters.
        InvalidIdempotencyKey,
    }
}

/// Input of `orderPaymentCreate`.
#[derive(InputObject)]
pub struct OrderPaymentCreateInput {
    /// The order to pay.
    pub order_id: ID,
    /// Guests: the e-mail used at checkout.
    pub email: Option<String>,
    /// A payment-method id or token for server-side confirmation (Stripe: `pm_…` from
    /// Stripe.js / the mobile SDK; card data never reaches Agora). Omit it for client-side
    /// confirmation: the payment comes back REQUIRES_PAYMENT_METHOD with its `clientSecret`,
    /// and the storefront confirms it with the provider's SDK and `publishableKey`.
    /// With the built-in test provider: `pm_card_visa` succeeds, `pm_card_chargeDeclined` is
    /// declined, `pm_card_authenticationRequired` needs 3-D Secure.
    pub payment_method: Option<String>,
}

/// Input of `orderPaymentConfirm`.
#[derive(InputObject)]
pub struct OrderPaymentConfirmInput {
    /// The payment that required an action.
    pub payment_id: ID,
    /// Guests: the e-mail used at checkout.
    pub email: Option<String>,
}

/// Result of `orderPaymentCreate`.
#[derive(SimpleObject)]
pub struct OrderPaymentCreatePayload {
    /// The order's live payment attempt (a repeated call returns the same one); null when
    /// `userErrors` is not empty.
    pub payment: Option<OrderPayment>,
    /// The order after the payment; null when `userErrors` is not empty.
    pub order: Option<Order>,
    /// The attempt that was waiting for the buyer with another payment method (3-D Secure,
    /// client-side confirmation) and was cancelled at the provider to make room for this one.
    pub cancelled_payment: Option<OrderPayment>,
    /// The provider's publishable key for client-side confirmation (Stripe.js
    /// `loadStripe(publishableKey)`), when the provider has one.
    pub publishable_key: Option<String>,
    /// What went wrong; empty on success.
    pub user_errors: Vec<PaymentUserError>,
}

impl Payload for OrderPaymentCreatePayload {
    type Item = Started;
    type UserError = PaymentUserError;
    fn ok(s: Started) -> Self {
        Self {
            payment: Some(s.payment.into()),
            order: Some(s.order.into()),
            cancelled_payment: s.cancelled.map(Into::into),
            publishable_key: s.publishable_key,
            user_errors: vec![],
        }
    }
    fn errors(user_errors: Vec<PaymentUserError>) -> Self {
        Self { payment: None, order: None, cancelled_payment: None, publishable_key: None, user_errors }
    }
}

/// Result of `orderPaymentConfirm`.
#[derive(SimpleObject)]
pub struct OrderPaymentPayload {
    /// The payment; null when `userErrors` is not empty.
    pub payment: Option<OrderPayment>,
    /// The order after the payment; null when `userErrors` is not empty.
    pub order: Option<Order>,
    /// What went wrong; empty on success.
    pub user_errors: Vec<PaymentUserError>,
}

payload_type!(
    OrderPaymentPayload { payment: crate::orders::model::Payment, order: crate::orders::model::Order },
    PaymentUserError
);

#[derive(Default)]
pub struct PaymentMutation;

#[Object]
impl PaymentMutation {
    /// Pays an order awaiting payment. On success the order is PAID; a payment needing 3-D
    /// Secure comes back REQUIRES_ACTION with a `clientSecret`, to finish with
    /// `orderPaymentConfirm`.
    async fn order_payment_create(
        &self,
        ctx: &Context<'_>,
        input: OrderPaymentCreateInput,
    ) -> async_graphql::Result<OrderPaymentCreatePayload> {
        payload(
            async {
                let order = ids::decode_at::<OrderId>(&input.order_id, path(["orderId"]))?;
                ctx.state()
                    .payments
                    .start(ctx.rcx(), order, input.email.as_deref(), input.payment_method.as_deref())
                    .await
            }
            .await,
        )
    }

    /// Completes a payment that required an action (3-D Secure).
    async fn order_payment_confirm(
        &self,
        ctx: &Context<'_>,
        input: OrderPaymentConfirmInput,
    ) -> async_graphql::Result<OrderPaymentPayload> {
        payload(
            async {
                let payment = ids::decode_at::<PaymentId>(&input.payment_id, path(["paymentId"]))?;
                ctx.state().payments.confirm(ctx.rcx(), payment, input.email.as_deref()).await
            }
            .await,
        )
    }
}

/// `orderCancel`: a payments use case (a paid order is refunded), listed in the schema with the
/// order mutations.
#[derive(Default)]
pub struct OrderCancelMutation;

#[Object]
impl OrderCancelMutation {
    /// Cancels an order before it ships: the customer (or a guest with the order e-mail), or
    /// staff with a note. Stock and discount usage are given back, and a paid order is
    /// refunded.
    async fn order_cancel(
        &self,
        ctx: &Context<'_>,
        order_id: ID,
        #[graphql(desc = "Guests: the e-mail used at checkout.")] email: Option<String>,
        #[graphql(desc = "Why; kept in the order history.")] note: Option<String>,
    ) -> async_graphql::Result<OrderPayload> {
        let id = ids::arg::<OrderId>(&order_id)?;
        let note = note.map(|n| n.chars().take(500).collect());
        payload(ctx.state().payments.cancel_order(ctx.rcx(), id, email.as_deref(), note).await)
    }

    /// Cancels unshipped units of a vendor order's lines (the vendor's OWNER and FULFILLMENT
    /// members, and staff): the units go back to stock and, when the order was paid, their
    /// value is refunded (shipping stays). The vendor order becomes CANCELLED when nothing was
    /// shipped and nothing is left, FULFILLED when the rest has shipped; the order follows.
    async fn vendor_order_lines_cancel(
        &self,
        ctx: &Context<'_>,
        input: VendorOrderLinesCancelInput,
    ) -> async_graphql::Result<VendorPanelOrderPayload> {
        let r = async {
            let id = ids::decode_at::<VendorOrderId>(&input.vendor_order_id, path(["vendorOrderId"]))?;
            let lines = lines_of(&input.lines)?;
            ctx.state().payments.vendor_order_lines_cancel(ctx.rcx(), id, lines, input.reason).await
        }
        .await;
        payload(r)
    }
}
