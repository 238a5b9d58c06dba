//! Order use cases: reading (customers, guests, staff), cancelling, fulfilling, expiring.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait};

pub mod events;
mod fulfilment;

pub use events::{ORDER_CANCELLED, ORDER_EXPIRED};
pub use fulfilment::{CancelledLines, LineRequest, NewFulfillment};

use crate::{
    catalog::CatalogService,
    context::RequestContext,
    orders::{
        error::OrderError,
        model::{ActorKind, Dispute, HistoryEntry, Order, OrderEvent, OrderFilter, OrderStatus, Payment, Refund},
        repo,
    },
    promotions::PromotionService,
    shared::role::Role,
    shared::{
        clock::SharedClock,
        ids::{OrderId, OrderLineId},
        pagination::{Page, PageRequest},
    },
    vendors::VendorService,
};

/// The payment attempts of orders (`Order.payments`): kept by the payments slice, which
/// implements this port, so orders never depend on payments. Its disputes come with it
/// ([`OrderDisputes`], a supertrait so that `Arc<dyn OrderPayments>` answers both).
#[async_trait::async_trait]
pub trait OrderPayments: OrderDisputes + Send + Sync {
    /// Each order's attempts, oldest first; orders without any are absent.
    async fn by_order_ids(&self, orders: &[OrderId]) -> Result<HashMap<OrderId, Vec<Payment>>, DbErr>;
    /// Each order's refunds, oldest first; orders without any are absent.
    async fn refunds_by_order_ids(&self, orders: &[OrderId]) -> Result<HashMap<OrderId, Vec<Refund>>, DbErr>;
}

/// The disputes (chargebacks) on orders' payments (`Order.disputes`), kept by payments.
#[async_trait::async_trait]
pub trait OrderDisputes: Send + Sync {
    /// Each order's disputes, oldest first; orders without any are absent.
    async fn disputes_by_order_ids(&self, orders: &[OrderId]) -> Result<HashMap<OrderId, Vec<Dispute>>, DbErr>;
}

#[derive(Clone)]
pub struct OrderService {
    db: DatabaseConnection,
    catalog: CatalogService,
    promotions: PromotionService,
    vendors: VendorService,
    clock: SharedClock,
}

fn actor(rcx: &RequestContext) -> (ActorKind, Option<crate::shared::ids::UserId>) {
    match rcx.viewer {
        _ if rcx.system => (ActorKind::System, None),
        Some(v) if v.role >= Role::Staff => (ActorKind::Staff, Some(v.user_id)),
        Some(v) => (ActorKind::Customer, Some(v.user_id)),
        None => (ActorKind::Guest, None),
    }
}

impl OrderService {
    pub fn new(
        db: DatabaseConnection,
        catalog: CatalogService,
        promotions: PromotionService,
        vendors: VendorService,
        clock: SharedClock,
    ) -> Self {
        Self { db, catalog, promotions, vendors, clock }
    }

    /// Inserts a new order with its history entry, inside the checkout's transaction.
    pub async fn insert_in(
        &self,
        conn: &impl ConnectionTrait,
        order: &Order,
        rcx: &RequestContext,
    ) -> Result<(), DbErr> {
        repo::insert(conn, order).await?;
        events::placed_in(conn, order).await?;
        let (kind, id) = actor(rcx);
        let entry = HistoryEntry {
            from: None,
            to: order.status,
            actor_kind: kind,
            actor_id: id,
            note: None,
            created_at: order.created_at,
        };
        repo::insert_history(conn, order.id, &entry).await
    }

    /// The order as stored (no access check).
    pub async fn find_in(&self, conn: &impl ConnectionTrait, id: OrderId) -> Result<Option<Order>, DbErr> {
        repo::find(conn, id).await
    }

    /// An order the caller may read: staff any, a customer their own, a guest with the order's
    /// e-mail. Missing and not-yours look the same (`Forbidden`) so order ids cannot be probed.
    ///
    /// # Errors
    /// `Forbidden` (top-level).
    pub async fn get(
        &self,
        rcx: &RequestContext,
        id: OrderId,
        email: Option<&str>,
    ) -> Result<Option<Order>, OrderError> {
        let order = repo::find(&self.db, id).await?;
        if rcx.is_staff() {
            return Ok(order);
        }
        match order {
            Some(o) if Self::may_read(rcx, &o, email) => Ok(Some(o)),
            _ => Err(OrderError::Forbidden),
        }
    }

