//! Cart line use cases: add, update, remove. Every write bumps the cart's version first, then
//! changes lines with single guarded statements, so concurrent writers never lose an update.

use sea_orm::TransactionTrait;

use super::CartService;
use crate::{
    cart::{
        error::{CartError, path},
        model::{Cart, CartLine},
        repo,
    },
    context::RequestContext,
    shared::ids::{CartId, CartLineId, VariantId},
};

/// A planned addition to one line: `line.quantity` more units, the line holding at most `bound`
/// afterwards.
pub(super) struct Addition {
    line: CartLine,
    /// The line's quantity when the cart was read (0 for a new line: lines hold at least 1).
    seen: u32,
    bound: u32,
    available: u32,
    /// The request line this addition answers for in errors.
    index: usize,
}

impl Addition {
    /// Why the line cannot take the addition: stock when stock is the tighter bound.
    fn over_bound(&self, max_per_line: u32) -> CartError {
        let field = path(["lines", &self.index.to_string(), "quantity"]);
        if self.available < max_per_line {
            CartError::InsufficientStock { field, available: self.available }
        } else {
            CartError::InvalidQuantity { field, max: max_per_line }
        }
    }
}

impl CartService {
    /// Checks requested additions against the cart and the catalog as read; returns, per
    /// variant, how many units to add (a line's `quantity`) and the most its line may then hold.
    /// The write re-checks that bound in the same statement as the increment.
    pub(super) async fn plan_additions(
        &self,
        cart: &Cart,
        adds: &[(VariantId, u32)],
    ) -> Result<Vec<Addition>, CartError> {
        let ids: Vec<VariantId> = adds.iter().map(|(v, _)| *v).collect();
        let sellable = self.catalog.sellable(&self.db, &ids).await?;
        let max = self.limits.max_quantity_per_line;
        let mut planned: Vec<Addition> = Vec::new();
        for (i, (variant, qty)) in adds.iter().enumerate() {
            self.check_quantity(*qty, path(["lines", &i.to_string(), "quantity"]))?;
            let s = sellable
                .get(variant)
                .ok_or(CartError::VariantUnavailable { field: path(["lines", &i.to_string(), "variantId"]) })?;
            let available = u32::try_from(s.variant.available()).unwrap_or(0);
            let add = match planned.iter_mut().find(|a| a.line.variant_id == *variant) {
                Some(a) => a,
                None => {
                    let existing = cart.lines.iter().find(|l| l.variant_id == *variant);
                    planned.push(Addition {
                        line: CartLine {
                            id: existing.map_or_else(CartLineId::new, |l| l.id),
                            variant_id: *variant,
                            quantity: 0,
                            unit_price: s.variant.price,
                        },
                        seen: existing.map_or(0, |l| l.quantity),
                        bound: max.min(available),
                        available,
                        index: i,
                    });
                    planned.last_mut().expect("just pushed")
                }
            };
            add.line.quantity = add.line.quantity.saturating_add(*qty);
            add.index = i;
            let total = add.seen.saturating_add(add.line.quantity);
            self.check_quantity(total, path(["lines", &i.to_string(), "quantity"]))?;
            if total > available {
                return Err(add.over_bound(max));
            }
        }
        let new_lines = planned.iter().filter(|a| a.seen == 0).count();
        if cart.lines.len() + new_lines > self.limits.max_lines_per_cart {
            return Err(CartError::TooManyLines { max: self.limits.max_lines_per_cart });
        }
        Ok(planned)
    }

    /// Writes planned additions as increments: the cart's version first (refused when the cart
    /// is no longer ACTIVE), then one upsert per line. Concurrent additions all count.
    pub(super) async fn write_additions(
        &self,
        txn: &impl sea_orm::ConnectionTrait,
        cart: CartId,
        planned: &[Addition],
    ) -> Result<(), CartError> {
        let now = self.clock.now();
        if !repo::touch(txn, cart, now).await? {
            return Err(CartError::CartCompleted);
        }
        for add in planned {
            if !repo::add_to_line(txn, cart, &add.line, add.bound, now).await? {
                return Err(add.over_bound(self.limits.max_quantity_per_line));
            }
        }
        Ok(())
    }

