//! Vendor orders for their vendor: reading them (`vendorOrders`, `node`), shipping their lines
//! (`fulfillmentCreate`, and staff `orderFulfil` over it), tracking and delivery
//! (`fulfillmentUpdate`), and cancelling unshipped units (the payments slice wraps
//! [`OrderService::cancel_lines_in`] with the refund).
//!
//! **Authorisation.** A vendor order or fulfilment id first names its vendor (only the vendor
//! id is read); the caller must pass [`VendorService::authorize_in`] for that vendor (staff, or
//! a member whose role allows the permission: View to read, Fulfil to ship or cancel); then the
//! object is read in that vendor's scope (`repo::vendor_order_detail(vendor, id)`), so no path
//! reads another vendor's vendor order. A suspended vendor still ships its open orders.
//!
//! **Concurrency.** Every write first takes the order's row lock (`repo::lock`), then reads the
//! order again: shipments and cancellations of one order queue, and each sees what the previous
//! committed. The unit counters are written with guarded updates all the same
//! (`fulfilled + cancelled + n <= quantity`), so two writers can never take the same unit.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, TransactionTrait};

use super::{OrderService, events};
use crate::{
    audit::{self, model::NewAuditEntry},
    context::RequestContext,
    orders::{
        error::OrderError,
        model::{
            Fulfillment, FulfillmentLine, FulfillmentStatus, LineUnits, Order, OrderStatus, Tracking, TrackingField,
            VendorOrderDetail, VendorOrderFilter, derive_order_status, progress_event, vendor_order_progress,
        },
        repo,
    },
    shared::{
        ids::{FulfillmentId, OrderLineId, VendorId, VendorOrderId},
        pagination::{Page, PageRequest},
    },
    vendors::model::{VendorAccess, VendorPermission},
};

/// Units of one order line asked for, with the index of its entry in the input (for errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRequest {
    pub index: usize,
    pub line: OrderLineId,
    pub quantity: u32,
}

/// A shipment to record (`fulfillmentCreate`).
#[derive(Debug, Clone)]
pub struct NewFulfillment {
    pub vendor_order_id: VendorOrderId,
    /// `(order line, units)` as given; checked here.
    pub lines: Vec<(OrderLineId, i64)>,
    pub tracking: Tracking,
}

/// What a cancellation of lines did, for the refund the payments slice adds: the order as it
/// was before (its lines carry the amounts) and the units cancelled per line.
#[derive(Debug, Clone)]
pub struct CancelledLines {
    pub order: Order,
    pub vendor_id: VendorId,
    pub lines: Vec<(OrderLineId, u32)>,
}

/// Adds up entries naming the same line (the first entry's index stays).
pub(super) fn merge(lines: Vec<LineRequest>) -> Vec<LineRequest> {
    let mut out: Vec<LineRequest> = Vec::with_capacity(lines.len());
    for l in lines {
        match out.iter_mut().find(|o| o.line == l.line) {
            Some(o) => o.quantity = o.quantity.saturating_add(l.quantity),
            None => out.push(l),
        }
    }
    out
}

/// Checks the input lines: at least one, every quantity at least 1; entries naming the same
/// line add up.
fn check_lines(lines: &[(OrderLineId, i64)]) -> Result<Vec<LineRequest>, OrderError> {
    if lines.is_empty() {
        return Err(OrderError::NoLines);
    }
    let mut out = Vec::with_capacity(lines.len());
    for (index, (line, q)) in lines.iter().enumerate() {
        let quantity = u32::try_from(*q).ok().filter(|q| *q > 0).ok_or(OrderError::InvalidQuantity { index })?;
        out.push(LineRequest { index, line: *line, quantity });
    }
    Ok(merge(out))
}

fn tracking_error(f: TrackingField) -> OrderError {
    OrderError::InvalidTracking {
        field: match f {
            TrackingField::Carrier => "carrier",
            TrackingField::TrackingNumber => "trackingNumber",
            TrackingField::TrackingUrl => "trackingUrl",
        },
    }
}

fn units_text(n: u32) -> String {
    if n == 1 { "1 unit".into() } else { format!("{n} units") }
}

