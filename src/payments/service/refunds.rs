//! Refunds: staff `orderRefund`, the refund of a cancelled paid order, the automatic refund of
//! money taken for an order no longer payable, and tracking each to completion.
//!
//! **One path.** Every refund is requested in one transaction that claims its amount on the
//! payment with a guarded update (`refunded_minor + x <= amount_minor` on a SUCCEEDED payment),
//! inserts the refund row (PENDING, with its idempotency key), restocks if asked, writes the
//! `refund.requested` outbox event and a history note. After commit the provider is called at
//! once with the stored key, and its answer is recorded with a compare-and-set on the refund's
//! status. A provider that cannot be reached leaves the refund PENDING: the outbox consumer of
//! `refund.requested` ([`RefundRequestedConsumer`]) retries it with the same key, with backoff.
//! A refund that ends FAILED or CANCELED gives its claim back in the transaction that records
//! it, and stays on the order (status, `failureCode`, a history note) for staff to see. A
//! payment whose succeeded refunds reach its amount becomes REFUNDED.
//!
//! **The amount.** The given `amount`; else the lines' value: for each line, its total (after
//! its share of discounts, with its tax) × units ÷ ordered units, rounded so that the units of
//! a line refunded one by one add up exactly to its total; shipping and its tax belong to no
//! line (refund them by `amount`); else everything not yet refunded (a full refund).
//!
//! **Restock** happens at request, in the claim's transaction: returned goods are on the shelf
//! whatever becomes of the money, so a refund that fails later does not take them off again
//! (and a new refund of the same lines does not restock them twice). Only shipped units are
//! restocked; units not shipped yet are still held by the order (cancelling gives them back).

use std::collections::HashSet;

use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::{
    context::RequestContext,
    orders::{
        OrderError,
        model::{Order, RefundLine, RefundStatus},
    },
    outbox::NewEvent,
    payments::{
        error::PaymentError,
        model::{Payment, PaymentStatus},
        repo,
        service::PaymentService,
    },
    shared::{
        ids::{OrderId, OrderLineId, PaymentId, RefundId},
        money::Money,
    },
};

pub use crate::orders::model::Refund;
pub use tracking::{RefundDueConsumer, RefundRequestedConsumer};

mod line_cancel;
mod tracking;

/// The outbox event written with every refund request; its consumer completes the refund.
pub const REFUND_REQUESTED: &str = "refund.requested";

/// A staff refund request (`orderRefund`).
#[derive(Debug, Clone)]
pub struct RefundOrder {
    pub order_id: OrderId,
    /// In the order's currency; `None`: the lines' value, or everything left.
    pub amount: Option<Decimal>,
    /// `(line, units)`; empty for a refund by amount or in full.
    pub lines: Vec<(OrderLineId, u32)>,
    pub reason: Option<String>,
    /// Put the lines' shipped units back on the shelf.
    pub restock: bool,
    /// The client's key; the stored key is `refund_<order>_<key>`.
    pub idempotency_key: String,
}

/// What a request comes to, worked out under the payment's lock.
struct Plan {
    amount: Money,
    lines: Vec<RefundLine>,
}

/// `total × n ÷ of`, rounded half away from zero.
fn share(total: i64, n: u32, of: u32) -> i64 {
    if of == 0 {
        return 0;
    }
    let (num, den) = (i128::from(total) * i128::from(n), i128::from(of));
    i64::try_from((2 * num + den) / (2 * den)).unwrap_or(i64::MAX)
}

fn minor(m: Money) -> i64 {
    m.to_minor().unwrap_or(i64::MAX)
}

/// The units of `line` that refunds still claiming money cover, and those any refund restocked.
fn refunded_units(refunds: &[Refund], line: OrderLineId) -> (u32, u32) {
    let of_line = |r: &Refund| r.lines.iter().filter(|l| l.order_line_id == line).cloned().collect::<Vec<_>>();
    let refunded = refunds.iter().filter(|r| r.status.claims()).flat_map(of_line).map(|l| l.quantity).sum();
    let restocked = refunds.iter().flat_map(of_line).map(|l| l.restocked).sum();
    (refunded, restocked)
}