    fn may_read(rcx: &RequestContext, o: &Order, email: Option<&str>) -> bool {
        let own = o.customer_id.is_some() && o.customer_id == rcx.viewer.map(|v| v.user_id);
        let guest = email.is_some_and(|e| e.trim().eq_ignore_ascii_case(&o.email));
        own || guest || rcx.is_staff()
    }

    /// Orders newest first: a customer's own, or (staff) any with filters.
    ///
    /// # Errors
    /// `Unauthenticated` without a viewer.
    pub async fn list(
        &self,
        rcx: &RequestContext,
        mut filter: OrderFilter,
        page: &PageRequest,
    ) -> Result<(Page<Order>, OrderFilter), OrderError> {
        let viewer = rcx.viewer.ok_or(OrderError::Unauthenticated)?;
        if !rcx.is_staff() {
            filter = OrderFilter { customer_id: Some(viewer.user_id), statuses: filter.statuses, ..Default::default() };
        }
        Ok((repo::list(&self.db, &filter, page).await?, filter))
    }

    pub async fn count(&self, filter: &OrderFilter) -> Result<u64, DbErr> {
        repo::count(&self.db, filter).await
    }

    /// The status history of each order, oldest first, for callers already allowed to read
    /// the orders (the `Order.history` loader); orders without entries are absent.
    pub async fn history_by_order_ids(&self, ids: &[OrderId]) -> Result<HashMap<OrderId, Vec<HistoryEntry>>, DbErr> {
        repo::history_by_order_ids(&self.db, ids).await
    }

    /// Locks the order for the rest of the caller's transaction (see `repo::lock`); `false` when
    /// it is gone.
    pub async fn lock_in(&self, conn: &impl ConnectionTrait, id: OrderId) -> Result<bool, DbErr> {
        repo::lock(conn, id, None).await
    }

    /// Locks the order if it is still awaiting payment (status PAYMENT_PENDING and its
    /// reservation not over); `false` otherwise. Payments record a new attempt under this lock,
    /// so no attempt starts for an order another attempt has just paid.
    pub async fn lock_payable_in(&self, conn: &impl ConnectionTrait, id: OrderId) -> Result<bool, DbErr> {
        repo::lock(conn, id, Some(self.clock.now())).await
    }

    /// Moves an order with `event` inside `conn`: checks the transition, writes it with a
    /// compare-and-set, a history entry and its outbox event (`order.paid`, `order.fulfilled`,
    /// `order.cancelled`, `order.expired`, and `vendor_order.status_changed` for each vendor
    /// order it moves). Returns the new status, or `None` when the order
    /// was not in `expected` any more (someone else moved it first). Its vendor orders follow
    /// payment (PAID), cancellation (CANCELLED) and expiry (EXPIRED) in the same transaction;
    /// shipments move them first (see [`crate::orders::model::vendor_order_progress`]).
    pub async fn transition_in(
        &self,
        conn: &impl ConnectionTrait,
        rcx: &RequestContext,
        id: OrderId,
        expected: OrderStatus,
        event: OrderEvent,
        note: Option<String>,
    ) -> Result<Option<OrderStatus>, DbErr> {
        let Ok(to) = expected.apply(event) else { return Ok(None) };
        let now = self.clock.now();
        if !repo::transition(conn, id, expected, to, now).await? {
            return Ok(None);
        }
        use OrderStatus as S;
        let moved = match event {
            OrderEvent::PaymentSucceeded => repo::set_vendor_orders_status(conn, id, &[S::PaymentPending], to).await?,
            OrderEvent::Expire => repo::set_vendor_orders_status(conn, id, &[S::PaymentPending], to).await?,
            OrderEvent::Cancel => repo::set_vendor_orders_status(conn, id, &[S::PaymentPending, S::Paid], to).await?,
            OrderEvent::Fulfilled { .. } => Vec::new(),
        };
        events::order_moved_in(conn, id, event, to, now).await?;
        for vo in moved {
            events::vendor_order_moved_in(conn, id, vo, to, now).await?;
        }
        let (kind, actor_id) = actor(rcx);
        repo::insert_history(
            conn,
            id,
            &HistoryEntry { from: Some(expected), to, actor_kind: kind, actor_id, note, created_at: now },
        )
        .await?;
        Ok(Some(to))
    }

