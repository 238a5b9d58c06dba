//! Variant and stock use cases: create, update, archive variants; adjust stock; hold, release and ship units for orders.
//! Writes are for staff and the members of the product's vendor with `Catalog` (see the module
//! doc of `service`); variant price and stock edits never send a product back to review.

use chrono::Utc;
use sea_orm::TransactionTrait;

use super::*;

impl CatalogService {
    /// Adds a variant to a product.
    ///
    /// # Errors
    /// `NotFound` (productId), `Required` (sku, price), `Invalid`, `Taken` (sku),
    /// `NegativePrice`, `PriceTooPrecise`, `VendorNotActive`; `Unauthenticated`, `Forbidden`.
    #[tracing::instrument(name = "catalog.create_variant", skip(self, rcx, f))]
    pub async fn create_variant(
        &self,
        rcx: &RequestContext,
        product_id: ProductId,
        f: VariantFields,
    ) -> Result<Variant, CatalogError> {
        let txn = self.db.begin().await?;
        self.product_for_edit(&txn, rcx, product_id, path(["productId"])).await?;
        let existing =
            repo::variants_by_product_ids(&txn, &[product_id]).await?.remove(&product_id).unwrap_or_default();
        let v = self.new_variant(product_id, f, &[], existing.len())?;
        let now = Utc::now();
        repo::insert_variant(&txn, &v, now).await?;
        self.record_initial_stock(&txn, rcx, &v).await?;
        repo::refresh_min_price(&txn, product_id, now).await?;
        txn.commit().await?;
        Ok(v)
    }

    /// Updates a variant (not its stock: see [`CatalogService::adjust_stock`]).
    ///
    /// # Errors
    /// `NotFound`, `Invalid`, `Taken` (sku), `NegativePrice`, `PriceTooPrecise`, `VendorNotActive`; `Unauthenticated`, `Forbidden`.
    #[tracing::instrument(name = "catalog.update_variant", skip(self, rcx, f))]
    pub async fn update_variant(
        &self,
        rcx: &RequestContext,
        id: VariantId,
        f: VariantFields,
    ) -> Result<Variant, CatalogError> {
        let txn = self.db.begin().await?;
        let mut v = self.variant_for_edit(&txn, rcx, id, path(["id"])).await?;
        if f.stock_on_hand.is_some() {
            return Err(CatalogError::Invalid {
                field: path(["stockOnHand"]),
                message: "change stock with stockAdjust, which records a reason",
            });
        }
        let before = v.price;
        self.apply_variant_fields(&mut v, f)?;
        let now = Utc::now();
        repo::update_variant(&txn, &v, now).await?;
        repo::refresh_min_price(&txn, v.product_id, now).await?;
        if let Some(vendor) = repo::vendor_of_variant(&txn, id).await? {
            self.price_changed_in(&txn, &v, before, vendor).await?;
        }
        txn.commit().await?;
        Ok(v)
    }

    fn apply_variant_fields(&self, v: &mut Variant, f: VariantFields) -> Result<(), CatalogError> {
        if let Some(s) = &f.sku {
            v.sku = Sku::parse(s).map_err(|_| CatalogError::Invalid {
                field: path(["sku"]),
                message: "SKUs are 1 to 64 letters, digits, dashes, underscores or dots",
            })?;
        }
        if let Some(t) = &f.title {
            v.title = text(t, MAX_TITLE, path(["title"]))?;
        }
        if let Some(o) = f.options {
            check_options(&o, &[])?;
            v.options = o;
        }
        if let Some(p) = f.price {
            v.price = price(p, self.currency, path(["price"]))?;
        }
        if let Some(c) = f.compare_at_price {
            v.compare_at_price = c.map(|d| price(d, self.currency, path(["compareAtPrice"]))).transpose()?;
        }
        if let Some(w) = f.weight_grams {
            if w.is_some_and(|w| w < 0) {
                return Err(CatalogError::Invalid {
                    field: path(["weightGrams"]),
                    message: "weight cannot be negative",
                });
            }
            v.weight_grams = w;
        }
        if let Some(p) = f.position {
            v.position = p;
        }
        Ok(())
    }

    /// Archives a variant: no longer sold or shown; kept for order history.
    ///
    /// # Errors
    /// `NotFound`, `VendorNotActive`; `Unauthenticated`, `Forbidden`.
    #[tracing::instrument(name = "catalog.archive_variant", skip(self, rcx))]
    pub async fn archive_variant(&self, rcx: &RequestContext, id: VariantId) -> Result<Variant, CatalogError> {
        let txn = self.db.begin().await?;
        let mut v = self.variant_for_edit(&txn, rcx, id, path(["id"])).await?;
        v.archived = true;
        let now = Utc::now();
        repo::update_variant(&txn, &v, now).await?;
        repo::refresh_min_price(&txn, v.product_id, now).await?;
        txn.commit().await?;
        Ok(v)
    }

    /// Changes stock on hand by `delta` with a reason, writing a stock movement. The change is
    /// one guarded update, so concurrent adjustments never lose an update nor go below zero.
    ///
    /// # Errors
    /// `NotFound` (variantId), `Invalid` (delta 0), `InsufficientStock` (would go below zero),
    /// `VendorNotActive`; `Unauthenticated`, `Forbidden`.
    #[tracing::instrument(name = "catalog.adjust_stock", skip(self, rcx, note))]
    pub async fn adjust_stock(
        &self,
        rcx: &RequestContext,
        id: VariantId,
        delta: i32,
        reason: StockReason,
        note: Option<String>,
    ) -> Result<(Variant, StockMovement), CatalogError> {
        let txn = self.db.begin().await?;
        let mut v = self.variant_for_edit(&txn, rcx, id, path(["variantId"])).await?;
        if delta == 0 {
            return Err(CatalogError::Invalid { field: path(["delta"]), message: "the change must not be zero" });
        }
        if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
            return Err(CatalogError::Invalid { field: path(["note"]), message: "notes are at most 500 characters" });
        }
        if i64::from(v.stock_on_hand) + i64::from(delta) > i64::from(i32::MAX) {
            return Err(CatalogError::Invalid {
                field: path(["delta"]),
                message: "stock would exceed the largest storable quantity",
            });
        }
        let after = repo::adjust_stock(&txn, id, delta)
            .await?
            .ok_or(CatalogError::InsufficientStock { field: path(["delta"]) })?;
        let movement = StockMovement {
            id: StockMovementId::new(),
            variant_id: id,
            delta,
            quantity_after: after,
            reason,
            note,
            actor_id: rcx.viewer.map(|v| v.user_id),
            created_at: Utc::now(),
        };
        repo::insert_stock_movement(&txn, &movement).await?;
        self.stock_changed_in(&txn, id, i64::from(delta)).await?;
        txn.commit().await?;
        v.stock_on_hand = after;
        Ok((v, movement))
    }
}