/// Works out a request against the order, its payment (read under lock) and its refunds.
fn plan(order: &Order, payment: &Payment, refunds: &[Refund], req: &RefundOrder) -> Result<Plan, PaymentError> {
    let currency = payment.amount.currency();
    let mut seen = HashSet::new();
    let mut lines = Vec::with_capacity(req.lines.len());
    for (i, (line_id, units)) in req.lines.iter().enumerate() {
        let at = |f: &str| PaymentError::InvalidLine { field: crate::error::path(["lines", &i.to_string(), f]) };
        let line = order.lines.iter().find(|l| l.id == *line_id).ok_or_else(|| at("orderLineId"))?;
        if !seen.insert(*line_id) {
            return Err(at("orderLineId"));
        }
        if *units == 0 {
            return Err(at("quantity"));
        }
        let (refunded, restocked) = refunded_units(refunds, *line_id);
        if refunded + units > line.quantity {
            return Err(PaymentError::QuantityTooLarge { index: i });
        }
        let total = minor(line.total);
        let amount_minor = share(total, refunded + units, line.quantity) - share(total, refunded, line.quantity);
        let restocked = if req.restock { (*units).min(line.fulfilled_quantity.saturating_sub(restocked)) } else { 0 };
        lines.push(RefundLine { order_line_id: *line_id, quantity: *units, amount_minor, restocked });
    }
    let left = minor(payment.amount) - minor(payment.refunded);
    let (amount, field) = match req.amount {
        Some(a) => {
            let m = Money::parse_price(a, currency).map_err(|_| PaymentError::InvalidAmount)?;
            if minor(m) <= 0 {
                return Err(PaymentError::InvalidAmount);
            }
            (minor(m), "amount")
        }
        None if !lines.is_empty() => (lines.iter().map(|l| l.amount_minor).sum(), "lines"),
        None => (left, "amount"),
    };
    if amount > left || amount <= 0 {
        return Err(PaymentError::AmountTooLarge { field: crate::error::path([field]) });
    }
    Ok(Plan { amount: Money::from_minor(amount, currency), lines })
}

/// Whether a stored refund answers the same request (a replay of its idempotency key).
fn same_request(r: &Refund, req: &RefundOrder) -> bool {
    let lines: Vec<_> = r.lines.iter().map(|l| (l.order_line_id, l.quantity)).collect();
    let amount_matches = match req.amount {
        Some(a) => r.amount_given && r.amount.amount() == a,
        None => !r.amount_given,
    };
    r.order_id == req.order_id
        && amount_matches
        && lines == req.lines
        && r.restock == req.restock
        && r.reason == req.reason
}

fn money_text(m: Money) -> String {
    format!("{} {}", m.amount(), m.currency().code())
}

impl PaymentService {
    /// Gives (part of) what was paid for an order back (staff). The amount is claimed on the
    /// payment before the provider is called, so refunds never exceed what was captured, also
    /// under concurrent requests; the same idempotency key and request returns the same refund.
    /// A refund the provider refuses comes back FAILED (with `failure_code`) and its amount is
    /// refundable again; one the provider could not be asked about stays PENDING and is retried.
    ///
    /// # Errors
    /// `OrderNotFound`, `NotRefundable`, `AmountTooLarge`, `InvalidAmount`, `InvalidLine`,
    /// `QuantityTooLarge`, `IdempotencyKeyReused`, `InvalidIdempotencyKey`; `Forbidden`.
    #[tracing::instrument(name = "payments.refund_order", skip(self, rcx, req), fields(order = %req.order_id))]
    pub async fn refund_order(&self, rcx: &RequestContext, req: RefundOrder) -> Result<(Refund, Order), PaymentError> {
        if !rcx.is_staff() {
            return Err(PaymentError::Forbidden);
        }
        let k = &req.idempotency_key;
        if k.is_empty() || k.chars().count() > 200 || k.chars().any(char::is_control) {
            return Err(PaymentError::InvalidIdempotencyKey);
        }
        let key = format!("refund_{}_{k}", req.order_id);
        if let Some(done) = repo::refunds::find_by_key(&self.db, &key).await? {
            return self.replay(done, &req).await;
        }
        let order = self.orders.find_in(&self.db, req.order_id).await?.ok_or(PaymentError::OrderNotFound)?;
        let Some(payment) = repo::for_order(&self.db, order.id)
            .await?
            .into_iter()
            .filter(|p| p.status == PaymentStatus::Succeeded)
            .max_by_key(|p| minor(p.amount) - minor(p.refunded))
        else {
            // A concurrent call with this key may have refunded the payment in full meanwhile.
            return match repo::refunds::find_by_key(&self.db, &key).await? {
                Some(done) => self.replay(done, &req).await,
                None => Err(PaymentError::NotRefundable),
            };
        };

        let now = self.clock.now();
        let txn = self.db.begin().await?;
        // The first statement writes the payment row: concurrent refunds of the payment queue
        // here (row lock on PostgreSQL, the write lock on SQLite), so what follows reads what
        // the others committed. The claim below is guarded all the same.
        repo::refunds::lock_payment(&txn, payment.id, now).await?;
        if let Some(done) = repo::refunds::find_by_key(&txn, &key).await? {
            drop(txn);
            return self.replay(done, &req).await;
        }
        let payment = repo::find(&txn, payment.id).await?.ok_or(PaymentError::NotRefundable)?;
        if payment.status != PaymentStatus::Succeeded {
            return Err(PaymentError::NotRefundable);
        }
        let existing = repo::refunds::for_order(&txn, order.id).await?;
        let plan = plan(&order, &payment, &existing, &req)?;
        let refund = Refund {
            id: RefundId::new(),
            order_id: order.id,
            payment_id: payment.id,
            provider: payment.provider.clone(),
            provider_ref: None,
            idempotency_key: key,
            amount: plan.amount,
            amount_given: req.amount.is_some(),
            reason: req.reason.clone(),
            lines: plan.lines,
            restock: req.restock,
            status: RefundStatus::Pending,
            failure_code: None,
            attempts: 0,
            created_by: rcx.viewer.map(|v| v.user_id),
            created_at: now,
            updated_at: now,
        };
        if !repo::refunds::claim(&txn, payment.id, minor(refund.amount), now).await? {
            return Err(PaymentError::AmountTooLarge { field: crate::error::path(["amount"]) });
        }
        if !repo::refunds::insert(&txn, &refund).await? {
            drop(txn);
            let done = repo::refunds::find_by_key(&self.db, &refund.idempotency_key).await?;
            return self.replay(done.ok_or(PaymentError::IdempotencyKeyReused)?, &req).await;
        }
        let restock: Vec<_> = refund.lines.iter().map(|l| (l.order_line_id, l.restocked)).collect();
        self.orders.restock_in(&txn, rcx, &order, &restock, "returned with a refund").await?;
        self.requested_in(&txn, rcx, &refund).await?;
        txn.commit().await?;

        let refund = self.process_after_commit(refund).await?;
        let order = self.orders.find_in(&self.db, order.id).await?.ok_or(PaymentError::OrderNotFound)?;
        Ok((refund, order))
    }

