//! Staff refunds in the API: `orderRefund`.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use rust_decimal::Decimal;

use crate::{
    error::path,
    graphql::{
        ContextExt,
        guards::RoleGuard,
        ids,
        payload::{payload, payload_type},
    },
    orders::graphql::{Order, OrderRefund},
    payments::{PaymentError, graphql::PaymentUserError, service::refunds::RefundOrder},
    shared::{
        ids::{OrderId, OrderLineId},
        role::Role,
    },
};

/// Units of an order line to refund.
#[derive(InputObject)]
pub struct OrderRefundLineInput {
    /// The order line.
    pub order_line_id: ID,
    /// Units to refund: at most those ordered and not refunded yet.
    pub quantity: u32,
}

/// Input of `orderRefund`.
#[derive(InputObject)]
pub struct OrderRefundInput {
    /// The paid order.
    pub order_id: ID,
    /// How much to give back, in the order's currency. Without it: the value of `lines` (each
    /// line's total after discounts, with tax, pro rata to the units; shipping is part of no
    /// line and is refunded by amount), or, without lines either, everything not yet refunded.
    pub amount: Option<Decimal>,
    /// The lines the refund is for (recorded with it, and restocked with `restock`).
    pub lines: Option<Vec<OrderRefundLineInput>>,
    /// Why; kept with the refund and in the order history (at most 500 characters).
    pub reason: Option<String>,
    /// Put the lines' shipped units back on the shelf now (returned goods). Units not shipped
    /// are still held by the order.
    #[graphql(default = false)]
    pub restock: bool,
    /// The same key with the same input returns the same refund instead of refunding again;
    /// with a different input it is refused (`IDEMPOTENCY_KEY_REUSED`). 1 to 200 characters.
    pub idempotency_key: String,
}

/// Result of `orderRefund`.
#[derive(SimpleObject)]
pub struct OrderRefundPayload {
    /// The refund (check its `status`: the provider may have refused it); null when
    /// `userErrors` is not empty.
    pub refund: Option<OrderRefund>,
    /// The order after the refund; null when `userErrors` is not empty.
    pub order: Option<Order>,
    /// What went wrong; empty on success.
    pub user_errors: Vec<PaymentUserError>,
}

payload_type!(
    OrderRefundPayload { refund: crate::orders::model::Refund, order: crate::orders::model::Order },
    PaymentUserError
);

impl OrderRefundInput {
    fn into_command(self) -> Result<RefundOrder, PaymentError> {
        let order_id = ids::decode_at::<OrderId>(&self.order_id, path(["orderId"]))?;
        let lines = self
            .lines
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let at = path(["lines", &i.to_string(), "orderLineId"]);
                Ok((ids::decode_at::<OrderLineId>(&l.order_line_id, at)?, l.quantity))
            })
            .collect::<Result<Vec<_>, PaymentError>>()?;
        Ok(RefundOrder {
            order_id,
            amount: self.amount,
            lines,
            reason: self.reason.map(|r| r.chars().take(500).collect()),
            restock: self.restock,
            idempotency_key: self.idempotency_key,
        })
    }
}

#[derive(Default)]
pub struct OrderRefundMutation;

#[Object]
impl OrderRefundMutation {
    /// Gives (part of) what was paid for an order back (staff only): by amount, by lines, or in
    /// full. The refund is tracked to completion: PENDING until the provider settles it (an
    /// unreachable provider is retried), then SUCCEEDED, or FAILED with `failureCode` (its
    /// amount can then be refunded again). Refunds never exceed what was captured.
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn order_refund(
        &self,
        ctx: &Context<'_>,
        input: OrderRefundInput,
    ) -> async_graphql::Result<OrderRefundPayload> {
        payload(async { ctx.state().payments.refund_order(ctx.rcx(), input.into_command()?).await }.await)
    }
}
