//! Paying for orders in the API.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject, dataloader::Loader};
use chrono::{DateTime, Utc};
use sea_orm::DbErr;

use crate::{
    error::path,
    graphql::{
        ContextExt,
        errors::user_error_type,
        ids,
        loaders::complete,
        money::Money,
        payload::{payload, payload_type},
    },
    orders::graphql::Order,
    payments::{
        PaymentService,
        model::{self, PaymentStatus as DomainStatus},
    },
    shared::ids::{OrderId, PaymentId},
};

/// Where a payment stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum PaymentStatus {
    /// Sent to the provider; no answer yet.
    Pending,
    /// The buyer must complete a step (3-D Secure), then call `orderPaymentConfirm`.
    RequiresAction,
    /// Paid.
    Succeeded,
    /// Declined or failed; see `failureCode`. Another attempt may be made.
    Failed,
    /// Paid, then given back because the order could no longer be paid (expired meanwhile).
    Refunded,
}

/// One payment attempt for an order.
#[derive(SimpleObject, Clone)]
pub struct OrderPayment {
    /// Global ID of the payment.
    pub id: ID,
    /// Where it stands.
    pub status: PaymentStatus,
    /// The amount charged.
    pub amount: Money,
    /// Which provider handled it (`test` for the built-in test provider).
    pub provider: String,
    /// Why it failed, in the provider's terms (e.g. `card_declined`).
    pub failure_code: Option<String>,
    /// For REQUIRES_ACTION: what the client-side SDK uses to complete the step.
    pub client_secret: Option<String>,
    /// When the attempt started.
    pub created_at: DateTime<Utc>,
}

impl From<model::Payment> for OrderPayment {
    fn from(p: model::Payment) -> Self {
        Self {
            id: ids::encode(p.id),
            status: match p.status {
                DomainStatus::Pending => PaymentStatus::Pending,
                DomainStatus::RequiresAction => PaymentStatus::RequiresAction,
                DomainStatus::Succeeded => PaymentStatus::Succeeded,
                DomainStatus::Failed => PaymentStatus::Failed,
                DomainStatus::Refunded => PaymentStatus::Refunded,
            },
            amount: p.amount.into(),
            provider: p.provider,
            failure_code: p.failure_code,
            client_secret: p.client_secret,
            created_at: p.created_at,
        }
    }
}

/// The payments of each order (`Order.payments`), one query per batch of orders.
pub struct PaymentsByOrderIdLoader(pub PaymentService);

impl Loader<OrderId> for PaymentsByOrderIdLoader {
    type Value = Vec<model::Payment>;
    type Error = Arc<DbErr>;

    #[tracing::instrument(name = "loader.payments_by_order_id", skip_all, fields(count = keys.len()))]
    async fn load(&self, keys: &[OrderId]) -> Result<HashMap<OrderId, Self::Value>, Self::Error> {
        Ok(complete(keys, self.0.by_order_ids(keys).await.map_err(Arc::new)?))
    }
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
        /// The ID is malformed or of the wrong type.
        InvalidId,
    }
}

/// Input of `orderPaymentCreate`.
#[derive(InputObject)]
pub struct OrderPaymentCreateInput {
    /// The order to pay.
    pub order_id: ID,
    /// Guests: the e-mail used at checkout.
    pub email: Option<String>,
    /// A payment-method token. With the built-in test provider: `pm_card_visa` succeeds,
    /// `pm_card_chargeDeclined` is declined, `pm_card_authenticationRequired` needs 3-D Secure.
    pub payment_method: String,
}

/// Input of `orderPaymentConfirm`.
#[derive(InputObject)]
pub struct OrderPaymentConfirmInput {
    /// The payment that required an action.
    pub payment_id: ID,
    /// Guests: the e-mail used at checkout.
    pub email: Option<String>,
}

/// Result of payment mutations.
#[derive(SimpleObject)]
pub struct OrderPaymentPayload {
    /// The payment; null when `userErrors` is not empty.
    pub payment: Option<OrderPayment>,
    /// The order after the payment; null when `userErrors` is not empty.
    pub order: Option<Order>,
    /// What went wrong; empty on success.
    pub user_errors: Vec<PaymentUserError>,
}

payload_type!(OrderPaymentPayload { payment: model::Payment, order: crate::orders::model::Order }, PaymentUserError);

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
    ) -> async_graphql::Result<OrderPaymentPayload> {
        payload(
            async {
                let order = ids::decode_at::<OrderId>(&input.order_id, path(["orderId"]))?;
                ctx.state().payments.start(ctx.rcx(), order, input.email.as_deref(), &input.payment_method).await
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