    /// The stored refund for a replayed key, or `IdempotencyKeyReused` when the request differs.
    /// A replay of a refund still PENDING asks the provider again (same key).
    async fn replay(&self, done: Refund, req: &RefundOrder) -> Result<(Refund, Order), PaymentError> {
        if !same_request(&done, req) {
            return Err(PaymentError::IdempotencyKeyReused);
        }
        let refund = self.process_after_commit(done).await?;
        let order = self.orders.find_in(&self.db, refund.order_id).await?.ok_or(PaymentError::OrderNotFound)?;
        Ok((refund, order))
    }

    /// The outbox event and history note of a new refund, in its transaction.
    async fn requested_in(
        &self,
        conn: &impl ConnectionTrait,
        rcx: &RequestContext,
        refund: &Refund,
    ) -> Result<(), sea_orm::DbErr> {
        crate::outbox::append_in(
            conn,
            NewEvent {
                aggregate_type: "refund",
                aggregate_id: refund.id.to_string(),
                event_type: REFUND_REQUESTED,
                version: 1,
                payload: serde_json::json!({
                    "refundId": refund.id, "orderId": refund.order_id, "paymentId": refund.payment_id,
                    "amount": refund.amount.amount().to_string(), "currencyCode": refund.amount.currency().code(),
                }),
                occurred_at: refund.created_at,
            },
        )
        .await?;
        let reason = refund.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
        let note = format!("refund of {} requested{reason}", money_text(refund.amount));
        self.orders.note_in(conn, rcx, refund.order_id, note).await
    }

