//! Catalog use cases: storefront reads here; writes in `categories` (staff), `products` and
//! `variants` (staff, and members of the product's vendor whose role allows catalog work), and
//! the review workflow in `approval`. Each write is one transaction.
//!
//! Who may write: staff on every product; a vendor member on its own vendor's products only,
//! with the `Catalog` permission (OWNER, EDITOR), and only while the vendor is ACTIVE. Every
//! write finds the product's vendor, authorises the caller on it, then loads the product scoped
//! to that vendor.

mod approval;
mod categories;
pub mod events;
mod products;
mod variants;

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;
use sea_orm::{DatabaseConnection, DbErr};

use crate::{
    catalog::{
        error::{CatalogError, FieldPath, path},
        model::{
            ApprovalEvent, ApprovalStatus, Attribute, AttributeValue, Category, HistoryAction, HistoryEntry,
            OptionValue, Product, ProductFilter, ProductImage, ProductSort, ProductStatus, Sellable, StockMovement,
            StockReason, Variant, approval_transition, breadcrumbs, descendants, would_cycle,
        },
        repo,
    },
    context::RequestContext,
    shared::{
        ids::{CategoryId, ProductId, StockMovementId, VariantId, VendorId},
        money::{Currency, MAX_PRICE_MINOR, Money, MoneyError},
        pagination::{Page, PageRequest},
        text::{Sku, Slug, required_text},
    },
    vendors::{
        VendorService,
        model::{Vendor, VendorAccess, VendorPermission, VendorStatus},
    },
};

/// Editable product fields; `None` leaves a field as it is (or at its default on create).
#[derive(Debug, Clone, Default)]
pub struct ProductFields {
    pub title: Option<String>,
    pub slug: Option<String>,
    pub description: Option<String>,
    pub status: Option<ProductStatus>,
    pub category_ids: Option<Vec<CategoryId>>,
    pub attributes: Option<Vec<Attribute>>,
    /// `(url, alt)` in display order; replaces all images.
    pub images: Option<Vec<(String, Option<String>)>>,
    /// Which tax rates apply; defaults to "standard".
    pub tax_class: Option<String>,
}

/// Editable variant fields; `None` leaves a field as it is. Stock is set only on create; later
/// changes go through [`CatalogService::adjust_stock`] so every change has a reason.
#[derive(Debug, Clone, Default)]
pub struct VariantFields {
    pub sku: Option<String>,
    pub title: Option<String>,
    pub options: Option<Vec<OptionValue>>,
    pub price: Option<Decimal>,
    /// `Some(None)` clears the compare-at price.
    pub compare_at_price: Option<Option<Decimal>>,
    pub stock_on_hand: Option<i32>,
    pub weight_grams: Option<Option<i32>>,
    pub position: Option<i32>,
}

#[derive(Debug, Clone, Default)]
pub struct CategoryFields {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub description: Option<String>,
    /// `Some(None)` moves the category to the top level.
    pub parent_id: Option<Option<CategoryId>>,
    pub position: Option<i32>,
}

/// A storefront product search.
#[derive(Debug, Clone, Default)]
pub struct ProductQuery {
    pub category_id: Option<CategoryId>,
    pub vendor_id: Option<VendorId>,
    pub min_price: Option<Decimal>,
    pub max_price: Option<Decimal>,
    pub attributes: Vec<(String, Vec<String>)>,
    pub in_stock: bool,
    pub title_contains: Option<String>,
    /// Staff and vendor listings only; storefront callers always get ACTIVE (and approved)
    /// products.
    pub statuses: Vec<ProductStatus>,
}

const MAX_TITLE: usize = 200;
const MAX_DESCRIPTION: usize = 20_000;
const MAX_VARIANTS_PER_CALL: usize = 100;

#[derive(Clone)]
pub struct CatalogService {
    db: DatabaseConnection,
    vendors: VendorService,
    currency: Currency,
    /// Available quantity at or below which a variant is low on stock (`stock.low`).
    low_stock_threshold: i32,
    /// When outbox events happen (the rest of the catalog still reads `Utc::now()`).
    clock: crate::shared::clock::SharedClock,
}