impl OrderService {
    /// The vendor of vendor order `id` after checking the caller may act on it with
    /// `permission`, and the caller's access.
    ///
    /// # Errors
    /// `VendorOrderNotFound`; `Unauthenticated`, `Forbidden` (top-level).
    pub async fn authorize_vendor_order(
        &self,
        rcx: &RequestContext,
        id: VendorOrderId,
        permission: VendorPermission,
    ) -> Result<(VendorId, VendorAccess), OrderError> {
        if rcx.viewer.is_none() && !rcx.system {
            return Err(OrderError::Unauthenticated);
        }
        let (vendor, _) = repo::vendor_order_owner(&self.db, id).await?.ok_or(OrderError::VendorOrderNotFound)?;
        let (_, access) = self.vendors.authorize(rcx, vendor, permission).await?;
        Ok((vendor, access))
    }

    /// A vendor's vendor orders, newest first (members with View, and staff).
    ///
    /// # Errors
    /// `VendorOrderNotFound` (no such vendor); `Unauthenticated`, `Forbidden` (top-level).
    pub async fn vendor_orders(
        &self,
        rcx: &RequestContext,
        vendor: VendorId,
        filter: &VendorOrderFilter,
        page: &PageRequest,
    ) -> Result<(Page<VendorOrderDetail>, VendorAccess), OrderError> {
        let (_, access) = self.vendors.authorize(rcx, vendor, VendorPermission::View).await?;
        Ok((repo::list_vendor_orders(&self.db, vendor, filter, page).await?, access))
    }

    /// How many of `vendor`'s vendor orders match (for a caller [`Self::vendor_orders`] let in).
    pub async fn count_vendor_orders(
        &self,
        vendor: VendorId,
        filter: &VendorOrderFilter,
    ) -> Result<u64, sea_orm::DbErr> {
        repo::count_vendor_orders(&self.db, vendor, filter).await
    }

    /// A vendor order for a caller with View on its vendor (`node(id:)`).
    ///
    /// # Errors
    /// `VendorOrderNotFound`; `Unauthenticated`, `Forbidden` (top-level).
    pub async fn vendor_order(
        &self,
        rcx: &RequestContext,
        id: VendorOrderId,
    ) -> Result<(VendorOrderDetail, VendorAccess), OrderError> {
        let (vendor, access) = self.authorize_vendor_order(rcx, id, VendorPermission::View).await?;
        let detail = repo::vendor_order_detail(&self.db, vendor, id).await?.ok_or(OrderError::VendorOrderNotFound)?;
        Ok((detail, access))
    }

    /// A fulfilment for a caller with View on its vendor (`node(id:)`).
    ///
    /// # Errors
    /// `FulfillmentNotFound`; `Unauthenticated`, `Forbidden` (top-level).
    pub async fn fulfillment(&self, rcx: &RequestContext, id: FulfillmentId) -> Result<Fulfillment, OrderError> {
        if rcx.viewer.is_none() && !rcx.system {
            return Err(OrderError::Unauthenticated);
        }
        let vendor = repo::fulfillment_owner(&self.db, id).await?.ok_or(OrderError::FulfillmentNotFound)?;
        self.vendors.authorize(rcx, vendor, VendorPermission::View).await.map_err(|e| match OrderError::from(e) {
            OrderError::VendorOrderNotFound => OrderError::FulfillmentNotFound,
            e => e,
        })?;
        repo::fulfillment_of(&self.db, vendor, id).await?.ok_or(OrderError::FulfillmentNotFound)
    }

    /// The fulfilments of vendor orders, each key in its vendor's scope, for callers already
    /// allowed to read the vendor orders (the `VendorOrderForVendor.fulfillments` loader).
    pub async fn fulfillments_by_vendor_orders(
        &self,
        keys: &[(VendorId, VendorOrderId)],
    ) -> Result<HashMap<(VendorId, VendorOrderId), Vec<Fulfillment>>, sea_orm::DbErr> {
        repo::fulfillments_by_vendor_orders(&self.db, keys).await
    }

    /// The fulfilments of orders, for callers already allowed to read the orders
    /// (`Order.fulfillments`).
    pub async fn fulfillments_by_order_ids(
        &self,
        ids: &[crate::shared::ids::OrderId],
    ) -> Result<HashMap<crate::shared::ids::OrderId, Vec<Fulfillment>>, sea_orm::DbErr> {
        repo::fulfillments_by_order_ids(&self.db, ids).await
    }

    /// The vendor order in `vendor`'s scope, after a change (no access check).
    pub async fn vendor_order_detail(
        &self,
        vendor: VendorId,
        id: VendorOrderId,
    ) -> Result<VendorOrderDetail, OrderError> {
        repo::vendor_order_detail(&self.db, vendor, id).await?.ok_or(OrderError::VendorOrderNotFound)
    }