    /// Gives back what the order holds: reserved units not yet shipped, and discount usage.
    async fn release_in(&self, conn: &impl ConnectionTrait, order: &Order) -> Result<(), DbErr> {
        for l in &order.lines {
            let unshipped = l.open_quantity();
            if unshipped > 0 {
                self.catalog.release_in(conn, l.variant_id, unshipped).await?;
            }
        }
        self.promotions.release_in(conn, order.id, self.clock.now()).await
    }

    /// Cancels an order before fulfilment: its customer (or a guest with the order e-mail), or
    /// staff with a note. Stock and discount usage are given back; [`ORDER_CANCELLED`] is
    /// written in the same transaction.
    ///
    /// # Errors
    /// `CannotCancel` (already shipped, finished), `Conflict` (moved meanwhile), `Forbidden`.
    #[tracing::instrument(name = "orders.cancel", skip(self, rcx, email, note))]
    pub async fn cancel(
        &self,
        rcx: &RequestContext,
        id: OrderId,
        email: Option<&str>,
        note: Option<String>,
    ) -> Result<Order, OrderError> {
        let order = self.get(rcx, id, email).await?.ok_or(OrderError::NotFound)?;
        let txn = self.db.begin().await?;
        self.cancel_in(&txn, rcx, &order, note).await?;
        txn.commit().await?;
        repo::find(&self.db, id).await?.ok_or(OrderError::NotFound)
    }

    /// Cancels `order` (read by the caller, who checked access with [`Self::get`]) inside the
    /// caller's transaction: the compare-and-set with its history entry, and stock and discount
    /// usage given back. Payments adds the refund of a paid order to the same transaction.
    ///
    /// # Errors
    /// `CannotCancel` (already shipped, finished), `Conflict` (moved meanwhile).
    pub async fn cancel_in(
        &self,
        conn: &impl ConnectionTrait,
        rcx: &RequestContext,
        order: &Order,
        note: Option<String>,
    ) -> Result<(), OrderError> {
        if order.status.apply(OrderEvent::Cancel).is_err() {
            return Err(OrderError::CannotCancel);
        }
        if self.transition_in(conn, rcx, order.id, order.status, OrderEvent::Cancel, note).await?.is_none() {
            return Err(OrderError::Conflict);
        }
        self.release_in(conn, order).await?;
        Ok(())
    }

    /// Adds a note to the order's history without moving it (a refund requested, succeeded or
    /// failed): an entry whose `from` and `to` are the order's current status.
    pub async fn note_in(
        &self,
        conn: &impl ConnectionTrait,
        rcx: &RequestContext,
        id: OrderId,
        note: String,
    ) -> Result<(), DbErr> {
        let Some(order) = repo::find(conn, id).await? else { return Ok(()) };
        let (kind, actor_id) = actor(rcx);
        let entry = HistoryEntry {
            from: Some(order.status),
            to: order.status,
            actor_kind: kind,
            actor_id,
            note: Some(note),
            created_at: self.clock.now(),
        };
        repo::insert_history(conn, id, &entry).await
    }

    /// Puts returned units of order lines back on the shelf (a refund with restock), in the
    /// caller's transaction: each `(line, units)` adds to its variant's stock on hand with a
    /// RETURNED stock movement. Lines not in the order are skipped.
    pub async fn restock_in(
        &self,
        conn: &impl ConnectionTrait,
        rcx: &RequestContext,
        order: &Order,
        lines: &[(OrderLineId, u32)],
        note: &str,
    ) -> Result<(), DbErr> {
        let now = self.clock.now();
        for (line_id, units) in lines.iter().filter(|(_, u)| *u > 0) {
            let Some(line) = order.lines.iter().find(|l| l.id == *line_id) else { continue };
            let note = Some(format!("{note} ({})", order.code));
            self.catalog.restock_in(conn, line.variant_id, *units, note, actor(rcx).1, now).await?;
        }
        Ok(())
    }