fn price(amount: Decimal, currency: Currency, field: FieldPath) -> Result<Money, CatalogError> {
    Money::parse_price(amount, currency).map_err(|e| match e {
        MoneyError::Negative => CatalogError::NegativePrice { field },
        MoneyError::TooPrecise => CatalogError::PriceTooPrecise { field },
        _ => CatalogError::Invalid {
            field,
            message: "prices are at most 1,000,000,000.00 (100,000,000,000 minor units)",
        },
    })
}

/// Required, trimmed text of at most `max` characters: empty is `Required`, longer is `Invalid`.
fn text(s: &str, max: usize, field: FieldPath) -> Result<String, CatalogError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(CatalogError::Required { field });
    }
    required_text(t, max).ok_or(CatalogError::Invalid { field, message: "this text is too long" })
}

fn with(prefix: &[String], rest: &[&str]) -> FieldPath {
    prefix.iter().cloned().chain(rest.iter().map(|s| (*s).to_owned())).collect()
}

fn check_attributes(attrs: &[Attribute]) -> Result<(), CatalogError> {
    let mut seen = HashSet::new();
    for (i, a) in attrs.iter().enumerate() {
        let key_ok = (1..=64).contains(&a.key.len())
            && a.key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !key_ok {
            return Err(CatalogError::Invalid {
                field: path(["attributes", &i.to_string(), "key"]),
                message: "attribute keys are 1 to 64 lowercase letters, digits and underscores",
            });
        }
        if !seen.insert(a.key.as_str()) {
            return Err(CatalogError::Invalid {
                field: path(["attributes", &i.to_string(), "key"]),
                message: "duplicate attribute key",
            });
        }
        if let AttributeValue::Text(t) = &a.value
            && (t.is_empty() || t.chars().count() > 200)
        {
            return Err(CatalogError::Invalid {
                field: path(["attributes", &i.to_string(), "value"]),
                message: "text values are 1 to 200 characters",
            });
        }
    }
    Ok(())
}

fn check_tax_class(class: Option<&String>) -> Result<(), CatalogError> {
    let ok = class.is_none_or(|c| {
        (1..=32).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    });
    if ok {
        Ok(())
    } else {
        Err(CatalogError::Invalid {
            field: path(["taxClass"]),
            message: "tax classes are 1 to 32 lowercase letters, digits and underscores",
        })
    }
}

fn check_images(images: &[(String, Option<String>)]) -> Result<Vec<(String, String)>, CatalogError> {
    images
        .iter()
        .enumerate()
        .map(|(i, (url, alt))| {
            let ok = (url.starts_with("https://") || url.starts_with("http://"))
                && url.len() <= 2048
                && !url.contains(char::is_whitespace);
            if !ok {
                return Err(CatalogError::Invalid {
                    field: path(["images", &i.to_string(), "url"]),
                    message: "image URLs are absolute http(s) URLs",
                });
            }
            Ok((url.clone(), alt.clone().unwrap_or_default()))
        })
        .collect()
}

fn check_options(options: &[OptionValue], prefix: &[String]) -> Result<(), CatalogError> {
    if options.len() > 10 {
        return Err(CatalogError::Invalid { field: with(prefix, &["options"]), message: "at most 10 options" });
    }
    for (i, o) in options.iter().enumerate() {
        let bad = |s: &str| s.trim().is_empty() || s.chars().count() > 50;
        if bad(&o.name) || bad(&o.value) {
            return Err(CatalogError::Invalid {
                field: with(prefix, &["options", &i.to_string()]),
                message: "option names and values are 1 to 50 characters",
            });
        }
    }
    Ok(())
}

impl CatalogService {
    pub fn new(db: DatabaseConnection, vendors: VendorService, currency: Currency) -> Self {
        let clock = std::sync::Arc::new(crate::shared::clock::SystemClock);
        Self { db, vendors, currency, low_stock_threshold: 5, clock }
    }