    /// Records a shipment of units of one vendor order's lines (vendor members with Fulfil, and
    /// staff): partial shipments allowed, never more than ordered less shipped and cancelled;
    /// the vendor order must be PAID or PARTIALLY_FULFILLED (also for a suspended vendor). Stock
    /// leaves the shelf and the reservation; the vendor order and the order move; the order's
    /// history notes the shipment.
    ///
    /// # Errors
    /// `VendorOrderNotFound`, `VendorOrderNotFulfillable`, `NoLines`, `NotALine`,
    /// `InvalidQuantity`, `InvalidTracking`, `Conflict`; `Unauthenticated`, `Forbidden`.
    #[tracing::instrument(name = "orders.fulfillment_create", skip(self, rcx, input), fields(vendor_order = %input.vendor_order_id))]
    pub async fn fulfillment_create(
        &self,
        rcx: &RequestContext,
        input: NewFulfillment,
    ) -> Result<(Fulfillment, VendorOrderDetail, VendorAccess), OrderError> {
        let (vendor, access) =
            self.authorize_vendor_order(rcx, input.vendor_order_id, VendorPermission::Fulfil).await?;
        let lines = check_lines(&input.lines)?;
        let tracking = input.tracking.normalized().map_err(tracking_error)?;
        let txn = self.db.begin().await?;
        let f = self.ship_in(&txn, rcx, vendor, input.vendor_order_id, &lines, tracking).await?;
        txn.commit().await?;
        Ok((f, self.vendor_order_detail(vendor, input.vendor_order_id).await?, access))
    }

    /// Ships `lines` of vendor order `id` of `vendor` inside `conn` (the caller authorised it):
    /// takes the order's lock, checks against the order as committed, writes the guarded unit
    /// counts, ships stock, inserts the fulfilment, moves the vendor order and the order.
    pub(super) async fn ship_in(
        &self,
        conn: &impl ConnectionTrait,
        rcx: &RequestContext,
        vendor: VendorId,
        id: VendorOrderId,
        lines: &[LineRequest],
        tracking: Tracking,
    ) -> Result<Fulfillment, OrderError> {
        let (order, mut units) = self.locked_vendor_order(conn, vendor, id).await?;
        let vo = order.vendor_orders.iter().find(|v| v.id == id).ok_or(OrderError::VendorOrderNotFound)?;
        if !matches!(vo.status, OrderStatus::Paid | OrderStatus::PartiallyFulfilled) {
            return Err(OrderError::VendorOrderNotFulfillable);
        }
        take_units(&mut units, lines, |u| &mut u.fulfilled)?;
        for l in lines {
            let variant = order.lines.iter().find(|x| x.id == l.line).map(|x| x.variant_id);
            let Some(variant) = variant else { return Err(OrderError::Conflict) };
            if !repo::add_fulfilled(conn, id, l.line, l.quantity).await?
                || !self.catalog.ship_in(conn, variant, l.quantity).await?
            {
                return Err(OrderError::Conflict);
            }
        }
        let now = self.clock.now();
        let f = Fulfillment {
            id: FulfillmentId::new(),
            order_id: order.id,
            vendor_order_id: id,
            vendor_id: vendor,
            carrier: tracking.carrier,
            tracking_number: tracking.tracking_number,
            tracking_url: tracking.tracking_url,
            status: FulfillmentStatus::Shipped,
            created_by: rcx.viewer.map(|v| v.user_id),
            created_at: now,
            updated_at: now,
            delivered_at: None,
            lines: lines.iter().map(|l| FulfillmentLine { order_line_id: l.line, quantity: l.quantity }).collect(),
        };
        repo::insert_fulfillment(conn, &f).await?;
        events::fulfillment_in(conn, &f, events::FULFILLMENT_CREATED, now).await?;
        let shipped: u32 = lines.iter().map(|l| l.quantity).sum();
        let mut note = format!("{} shipped", units_text(shipped));
        if let Some(c) = &f.carrier {
            note.push_str(&format!(" with {c}"));
        }
        if let Some(t) = &f.tracking_number {
            note.push_str(&format!(", tracking {t}"));
        }
        self.progress_in(conn, rcx, &order, id, vo.status, &units, note).await?;
        Ok(f)
    }

