//! `vendorOrderLinesCancel`: cancelling unshipped units of a vendor order's lines, with the
//! refund of those lines' value through the one refund path.
//!
//! One transaction: the payment's lock (the lock order of every refund: payment, then order),
//! [`OrderService::cancel_lines_in`] (guarded counts, held stock given back, statuses, audit
//! entry), then the refund's claim, row, `refund.requested` event and history note. The provider
//! is called after commit; one that cannot be reached leaves the refund PENDING for the outbox
//! consumer. An order without a succeeded payment (nothing taken) gets no refund.
//!
//! The refund of a line's units is its share of the line total (see `share`), less units any
//! earlier refund of the line already covers; shipping belongs to no line and stays.

use sea_orm::TransactionTrait;

use super::{Refund, minor, refunded_units, share};
use crate::{
    context::RequestContext,
    orders::{
        OrderError, OrderService,
        model::{RefundLine, RefundStatus, VendorOrderDetail},
    },
    payments::{model::PaymentStatus, repo, service::PaymentService},
    shared::{
        ids::{OrderLineId, RefundId, VendorOrderId},
        money::Money,
    },
    vendors::model::{VendorAccess, VendorPermission},
};

impl PaymentService {
    /// Cancels unshipped units of lines of a vendor order (the vendor's OWNER and FULFILLMENT
    /// members, and staff) and refunds their value when the order was paid.
    ///
    /// # Errors
    /// As [`OrderService::cancel_lines_in`], and `NoLines`, `InvalidQuantity`, `InvalidReason`;
    /// `Unauthenticated`, `Forbidden`.
    #[tracing::instrument(name = "payments.vendor_order_lines_cancel", skip(self, rcx, lines, reason))]
    pub async fn vendor_order_lines_cancel(
        &self,
        rcx: &RequestContext,
        id: VendorOrderId,
        lines: Vec<(OrderLineId, i64)>,
        reason: Option<String>,
    ) -> Result<(VendorOrderDetail, VendorAccess), OrderError> {
        let (vendor, access) = self.orders.authorize_vendor_order(rcx, id, VendorPermission::Fulfil).await?;
        let (lines, reason) = OrderService::check_cancel(&lines, reason)?;
        let order_id = self.orders.vendor_order_detail(vendor, id).await?.order_id;
        let payment = repo::for_order(&self.db, order_id)
            .await?
            .into_iter()
            .filter(|p| p.status == PaymentStatus::Succeeded)
            .max_by_key(|p| minor(p.amount) - minor(p.refunded));
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        if let Some(p) = &payment {
            repo::refunds::lock_payment(&txn, p.id, now).await?;
        }
        let done = self.orders.cancel_lines_in(&txn, rcx, vendor, id, &lines, reason.clone()).await?;
        let mut refund = None;
        if let Some(p) = payment
            && let Some(p) = repo::find(&txn, p.id).await?
            && p.status == PaymentStatus::Succeeded
        {
            let existing = repo::refunds::for_order(&txn, order_id).await?;
            let mut refund_lines = Vec::new();
            for (line_id, units) in &done.lines {
                let Some(line) = done.order.lines.iter().find(|l| l.id == *line_id) else { continue };
                let (refunded, _) = refunded_units(&existing, *line_id);
                let units = (*units).min(line.quantity.saturating_sub(refunded));
                if units == 0 {
                    continue;
                }
                let total = minor(line.total);
                let amount_minor =
                    share(total, refunded + units, line.quantity) - share(total, refunded, line.quantity);
                refund_lines.push(RefundLine { order_line_id: *line_id, quantity: units, amount_minor, restocked: 0 });
            }
            let left = minor(p.amount) - minor(p.refunded);
            let amount = refund_lines.iter().map(|l| l.amount_minor).sum::<i64>().min(left);
            if amount > 0 {
                let r = Refund {
                    id: RefundId::new(),
                    order_id,
                    payment_id: p.id,
                    provider: p.provider.clone(),
                    provider_ref: None,
                    idempotency_key: format!("refund_lines_cancel_{}", uuid::Uuid::now_v7()),
                    amount: Money::from_minor(amount, p.amount.currency()),
                    amount_given: false,
                    reason: Some(reason.clone().unwrap_or_else(|| "lines cancelled by the vendor".into())),
                    lines: refund_lines,
                    restock: false,
                    status: RefundStatus::Pending,
                    failure_code: None,
                    attempts: 0,
                    created_by: rcx.viewer.map(|v| v.user_id),
                    created_at: now,
                    updated_at: now,
                };
                if !repo::refunds::claim(&txn, p.id, amount, now).await? || !repo::refunds::insert(&txn, &r).await? {
                    return Err(OrderError::Conflict);
                }
                self.requested_in(&txn, rcx, &r).await?;
                refund = Some(r);
            }
        }
        txn.commit().await?;
        if let Some(r) = refund
            && let Err(e) = self.process_after_commit(r).await
        {
            tracing::error!(vendor_order = %id, error = %crate::error::chain(&e), "recording a refund after cancelling lines failed; the outbox retries it");
        }
        Ok((self.orders.vendor_order_detail(vendor, id).await?, access))
    }
}