    /// With the available quantity at or below which a variant is low on stock
    /// (`realtime.low_stock_threshold`) and the clock that dates its outbox events.
    pub fn with_events(mut self, low_stock_threshold: i32, clock: crate::shared::clock::SharedClock) -> Self {
        self.low_stock_threshold = low_stock_threshold.max(0);
        self.clock = clock;
        self
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    fn ensure_staff(rcx: &RequestContext) -> Result<(), CatalogError> {
        if rcx.is_staff() {
            Ok(())
        } else if rcx.viewer.is_none() {
            Err(CatalogError::Unauthenticated)
        } else {
            Err(CatalogError::Forbidden)
        }
    }

    /// Members edit their vendor's catalog only while it is ACTIVE; staff always may.
    fn ensure_editable(vendor: &Vendor, access: VendorAccess, field: FieldPath) -> Result<(), CatalogError> {
        if access.is_staff() || vendor.status == VendorStatus::Active {
            Ok(())
        } else {
            Err(CatalogError::VendorNotActive { field })
        }
    }

    /// Lets `rcx` edit `vendor_id`'s catalog (inside `conn`): staff, or a member whose role
    /// allows `Catalog`, of an ACTIVE vendor.
    async fn authorize_catalog_in(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        rcx: &RequestContext,
        vendor_id: VendorId,
        field: FieldPath,
    ) -> Result<(Vendor, VendorAccess), CatalogError> {
        let (vendor, access) = self.vendors.authorize_in(conn, rcx, vendor_id, VendorPermission::Catalog).await?;
        Self::ensure_editable(&vendor, access, field)?;
        Ok((vendor, access))
    }

    /// Product `id` for an edit by `rcx`: its vendor is found, `rcx` authorised on it
    /// ([`Self::authorize_catalog_in`]), then the product is loaded scoped to that vendor.
    /// `NotFound` at `field` when there is no such product.
    async fn product_for_edit(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        rcx: &RequestContext,
        id: ProductId,
        field: FieldPath,
    ) -> Result<(Product, Vendor, VendorAccess), CatalogError> {
        if rcx.viewer.is_none() && !rcx.system {
            return Err(CatalogError::Unauthenticated);
        }
        let not_found = || CatalogError::NotFound { field: field.clone() };
        let vendor_id = repo::vendor_of_product(conn, id).await?.ok_or_else(not_found)?;
        let (vendor, access) = self.authorize_catalog_in(conn, rcx, vendor_id, field.clone()).await?;
        let p = repo::product_of_vendor(conn, vendor_id, id).await?.ok_or_else(not_found)?;
        Ok((p, vendor, access))
    }

    /// Variant `id` for an edit by `rcx`, authorised on its product's vendor like
    /// [`Self::product_for_edit`].
    async fn variant_for_edit(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        rcx: &RequestContext,
        id: VariantId,
        field: FieldPath,
    ) -> Result<Variant, CatalogError> {
        if rcx.viewer.is_none() && !rcx.system {
            return Err(CatalogError::Unauthenticated);
        }
        let not_found = || CatalogError::NotFound { field: field.clone() };
        let vendor_id = repo::vendor_of_variant(conn, id).await?.ok_or_else(not_found)?;
        self.authorize_catalog_in(conn, rcx, vendor_id, field.clone()).await?;
        repo::variant_of_vendor(conn, vendor_id, id).await?.ok_or_else(not_found)
    }

    /// Writes one entry of a product's history (in the caller's transaction).
    async fn record_history(
        conn: &impl sea_orm::ConnectionTrait,
        rcx: &RequestContext,
        p: &Product,
        action: HistoryAction,
        from: Option<ApprovalStatus>,
        reason: Option<String>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), DbErr> {
        let entry = HistoryEntry {
            product_id: p.id,
            vendor_id: p.vendor_id,
            actor_id: rcx.viewer.map(|v| v.user_id),
            action,
            from,
            to: Some(p.approval_status),
            reason,
            created_at: now,
        };
        repo::insert_history(conn, &entry).await
    }

    /// The vendors among `vendors` whose private catalog data (unpublished products, approval
    /// state, history) `rcx` may see: all for staff, those the viewer is a member of otherwise.
    pub async fn viewable_vendors(
        &self,
        rcx: &RequestContext,
        vendors: &[VendorId],
    ) -> Result<HashSet<VendorId>, DbErr> {
        if rcx.is_staff() {
            return Ok(vendors.iter().copied().collect());
        }
        let mut out = HashSet::new();
        if rcx.viewer.is_none() {
            return Ok(out);
        }
        for v in vendors.iter().copied().collect::<HashSet<_>>() {
            match self.vendors.authorize(rcx, v, VendorPermission::View).await {
                Ok(_) => {
                    out.insert(v);
                }
                Err(crate::vendors::VendorError::Db(e)) => return Err(e),
                Err(_) => {}
            }
        }
        Ok(out)
    }

    // ---------- reads ----------

    /// Categories in tree order data (parents before use): archived ones only for staff.
    pub async fn categories(&self, rcx: &RequestContext) -> Result<Vec<Category>, DbErr> {
        let all = repo::all_categories(&self.db).await?;
        Ok(if rcx.is_staff() { all } else { all.into_iter().filter(|c| !c.archived).collect() })
    }

    pub async fn breadcrumbs(&self, id: CategoryId) -> Result<Vec<Category>, DbErr> {
        Ok(breadcrumbs(&repo::all_categories(&self.db).await?, id))
    }

    /// The repo filter for `q`: `all` (staff, or a vendor's own listing) keeps every status and
    /// approval state; otherwise only storefront products.
    fn filter_for(
        &self,
        all: bool,
        q: &ProductQuery,
        all_categories: Option<&[Category]>,
    ) -> Result<ProductFilter, CatalogError> {
        // A bound above every possible price matches all prices (max) or none (min).
        let highest = Money::from_minor(MAX_PRICE_MINOR, self.currency).amount();
        let minor = |d: Decimal, f: &str| {
            if d > highest {
                return Ok(MAX_PRICE_MINOR + 1);
            }
            price(d, self.currency, path([f])).and_then(|m| {
                m.to_minor().map_err(|_| CatalogError::Invalid { field: path([f]), message: "out of range" })
            })
        };
        Ok(ProductFilter {
            statuses: if all { q.statuses.clone() } else { vec![ProductStatus::Active] },
            storefront: !all,
            approval_statuses: vec![],
            category_ids: match (q.category_id, all_categories) {
                (Some(root), Some(all)) => Some(descendants(all, root)),
                _ => None,
            },
            vendor_id: q.vendor_id,
            min_price_minor: q.min_price.map(|d| minor(d, "minPrice")).transpose()?,
            max_price_minor: q.max_price.map(|d| minor(d, "maxPrice")).transpose()?,
            attributes: q.attributes.clone(),
            in_stock: q.in_stock,
            title_contains: q.title_contains.clone().filter(|t| !t.trim().is_empty()),
        })
    }

    /// A page of products matching `q`; storefront callers see ACTIVE products only.
    ///
    /// # Errors
    /// `NegativePrice` / `PriceTooPrecise` for a malformed price range.
    #[tracing::instrument(name = "catalog.products", skip(self, rcx))]
    pub async fn products(
        &self,
        rcx: &RequestContext,
        q: &ProductQuery,
        sort: ProductSort,
        page: &PageRequest,
    ) -> Result<Page<Product>, CatalogError> {
        let cats = match q.category_id {
            Some(_) => Some(repo::all_categories(&self.db).await?),
            None => None,
        };
        let filter = self.filter_for(rcx.is_staff(), q, cats.as_deref())?;
        Ok(repo::list_products(&self.db, &filter, sort, page).await?)
    }

    /// How many products match `q` (for `totalCount`).
    pub async fn count_products(&self, rcx: &RequestContext, q: &ProductQuery) -> Result<u64, CatalogError> {
        let cats = match q.category_id {
            Some(_) => Some(repo::all_categories(&self.db).await?),
            None => None,
        };
        let filter = self.filter_for(rcx.is_staff(), q, cats.as_deref())?;
        Ok(repo::count_products(&self.db, &filter).await?)
    }

    /// A page of `vendor`'s own products in every status and approval state, for its members
    /// (View permission) and staff; `q.vendor_id` is ignored.
    ///
    /// # Errors
    /// `NotFound` (vendorId); `Unauthenticated`, `Forbidden`; as [`Self::products`].
    #[tracing::instrument(name = "catalog.vendor_products", skip(self, rcx))]
    pub async fn vendor_products(
        &self,
        rcx: &RequestContext,
        vendor: VendorId,
        q: &ProductQuery,
        page: &PageRequest,
    ) -> Result<(Page<Product>, u64), CatalogError> {
        self.vendors.authorize(rcx, vendor, VendorPermission::View).await?;
        let cats = match q.category_id {
            Some(_) => Some(repo::all_categories(&self.db).await?),
            None => None,
        };
        let mut filter = self.filter_for(true, q, cats.as_deref())?;
        filter.vendor_id = Some(vendor);
        let items = repo::list_products(&self.db, &filter, ProductSort::Newest, page).await?;
        let count = repo::count_products(&self.db, &filter).await?;
        Ok((items, count))
    }

    /// A product by slug: storefront products for everyone; others for staff and the members
    /// of its vendor.
    pub async fn product_by_slug(&self, rcx: &RequestContext, slug: &str) -> Result<Option<Product>, DbErr> {
        if let Some(p) = repo::storefront_product_by_slug(&self.db, slug).await? {
            return Ok(Some(p));
        }
        if rcx.viewer.is_none() && !rcx.system {
            return Ok(None);
        }
        let Some(p) = repo::product_by_slug(&self.db, slug).await? else { return Ok(None) };
        Ok(self.viewable_vendors(rcx, &[p.vendor_id]).await?.contains(&p.vendor_id).then_some(p))
    }

    /// Products by id for loaders: storefront products for everyone; the others only for staff
    /// and the members of their vendor. Invisible ones are left out.
    pub async fn products_by_ids(
        &self,
        rcx: &RequestContext,
        ids: &[ProductId],
    ) -> Result<HashMap<ProductId, Product>, DbErr> {
        if rcx.is_staff() {
            return repo::products_by_ids(&self.db, ids).await;
        }
        let mut found = repo::storefront_products_by_ids(&self.db, ids).await?;
        if rcx.viewer.is_none() || found.len() == ids.len() {
            return Ok(found);
        }
        let rest: Vec<ProductId> = ids.iter().copied().filter(|id| !found.contains_key(id)).collect();
        let hidden = repo::products_by_ids(&self.db, &rest).await?;
        let vendors: Vec<VendorId> = hidden.values().map(|p| p.vendor_id).collect();
        let viewable = self.viewable_vendors(rcx, &vendors).await?;
        found.extend(hidden.into_iter().filter(|(_, p)| viewable.contains(&p.vendor_id)));
        Ok(found)
    }

    pub async fn variants_by_ids(&self, ids: &[VariantId]) -> Result<HashMap<VariantId, Variant>, DbErr> {
        repo::variants_by_ids(&self.db, ids).await
    }

    pub async fn variants_by_product_ids(&self, ids: &[ProductId]) -> Result<HashMap<ProductId, Vec<Variant>>, DbErr> {
        repo::variants_by_product_ids(&self.db, ids).await
    }

    pub async fn images_by_product_ids(
        &self,
        ids: &[ProductId],
    ) -> Result<HashMap<ProductId, Vec<ProductImage>>, DbErr> {
        repo::images_by_product_ids(&self.db, ids).await
    }

    pub async fn categories_by_product_ids(
        &self,
        ids: &[ProductId],
    ) -> Result<HashMap<ProductId, Vec<Category>>, DbErr> {
        repo::categories_by_product_ids(&self.db, ids).await
    }

    pub async fn attributes_by_product_ids(
        &self,
        ids: &[ProductId],
    ) -> Result<HashMap<ProductId, Vec<Attribute>>, DbErr> {
        repo::attributes_by_product_ids(&self.db, ids).await
    }

    /// Stock history of a variant, newest first: for staff and the members of its product's
    /// vendor (View permission).
    ///
    /// # Errors
    /// `Unauthenticated`; `Forbidden` for everyone else.
    pub async fn stock_movements(
        &self,
        rcx: &RequestContext,
        id: VariantId,
        limit: u64,
    ) -> Result<Vec<StockMovement>, CatalogError> {
        if !rcx.is_staff() {
            if rcx.viewer.is_none() {
                return Err(CatalogError::Unauthenticated);
            }
            let Some(vendor) = repo::vendor_of_variant(&self.db, id).await? else { return Ok(vec![]) };
            self.vendors.authorize(rcx, vendor, VendorPermission::View).await?;
        }
        Ok(repo::stock_movements(&self.db, id, limit.min(100)).await?)
    }

    /// The sellable variants among `ids` (others are left out): live variants of storefront
    /// products (ACTIVE, APPROVED, vendor ACTIVE). Read on `conn` so checkout can call it inside
    /// its transaction; carts report the others as unavailable and checkout refuses them.
    pub async fn sellable(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        ids: &[VariantId],
    ) -> Result<HashMap<VariantId, Sellable>, DbErr> {
        let variants = repo::variants_by_ids(conn, ids).await?;
        let product_ids: Vec<ProductId> =
            variants.values().map(|v| v.product_id).collect::<HashSet<_>>().into_iter().collect();
        let products = repo::storefront_products_by_ids(conn, &product_ids).await?;
        let mut categories = repo::categories_by_product_ids(conn, &product_ids).await?;
        Ok(variants
            .into_iter()
            .filter_map(|(id, variant)| {
                let product = products.get(&variant.product_id)?;
                let category_ids =
                    categories.get_mut(&product.id).map(|c| c.iter().map(|c| c.id).collect()).unwrap_or_default();
                Sellable::of(variant, product, category_ids).map(|s| (id, s))
            })
            .collect())
    }

    /// Holds units for an order; `false` when fewer are available. One guarded statement, so
    /// concurrent checkouts can never hold more than is on hand. Runs on the caller's `conn`.
    pub async fn reserve_in(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        id: VariantId,
        quantity: u32,
    ) -> Result<bool, DbErr> {
        let q = i32::try_from(quantity).unwrap_or(i32::MAX);
        if !repo::reserve(conn, id, q).await? {
            return Ok(false);
        }
        self.stock_changed_in(conn, id, -i64::from(q)).await?;
        Ok(true)
    }

    /// Gives held units back (order expired or cancelled).
    pub async fn release_in(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        id: VariantId,
        quantity: u32,
    ) -> Result<(), DbErr> {
        let q = i32::try_from(quantity).unwrap_or(i32::MAX);
        repo::release(conn, id, q).await?;
        self.stock_changed_in(conn, id, i64::from(q)).await
    }

    /// Puts returned units back on the shelf (a refund with restock): stock on hand grows by
    /// `quantity` with a RETURNED stock movement, in the caller's transaction.
    pub async fn restock_in(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        id: VariantId,
        quantity: u32,
        note: Option<String>,
        actor_id: Option<crate::shared::ids::UserId>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), DbErr> {
        let delta = i32::try_from(quantity).unwrap_or(i32::MAX);
        let Some(after) = repo::adjust_stock(conn, id, delta).await? else { return Ok(()) };
        let movement = StockMovement {
            id: StockMovementId::new(),
            variant_id: id,
            delta,
            quantity_after: after,
            reason: StockReason::Returned,
            note,
            actor_id,
            created_at: now,
        };
        repo::insert_stock_movement(conn, &movement).await?;
        self.stock_changed_in(conn, id, i64::from(delta)).await
    }

    /// Ships held units: they leave the shelf and the reservation.
    pub async fn ship_in(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        id: VariantId,
        quantity: u32,
    ) -> Result<bool, DbErr> {
        if !repo::ship(conn, id, i32::try_from(quantity).unwrap_or(i32::MAX)).await? {
            return Ok(false);
        }
        self.stock_changed_in(conn, id, 0).await?;
        Ok(true)
    }
}