    /// Takes the order's lock and reads the order of vendor order `id` in `vendor`'s scope with
    /// the unit counts of that vendor order's lines.
    async fn locked_vendor_order(
        &self,
        conn: &impl ConnectionTrait,
        vendor: VendorId,
        id: VendorOrderId,
    ) -> Result<(Order, HashMap<OrderLineId, LineUnits>), OrderError> {
        let detail = repo::vendor_order_detail(conn, vendor, id).await?.ok_or(OrderError::VendorOrderNotFound)?;
        if !repo::lock(conn, detail.order_id, None).await? {
            return Err(OrderError::VendorOrderNotFound);
        }
        let order = repo::find(conn, detail.order_id).await?.ok_or(OrderError::VendorOrderNotFound)?;
        let units =
            order.lines.iter().filter(|l| l.vendor_order_id == id).map(|l| (l.id, LineUnits::from(l))).collect();
        Ok((order, units))
    }

    /// Moves vendor order `id` (read as `from`) after its lines became `units`, then the order to
    /// the status derived from all its vendor orders, with `note` in the order's history.
    #[allow(clippy::too_many_arguments)]
    async fn progress_in(
        &self,
        conn: &impl ConnectionTrait,
        rcx: &RequestContext,
        order: &Order,
        id: VendorOrderId,
        from: OrderStatus,
        units: &HashMap<OrderLineId, LineUnits>,
        note: String,
    ) -> Result<(), OrderError> {
        let lines: Vec<LineUnits> = units.values().copied().collect();
        let to = vendor_order_progress(from, &lines).ok_or(OrderError::Conflict)?;
        if to != from {
            if !repo::transition_vendor_order(conn, id, from, to).await? {
                return Err(OrderError::Conflict);
            }
            let vendor = order.vendor_orders.iter().find(|v| v.id == id).map(|v| v.vendor_id);
            let vendor = vendor.ok_or(OrderError::Conflict)?;
            events::vendor_order_moved_in(conn, order.id, (id, vendor, from), to, self.clock.now()).await?;
        }
        let statuses: Vec<OrderStatus> =
            order.vendor_orders.iter().map(|v| if v.id == id { to } else { v.status }).collect();
        let derived = derive_order_status(&statuses).unwrap_or(order.status);
        match progress_event(order.status, derived) {
            Some(event) => {
                if self.transition_in(conn, rcx, order.id, order.status, event, Some(note)).await?.is_none() {
                    return Err(OrderError::Conflict);
                }
            }
            None => self.note_in(conn, rcx, order.id, note).await?,
        }
        Ok(())
    }

    /// Changes a fulfilment's tracking, or marks it delivered (`delivered: true` sets DELIVERED
    /// and the time; `false` takes it back to SHIPPED). Fields left `None` stay; an empty string
    /// clears one. Vendor members with Fulfil, and staff.
    ///
    /// # Errors
    /// `FulfillmentNotFound`, `InvalidTracking`; `Unauthenticated`, `Forbidden`.
    #[tracing::instrument(name = "orders.fulfillment_update", skip(self, rcx, tracking))]
    pub async fn fulfillment_update(
        &self,
        rcx: &RequestContext,
        id: FulfillmentId,
        tracking: Tracking,
        delivered: Option<bool>,
    ) -> Result<Fulfillment, OrderError> {
        if rcx.viewer.is_none() && !rcx.system {
            return Err(OrderError::Unauthenticated);
        }
        let vendor = repo::fulfillment_owner(&self.db, id).await?.ok_or(OrderError::FulfillmentNotFound)?;
        self.vendors.authorize(rcx, vendor, VendorPermission::Fulfil).await.map_err(|e| match OrderError::from(e) {
            OrderError::VendorOrderNotFound => OrderError::FulfillmentNotFound,
            e => e,
        })?;
        let given = tracking.clone();
        let checked = tracking.normalized().map_err(tracking_error)?;
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let mut f = repo::fulfillment_of(&txn, vendor, id).await?.ok_or(OrderError::FulfillmentNotFound)?;
        if given.carrier.is_some() {
            f.carrier = checked.carrier;
        }
        if given.tracking_number.is_some() {
            f.tracking_number = checked.tracking_number;
        }
        if given.tracking_url.is_some() {
            f.tracking_url = checked.tracking_url;
        }
        match delivered {
            Some(true) if f.status != FulfillmentStatus::Delivered => {
                f.status = FulfillmentStatus::Delivered;
                f.delivered_at = Some(now);
                self.note_in(&txn, rcx, f.order_id, "shipment delivered".into()).await?;
            }
            Some(false) => {
                f.status = FulfillmentStatus::Shipped;
                f.delivered_at = None;
            }
            _ => {}
        }
        f.updated_at = now;
        repo::update_fulfillment(&txn, &f).await?;
        events::fulfillment_in(&txn, &f, events::FULFILLMENT_UPDATED, now).await?;
        txn.commit().await?;
        Ok(f)
    }