    /// A full refund of what is left of `payment`, requested inside `conn` (cancellation,
    /// money taken for an order no longer payable), and whether it is new: the existing refund
    /// when `key` was used already; `None` when nothing is left or the payment did not succeed.
    async fn refund_rest_in(
        &self,
        conn: &impl ConnectionTrait,
        rcx: &RequestContext,
        payment: PaymentId,
        key: String,
        reason: String,
    ) -> Result<Option<(Refund, bool)>, sea_orm::DbErr> {
        let now = self.clock.now();
        repo::refunds::lock_payment(conn, payment, now).await?;
        if let Some(done) = repo::refunds::find_by_key(conn, &key).await? {
            return Ok(Some((done, false)));
        }
        let Some(p) = repo::find(conn, payment).await? else { return Ok(None) };
        let left = minor(p.amount) - minor(p.refunded);
        if p.status != PaymentStatus::Succeeded || left <= 0 || !repo::refunds::claim(conn, p.id, left, now).await? {
            return Ok(None);
        }
        let refund = Refund {
            id: RefundId::new(),
            order_id: p.order_id,
            payment_id: p.id,
            provider: p.provider.clone(),
            provider_ref: None,
            idempotency_key: key,
            amount: Money::from_minor(left, p.amount.currency()),
            amount_given: false,
            reason: Some(reason),
            lines: vec![],
            restock: false,
            status: RefundStatus::Pending,
            failure_code: None,
            attempts: 0,
            created_by: rcx.viewer.map(|v| v.user_id),
            created_at: now,
            updated_at: now,
        };
        if !repo::refunds::insert(conn, &refund).await? {
            return Err(sea_orm::DbErr::Custom("a refund with this key was made concurrently".into()));
        }
        Ok(Some((refund, true)))
    }

    /// Cancels an order (see [`crate::orders::OrderService::cancel`]) and, when it was paid,
    /// requests the refund of what is left of each succeeded payment in the same transaction
    /// (with its `refund.requested` event), then asks the provider after commit. A refund the
    /// provider cannot take now stays PENDING and is retried; one it refuses is FAILED and shown
    /// on the order for staff, never only logged.
    ///
    /// # Errors
    /// As [`crate::orders::OrderService::cancel`].
    #[tracing::instrument(name = "payments.cancel_order", skip(self, rcx, email, note))]
    pub async fn cancel_order(
        &self,
        rcx: &RequestContext,
        id: OrderId,
        email: Option<&str>,
        note: Option<String>,
    ) -> Result<Order, OrderError> {
        let order = self.orders.get(rcx, id, email).await?.ok_or(OrderError::NotFound)?;
        let paid: Vec<_> = repo::for_order(&self.db, id)
            .await?
            .into_iter()
            .filter(|p| p.status == PaymentStatus::Succeeded)
            .map(|p| p.id)
            .collect();
        let txn = self.db.begin().await?;
        // Payments first, then the order and its stock: the lock order of `orderRefund`.
        let mut refunds = Vec::new();
        for p in paid {
            let key = format!("refund_cancel_{p}");
            if let Some((r, true)) = self.refund_rest_in(&txn, rcx, p, key, "order cancelled".into()).await? {
                refunds.push(r);
            }
        }
        self.orders.cancel_in(&txn, rcx, &order, note).await?;
        for r in &refunds {
            self.requested_in(&txn, rcx, r).await?;
        }
        txn.commit().await?;
        for r in refunds {
            if let Err(e) = self.process_after_commit(r).await {
                tracing::error!(order = %id, error = %crate::error::chain(&e), "recording a refund after cancellation failed; the outbox retries it");
            }
        }
        self.orders.find_in(&self.db, id).await?.ok_or(OrderError::NotFound)
    }

    /// Refunds in full a payment that took money for an order no longer payable (the consumer
    /// of `payment.refund_due`), through the same path as every refund: key
    /// `refund_due_<payment>`, so a repeated job finds the refund it made. Processes it at once;
    /// a provider that cannot be reached leaves it PENDING for the `refund.requested` consumer.
    /// `None` when the payment has nothing left to refund.
    #[tracing::instrument(name = "payments.refund_due", skip(self))]
    pub async fn refund_due(&self, payment_id: PaymentId, reason: &str) -> Result<Option<Refund>, PaymentError> {
        let rcx = RequestContext::system();
        let txn = self.db.begin().await?;
        let key = format!("refund_due_{payment_id}");
        let refund = self.refund_rest_in(&txn, &rcx, payment_id, key, reason.to_owned()).await?;
        let Some((refund, new)) = refund else { return Ok(None) };
        if new {
            self.requested_in(&txn, &rcx, &refund).await?;
        }
        txn.commit().await?;
        Ok(Some(self.process_after_commit(refund).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::share;

    #[test]
    fn line_shares_add_up_to_the_line_total_whatever_the_steps() {
        for (total, of) in [(1000, 3), (999, 7), (1, 2), (12345, 10)] {
            let mut done = 0;
            let mut sum = 0;
            for step in [1, 2, 1, 3, 5, 10] {
                let n = (done + step).min(of);
                sum += share(total, n, of) - share(total, done, of);
                done = n;
            }
            assert_eq!(sum, total, "{total} in {of}");
        }
        assert_eq!(share(1000, 1, 3), 333);
        assert_eq!(share(1000, 2, 3), 667);
    }
}