    /// Adds lines; a variant already in the cart has its quantity increased.
    ///
    /// # Errors
    /// `CartNotFound`, `CartCompleted`, `InvalidQuantity`, `VariantUnavailable`,
    /// `InsufficientStock`, `TooManyLines`.
    #[tracing::instrument(name = "cart.add_lines", skip_all)]
    pub async fn add_lines(
        &self,
        rcx: &RequestContext,
        id: CartId,
        lines: Vec<(VariantId, u32)>,
    ) -> Result<Cart, CartError> {
        let cart = self.load_active(rcx, id).await?;
        let planned = self.plan_additions(&cart, &lines).await?;
        let txn = self.db.begin().await?;
        self.write_additions(&txn, id, &planned).await?;
        txn.commit().await?;
        self.load_active(rcx, id).await
    }

    /// Sets line quantities. Updating a line also accepts its current price (refreshes the
    /// snapshot), which clears a `PRICE_CHANGED` problem.
    ///
    /// # Errors
    /// `CartNotFound`, `CartCompleted`, `LineNotFound`, `InvalidQuantity`,
    /// `VariantUnavailable`, `InsufficientStock`.
    #[tracing::instrument(name = "cart.update_lines", skip_all)]
    pub async fn update_lines(
        &self,
        rcx: &RequestContext,
        id: CartId,
        updates: Vec<(CartLineId, u32)>,
    ) -> Result<Cart, CartError> {
        let cart = self.load_active(rcx, id).await?;
        let ids: Vec<VariantId> = cart.lines.iter().map(|l| l.variant_id).collect();
        let sellable = self.catalog.sellable(&self.db, &ids).await?;
        let mut changed = Vec::new();
        for (i, (line_id, qty)) in updates.iter().enumerate() {
            let mut line = cart
                .lines
                .iter()
                .find(|l| l.id == *line_id)
                .cloned()
                .ok_or(CartError::LineNotFound { field: path(["lines", &i.to_string(), "id"]) })?;
            self.check_quantity(*qty, path(["lines", &i.to_string(), "quantity"]))?;
            let s = sellable
                .get(&line.variant_id)
                .ok_or(CartError::VariantUnavailable { field: path(["lines", &i.to_string(), "id"]) })?;
            let available = u32::try_from(s.variant.available()).unwrap_or(0);
            if *qty > available {
                return Err(CartError::InsufficientStock {
                    field: path(["lines", &i.to_string(), "quantity"]),
                    available,
                });
            }
            line.quantity = *qty;
            line.unit_price = s.variant.price;
            changed.push((i, line));
        }
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        if !repo::touch(&txn, id, now).await? {
            return Err(CartError::CartCompleted);
        }
        for (i, line) in &changed {
            // Removed meanwhile by a concurrent call.
            if !repo::set_line(&txn, id, line, now).await? {
                return Err(CartError::LineNotFound { field: path(["lines", &i.to_string(), "id"]) });
            }
        }
        txn.commit().await?;
        self.load_active(rcx, id).await
    }

    /// Removes lines.
    ///
    /// # Errors
    /// `CartNotFound`, `CartCompleted`, `LineNotFound`.
    #[tracing::instrument(name = "cart.remove_lines", skip_all)]
    pub async fn remove_lines(
        &self,
        rcx: &RequestContext,
        id: CartId,
        line_ids: Vec<CartLineId>,
    ) -> Result<Cart, CartError> {
        let cart = self.load_active(rcx, id).await?;
        if let Some(i) = line_ids.iter().position(|l| !cart.lines.iter().any(|c| c.id == *l)) {
            return Err(CartError::LineNotFound { field: path(["lineIds", &i.to_string()]) });
        }
        let txn = self.db.begin().await?;
        if !repo::touch(&txn, id, self.clock.now()).await? {
            return Err(CartError::CartCompleted);
        }
        repo::delete_lines(&txn, id, &line_ids).await?;
        txn.commit().await?;
        self.load_active(rcx, id).await
    }
}