    /// Checks a cancellation of lines before any write (the payments slice calls it first).
    ///
    /// # Errors
    /// `NoLines`, `InvalidQuantity`, `InvalidReason`.
    pub fn check_cancel(
        lines: &[(OrderLineId, i64)],
        reason: Option<String>,
    ) -> Result<(Vec<LineRequest>, Option<String>), OrderError> {
        let lines = check_lines(lines)?;
        let reason = reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
        if reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
            return Err(OrderError::InvalidReason);
        }
        Ok((lines, reason))
    }

    /// Cancels unshipped units of vendor order `id` of `vendor` inside `conn` (the caller
    /// authorised it with Fulfil and checked the input with [`Self::check_cancel`]): guarded
    /// counts, held stock given back, the vendor order and the order moved (CANCELLED when
    /// nothing was shipped and nothing is left, FULFILLED when the rest was shipped), an order
    /// history note and the `vendor_order.lines_cancel` audit entry. The refund is the caller's.
    ///
    /// # Errors
    /// `VendorOrderNotFound`, `VendorOrderNotCancellable`, `NotALine`, `InvalidQuantity`
    /// (more than is left unshipped), `Conflict`.
    pub async fn cancel_lines_in(
        &self,
        conn: &impl ConnectionTrait,
        rcx: &RequestContext,
        vendor: VendorId,
        id: VendorOrderId,
        lines: &[LineRequest],
        reason: Option<String>,
    ) -> Result<CancelledLines, OrderError> {
        let (order, mut units) = self.locked_vendor_order(conn, vendor, id).await?;
        let vo = order.vendor_orders.iter().find(|v| v.id == id).ok_or(OrderError::VendorOrderNotFound)?;
        if !matches!(vo.status, OrderStatus::Paid | OrderStatus::PartiallyFulfilled) {
            return Err(OrderError::VendorOrderNotCancellable);
        }
        let before: Vec<_> = lines
            .iter()
            .filter_map(|l| {
                units
                    .get(&l.line)
                    .map(|u| serde_json::json!({ "orderLineId": l.line, "cancelledQuantity": u.cancelled }))
            })
            .collect();
        take_units(&mut units, lines, |u| &mut u.cancelled)?;
        for l in lines {
            let variant = order.lines.iter().find(|x| x.id == l.line).map(|x| x.variant_id);
            let Some(variant) = variant else { return Err(OrderError::Conflict) };
            if !repo::add_cancelled(conn, id, l.line, l.quantity).await? {
                return Err(OrderError::Conflict);
            }
            self.catalog.release_in(conn, variant, l.quantity).await?;
        }
        let after: Vec<_> = lines
            .iter()
            .map(|l| serde_json::json!({ "orderLineId": l.line, "cancelledQuantity": units[&l.line].cancelled }))
            .collect();
        let cancelled: u32 = lines.iter().map(|l| l.quantity).sum();
        let mut note = format!("{} cancelled before shipping", units_text(cancelled));
        if let Some(r) = &reason {
            note.push_str(&format!(": {r}"));
        }
        self.progress_in(conn, rcx, &order, id, vo.status, &units, note).await?;
        let entry = NewAuditEntry::new(
            "vendor_order.lines_cancel",
            "VendorOrder",
            id,
            serde_json::json!({ "lines": before }),
            serde_json::json!({ "lines": after, "reason": reason }),
        )
        .vendor(vendor);
        audit::record_in(conn, rcx, entry, self.clock.now()).await?;
        Ok(CancelledLines { order, vendor_id: vendor, lines: lines.iter().map(|l| (l.line, l.quantity)).collect() })
    }
}

/// Counts `lines` against what each order line has left (`quantity − fulfilled − cancelled`),
/// adding each request to the counter `counter` picks (shipped or cancelled units).
///
/// # Errors
/// `NotALine` for a line not of the vendor order, `InvalidQuantity` for more than is left; at
/// the request's index.
fn take_units(
    units: &mut HashMap<OrderLineId, LineUnits>,
    lines: &[LineRequest],
    counter: fn(&mut LineUnits) -> &mut u32,
) -> Result<(), OrderError> {
    for l in lines {
        let u = units.get_mut(&l.line).ok_or(OrderError::NotALine { index: l.index })?;
        if l.quantity > u.quantity - u.fulfilled - u.cancelled {
            return Err(OrderError::InvalidQuantity { index: l.index });
        }
        *counter(u) += l.quantity;
    }
    Ok(())
}
