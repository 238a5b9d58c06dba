//! The outbox events of the catalog (see the table in `crate::outbox`), appended in the
//! transaction of the change. Aggregates: `product` (written under the product's row) and
//! `variant` (stock and price, written right after the variant's guarded update, which holds
//! its row until commit, so one variant's events are numbered in commit order).

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use serde_json::json;

use super::{CatalogService, repo};
use crate::{
    catalog::model::{Product, ProductStatus, Variant},
    outbox::NewEvent,
    shared::{ids::VariantId, money::Money},
};

/// A product was created: `{ productId, vendorId, status, approvalStatus }`.
pub const PRODUCT_CREATED: &str = "product.created";
/// A product's fields changed: the same payload.
pub const PRODUCT_UPDATED: &str = "product.updated";
/// A product was archived: the same payload.
pub const PRODUCT_ARCHIVED: &str = "product.archived";
/// A product was approved for the storefront: the same payload.
pub const PRODUCT_APPROVED: &str = "product.approved";
/// A product's review moved otherwise (submitted, rejected, sent back to review): the same
/// payload.
pub const PRODUCT_REVIEW_CHANGED: &str = "product.review_changed";
/// A variant's stock moved (received, reserved, released, shipped, restocked): `{ variantId,
/// productId, vendorId, sku, stockOnHand, reserved, quantityAvailable, inStock }`.
pub const STOCK_CHANGED: &str = "stock.changed";
/// A variant's available quantity fell to the low-stock threshold or below (it was above):
/// `{ variantId, productId, vendorId, sku, quantityAvailable, threshold }`.
pub const STOCK_LOW: &str = "stock.low";
/// A variant's price changed: `{ variantId, productId, vendorId, sku, price, previousPrice,
/// currencyCode }` (amounts as decimal strings).
pub const PRICE_CHANGED: &str = "price.changed";

fn event(
    aggregate_type: &'static str,
    id: String,
    event_type: &'static str,
    payload: serde_json::Value,
    occurred_at: DateTime<Utc>,
) -> NewEvent {
    NewEvent { aggregate_type, aggregate_id: id, event_type, version: 1, payload, occurred_at }
}

impl CatalogService {
    /// `event_type` about `p` as it is now.
    pub(super) async fn product_event_in(
        &self,
        conn: &impl ConnectionTrait,
        p: &Product,
        event_type: &'static str,
    ) -> Result<(), DbErr> {
        let payload = json!({
            "productId": p.id, "vendorId": p.vendor_id, "status": p.status.as_str(),
            "approvalStatus": p.approval_status.as_str()
        });
        crate::outbox::append_in(conn, event("product", p.id.to_string(), event_type, payload, self.clock.now())).await
    }

    /// [`PRODUCT_ARCHIVED`] when `p` became archived, else [`PRODUCT_UPDATED`].
    pub(super) fn update_event(before: ProductStatus, p: &Product) -> &'static str {
        if before != ProductStatus::Archived && p.status == ProductStatus::Archived {
            PRODUCT_ARCHIVED
        } else {
            PRODUCT_UPDATED
        }
    }

    /// [`STOCK_CHANGED`] for variant `id` after a change of its available quantity by
    /// `available_delta`, and [`STOCK_LOW`] when that change crossed the low-stock threshold.
    pub(super) async fn stock_changed_in(
        &self,
        conn: &impl ConnectionTrait,
        id: VariantId,
        available_delta: i64,
    ) -> Result<(), DbErr> {
        let Some(v) = repo::variants_by_ids(conn, &[id]).await?.remove(&id) else { return Ok(()) };
        let vendor = repo::vendor_of_variant(conn, id).await?;
        let available = i64::from(v.available());
        let payload = json!({
            "variantId": v.id, "productId": v.product_id, "vendorId": vendor, "sku": v.sku.as_str(),
            "stockOnHand": v.stock_on_hand, "reserved": v.reserved, "quantityAvailable": available,
            "inStock": available > 0
        });
        crate::outbox::append_in(conn, event("variant", id.to_string(), STOCK_CHANGED, payload, self.clock.now()))
            .await?;
        let threshold = i64::from(self.low_stock_threshold);
        let before = available - available_delta;
        if before > threshold && available <= threshold {
            let payload = json!({
                "variantId": v.id, "productId": v.product_id, "vendorId": vendor, "sku": v.sku.as_str(),
                "quantityAvailable": available, "threshold": threshold
            });
            crate::outbox::append_in(conn, event("variant", id.to_string(), STOCK_LOW, payload, self.clock.now()))
                .await?;
        }
        Ok(())
    }

    /// [`PRICE_CHANGED`] when `v`'s price differs from `before`.
    pub(super) async fn price_changed_in(
        &self,
        conn: &impl ConnectionTrait,
        v: &Variant,
        before: Money,
        vendor: crate::shared::ids::VendorId,
    ) -> Result<(), DbErr> {
        if v.price == before {
            return Ok(());
        }
        let payload = json!({
            "variantId": v.id, "productId": v.product_id, "vendorId": vendor, "sku": v.sku.as_str(),
            "price": v.price.amount().to_string(), "previousPrice": before.amount().to_string(),
            "currencyCode": v.price.currency().code()
        });
        crate::outbox::append_in(conn, event("variant", v.id.to_string(), PRICE_CHANGED, payload, self.clock.now()))
            .await
    }
}