    /// Ships units of paid order lines (staff): a shortcut over
    /// [`Self::fulfillment_create`] that groups the lines per vendor order and records one
    /// fulfilment (without tracking) for each, all in one transaction. Stock leaves the shelf
    /// and the reservation; vendor orders and the order move as their lines say.
    ///
    /// # Errors
    /// `CannotFulfil` (not paid), `LineNotFound`, `InvalidQuantity`, `Conflict`; `Forbidden`.
    #[tracing::instrument(name = "orders.fulfil", skip(self, rcx, lines))]
    pub async fn fulfil(
        &self,
        rcx: &RequestContext,
        id: OrderId,
        lines: Vec<(OrderLineId, u32)>,
    ) -> Result<Order, OrderError> {
        if !rcx.is_staff() {
            return Err(OrderError::Forbidden);
        }
        let order = repo::find(&self.db, id).await?.ok_or(OrderError::NotFound)?;
        if !matches!(order.status, OrderStatus::Paid | OrderStatus::PartiallyFulfilled) {
            return Err(OrderError::CannotFulfil);
        }
        let mut left = order.lines.iter().map(|l| (l.id, l.open_quantity())).collect::<HashMap<_, _>>();
        let mut groups: Vec<(crate::shared::ids::VendorOrderId, Vec<LineRequest>)> = Vec::new();
        for (i, (line_id, q)) in lines.iter().enumerate() {
            let line = order.lines.iter().find(|l| l.id == *line_id).ok_or(OrderError::LineNotFound { index: i })?;
            let open = left.get_mut(line_id).ok_or(OrderError::LineNotFound { index: i })?;
            if *q == 0 || *q > *open {
                return Err(OrderError::InvalidQuantity { index: i });
            }
            *open -= q;
            let req = LineRequest { index: i, line: *line_id, quantity: *q };
            match groups.iter_mut().find(|(vo, _)| *vo == line.vendor_order_id) {
                Some((_, g)) => g.push(req),
                None => groups.push((line.vendor_order_id, vec![req])),
            }
        }
        let txn = self.db.begin().await?;
        for (vo, group) in groups {
            let Some(v) = order.vendor_orders.iter().find(|v| v.id == vo) else { return Err(OrderError::Conflict) };
            match self.ship_in(&txn, rcx, v.vendor_id, vo, &fulfilment::merge(group), Default::default()).await {
                Ok(_) => {}
                Err(OrderError::VendorOrderNotFulfillable) => return Err(OrderError::CannotFulfil),
                Err(e @ (OrderError::Db(_) | OrderError::Conflict)) => return Err(e),
                Err(_) => return Err(OrderError::Conflict),
            }
        }
        txn.commit().await?;
        repo::find(&self.db, id).await?.ok_or(OrderError::NotFound)
    }

    /// Expires unpaid orders whose reservation ended before `now`, giving back their stock and
    /// discount usage, and writes [`ORDER_EXPIRED`] with each (the payment attempt is cancelled
    /// at the provider after commit). Each order is its own transaction; an order paid meanwhile
    /// is left alone (the compare-and-set fails). Returns how many expired.
    #[tracing::instrument(name = "orders.expire_due", skip(self))]
    pub async fn expire_due(&self, now: DateTime<Utc>) -> Result<usize, DbErr> {
        let rcx = RequestContext::system();
        let mut expired = 0;
        loop {
            let due = repo::due_for_expiry(&self.db, now, 100).await?;
            if due.is_empty() {
                return Ok(expired);
            }
            let batch = due.len();
            for id in due {
                let txn = self.db.begin().await?;
                let moved = self
                    .transition_in(
                        &txn,
                        &rcx,
                        id,
                        OrderStatus::PaymentPending,
                        OrderEvent::Expire,
                        Some("reservation expired".into()),
                    )
                    .await?;
                if moved.is_some()
                    && let Some(order) = repo::find(&txn, id).await?
                {
                    self.release_in(&txn, &order).await?;
                    expired += 1;
                }
                txn.commit().await?;
            }
            if batch < 100 {
                return Ok(expired);
            }
        }
    }
}
