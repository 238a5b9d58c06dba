//! Catalog use cases: storefront reads and staff writes. Each write is one transaction.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use rust_decimal::Decimal;
use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};

use crate::{
    catalog::{
        error::{CatalogError, FieldPath, path},
        model::{
            Attribute, AttributeValue, Category, OptionValue, Product, ProductFilter, ProductImage, ProductSort,
            ProductStatus, StockMovement, StockReason, Variant, breadcrumbs, descendants, would_cycle,
        },
        repo,
    },
    context::RequestContext,
    shared::{
        ids::{CategoryId, ProductId, StockMovementId, VariantId, VendorId},
        money::{Currency, Money, MoneyError},
        pagination::{Page, PageRequest},
        text::{Sku, Slug, required_text},
    },
    vendors::VendorService,
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
    /// Staff only; storefront callers always get ACTIVE products.
    pub statuses: Vec<ProductStatus>,
}

/// A variant that can be sold now: not archived, and its product ACTIVE.
#[derive(Debug, Clone)]
pub struct Sellable {
    pub variant: Variant,
    pub product: Product,
    pub category_ids: Vec<CategoryId>,
}

const MAX_TITLE: usize = 200;
const MAX_DESCRIPTION: usize = 20_000;
const MAX_VARIANTS_PER_CALL: usize = 100;

#[derive(Clone)]
pub struct CatalogService {
    db: DatabaseConnection,
    vendors: VendorService,
    currency: Currency,
}

fn price(amount: Decimal, currency: Currency, field: FieldPath) -> Result<Money, CatalogError> {
    Money::parse_price(amount, currency).map_err(|e| match e {
        MoneyError::Negative => CatalogError::NegativePrice { field },
        MoneyError::TooPrecise => CatalogError::PriceTooPrecise { field },
        _ => CatalogError::Invalid { field, message: "the amount is out of range" },
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
        Self { db, vendors, currency }
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    fn ensure_staff(rcx: &RequestContext) -> Result<(), CatalogError> {
        if rcx.is_staff() { Ok(()) } else { Err(CatalogError::Forbidden) }
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

    fn filter_for(
        &self,
        rcx: &RequestContext,
        q: &ProductQuery,
        all_categories: Option<&[Category]>,
    ) -> Result<ProductFilter, CatalogError> {
        let minor = |d: Decimal, f: &str| {
            price(d, self.currency, path([f])).and_then(|m| {
                m.to_minor().map_err(|_| CatalogError::Invalid { field: path([f]), message: "out of range" })
            })
        };
        Ok(ProductFilter {
            statuses: if rcx.is_staff() { q.statuses.clone() } else { vec![ProductStatus::Active] },
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
        let filter = self.filter_for(rcx, q, cats.as_deref())?;
        Ok(repo::list_products(&self.db, &filter, sort, page).await?)
    }

    /// How many products match `q` (for `totalCount`).
    pub async fn count_products(&self, rcx: &RequestContext, q: &ProductQuery) -> Result<u64, CatalogError> {
        let cats = match q.category_id {
            Some(_) => Some(repo::all_categories(&self.db).await?),
            None => None,
        };
        let filter = self.filter_for(rcx, q, cats.as_deref())?;
        Ok(repo::count_products(&self.db, &filter).await?)
    }

    fn visible(rcx: &RequestContext, p: &Product) -> bool {
        rcx.is_staff() || p.status == ProductStatus::Active
    }

    pub async fn product_by_slug(&self, rcx: &RequestContext, slug: &str) -> Result<Option<Product>, DbErr> {
        Ok(repo::product_by_slug(&self.db, slug).await?.filter(|p| Self::visible(rcx, p)))
    }

    /// Products by id for loaders; invisible ones are left out.
    pub async fn products_by_ids(
        &self,
        rcx: &RequestContext,
        ids: &[ProductId],
    ) -> Result<HashMap<ProductId, Product>, DbErr> {
        let mut all = repo::products_by_ids(&self.db, ids).await?;
        all.retain(|_, p| Self::visible(rcx, p));
        Ok(all)
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

    /// Stock history of a variant, newest first (staff only).
    pub async fn stock_movements(
        &self,
        rcx: &RequestContext,
        id: VariantId,
        limit: u64,
    ) -> Result<Vec<StockMovement>, CatalogError> {
        Self::ensure_staff(rcx)?;
        Ok(repo::stock_movements(&self.db, id, limit.min(100)).await?)
    }

    /// The sellable variants among `ids` (others are left out), read on `conn` so checkout can
    /// call it inside its transaction.
    pub async fn sellable(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        ids: &[VariantId],
    ) -> Result<HashMap<VariantId, Sellable>, DbErr> {
        let variants = repo::variants_by_ids(conn, ids).await?;
        let product_ids: Vec<ProductId> =
            variants.values().map(|v| v.product_id).collect::<HashSet<_>>().into_iter().collect();
        let products = repo::products_by_ids(conn, &product_ids).await?;
        let mut categories = repo::categories_by_product_ids(conn, &product_ids).await?;
        Ok(variants
            .into_iter()
            .filter(|(_, v)| !v.archived)
            .filter_map(|(id, variant)| {
                let product = products.get(&variant.product_id).filter(|p| p.status == ProductStatus::Active)?.clone();
                let category_ids =
                    categories.get_mut(&product.id).map(|c| c.iter().map(|c| c.id).collect()).unwrap_or_default();
                Some((id, Sellable { variant, product, category_ids }))
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
        repo::reserve(conn, id, i32::try_from(quantity).unwrap_or(i32::MAX)).await
    }

    /// Gives held units back (order expired or cancelled).
    pub async fn release_in(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        id: VariantId,
        quantity: u32,
    ) -> Result<(), DbErr> {
        repo::release(conn, id, i32::try_from(quantity).unwrap_or(i32::MAX)).await
    }

    /// Ships held units: they leave the shelf and the reservation.
    pub async fn ship_in(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        id: VariantId,
        quantity: u32,
    ) -> Result<bool, DbErr> {
        repo::ship(conn, id, i32::try_from(quantity).unwrap_or(i32::MAX)).await
    }

    // ---------- categories ----------

    /// Creates a category, at the top level or below `parent_id`.
    ///
    /// # Errors
    /// `Required`/`Invalid` (name, slug), `Taken` (slug), `NotFound` (parentId); `Forbidden`.
    #[tracing::instrument(name = "catalog.create_category", skip(self, rcx))]
    pub async fn create_category(&self, rcx: &RequestContext, f: CategoryFields) -> Result<Category, CatalogError> {
        Self::ensure_staff(rcx)?;
        let name = text(f.name.as_deref().unwrap_or_default(), MAX_TITLE, path(["name"]))?;
        let slug = match &f.slug {
            Some(s) => Slug::parse(s),
            None => Slug::from_title(&name),
        }
        .map_err(|_| CatalogError::Invalid {
            field: path(["slug"]),
            message: "slugs are lowercase letters, digits and dashes",
        })?;
        let txn = self.db.begin().await?;
        let all = repo::all_categories(&txn).await?;
        let parent_id = f.parent_id.flatten();
        if let Some(p) = parent_id
            && !all.iter().any(|c| c.id == p)
        {
            return Err(CatalogError::NotFound { field: path(["parentId"]) });
        }
        let category = Category {
            id: CategoryId::new(),
            parent_id,
            name,
            slug,
            description: f.description.unwrap_or_default(),
            position: f.position.unwrap_or(0),
            archived: false,
        };
        repo::insert_category(&txn, &category, Utc::now()).await?;
        txn.commit().await?;
        Ok(category)
    }

    /// Updates a category; moving it below one of its own descendants is refused.
    ///
    /// # Errors
    /// `NotFound` (id, parentId), `CategoryCycle`, `Invalid`, `Taken`; `Forbidden`.
    #[tracing::instrument(name = "catalog.update_category", skip(self, rcx))]
    pub async fn update_category(
        &self,
        rcx: &RequestContext,
        id: CategoryId,
        f: CategoryFields,
    ) -> Result<Category, CatalogError> {
        Self::ensure_staff(rcx)?;
        let txn = self.db.begin().await?;
        let all = repo::all_categories(&txn).await?;
        let mut c = all.iter().find(|c| c.id == id).cloned().ok_or(CatalogError::NotFound { field: path(["id"]) })?;
        if let Some(name) = &f.name {
            c.name = text(name, MAX_TITLE, path(["name"]))?;
        }
        if let Some(s) = &f.slug {
            c.slug = Slug::parse(s).map_err(|_| CatalogError::Invalid {
                field: path(["slug"]),
                message: "slugs are lowercase letters, digits and dashes",
            })?;
        }
        if let Some(d) = f.description {
            c.description = d;
        }
        if let Some(p) = f.position {
            c.position = p;
        }
        if let Some(parent) = f.parent_id {
            if let Some(p) = parent {
                if !all.iter().any(|x| x.id == p) {
                    return Err(CatalogError::NotFound { field: path(["parentId"]) });
                }
                if would_cycle(&all, id, p) {
                    return Err(CatalogError::CategoryCycle { field: path(["parentId"]) });
                }
            }
            c.parent_id = parent;
        }
        repo::update_category(&txn, &c).await?;
        txn.commit().await?;
        Ok(c)
    }

    /// Archives a category: hidden from the storefront tree; products keep their links.
    ///
    /// # Errors
    /// `NotFound`; `Forbidden`.
    #[tracing::instrument(name = "catalog.archive_category", skip(self, rcx))]
    pub async fn archive_category(&self, rcx: &RequestContext, id: CategoryId) -> Result<Category, CatalogError> {
        Self::ensure_staff(rcx)?;
        let txn = self.db.begin().await?;
        let all = repo::all_categories(&txn).await?;
        let mut c = all.into_iter().find(|c| c.id == id).ok_or(CatalogError::NotFound { field: path(["id"]) })?;
        c.archived = true;
        repo::update_category(&txn, &c).await?;
        txn.commit().await?;
        Ok(c)
    }

    // ---------- products ----------

    async fn check_categories(
        &self,
        txn: &impl sea_orm::ConnectionTrait,
        ids: &[CategoryId],
    ) -> Result<(), CatalogError> {
        let all: HashSet<CategoryId> = repo::all_categories(txn).await?.into_iter().map(|c| c.id).collect();
        if let Some(i) = ids.iter().enumerate().position(|(i, id)| ids[..i].contains(id)) {
            return Err(CatalogError::Invalid {
                field: path(["categoryIds", &i.to_string()]),
                message: "this category is listed twice",
            });
        }
        match ids.iter().position(|id| !all.contains(id)) {
            Some(i) => Err(CatalogError::NotFound { field: path(["categoryIds", &i.to_string()]) }),
            None => Ok(()),
        }
    }

    /// Creates a product (DRAFT unless a status is given) with its variants, in one transaction.
    ///
    /// # Errors
    /// `Required` (title, price), `Invalid`, `Taken` (slug, SKU), `NotFound` (vendorId,
    /// categoryIds), `NegativePrice`, `PriceTooPrecise`; `Forbidden`. Nothing is written on error.
    #[tracing::instrument(name = "catalog.create_product", skip(self, rcx, f, variants))]
    pub async fn create_product(
        &self,
        rcx: &RequestContext,
        vendor_id: VendorId,
        f: ProductFields,
        variants: Vec<VariantFields>,
    ) -> Result<Product, CatalogError> {
        Self::ensure_staff(rcx)?;
        let title = text(f.title.as_deref().unwrap_or_default(), MAX_TITLE, path(["title"]))?;
        let slug = match &f.slug {
            Some(s) => Slug::parse(s),
            None => Slug::from_title(&title),
        }
        .map_err(|_| CatalogError::Invalid {
            field: path(["slug"]),
            message: "slugs are lowercase letters, digits and dashes",
        })?;
        let description = f.description.clone().unwrap_or_default();
        if description.chars().count() > MAX_DESCRIPTION {
            return Err(CatalogError::Invalid { field: path(["description"]), message: "the description is too long" });
        }
        let attributes = f.attributes.clone().unwrap_or_default();
        check_attributes(&attributes)?;
        check_tax_class(f.tax_class.as_ref())?;
        let images = check_images(f.images.as_deref().unwrap_or_default())?;
        if variants.len() > MAX_VARIANTS_PER_CALL {
            return Err(CatalogError::Invalid { field: path(["variants"]), message: "at most 100 variants per call" });
        }
        let now = Utc::now();
        let product = Product {
            id: ProductId::new(),
            vendor_id,
            title,
            slug,
            description,
            status: f.status.unwrap_or(ProductStatus::Draft),
            min_price: None,
            currency: self.currency,
            tax_class: f.tax_class.clone().unwrap_or_else(|| crate::pricing::DEFAULT_TAX_CLASS.to_owned()),
            created_at: now,
            updated_at: now,
        };
        let mut built = Vec::with_capacity(variants.len());
        for (i, v) in variants.into_iter().enumerate() {
            let prefix = path(["variants", &i.to_string()]);
            built.push(self.new_variant(product.id, v, &prefix, i)?);
        }
        let mut seen = HashSet::new();
        for (i, v) in built.iter().enumerate() {
            if !seen.insert(v.sku.as_str()) {
                return Err(CatalogError::Taken { field: path(["variants", &i.to_string(), "sku"]) });
            }
        }

        if self.vendors.by_id(vendor_id).await?.is_none() {
            return Err(CatalogError::NotFound { field: path(["vendorId"]) });
        }
        let txn = self.db.begin().await?;
        self.check_categories(&txn, f.category_ids.as_deref().unwrap_or_default()).await?;
        let skus: Vec<&str> = built.iter().map(|v| v.sku.as_str()).collect();
        let existing = repo::existing_skus(&txn, &skus).await?;
        if let Some(i) = built.iter().position(|v| existing.iter().any(|e| e == v.sku.as_str())) {
            return Err(CatalogError::Taken { field: path(["variants", &i.to_string(), "sku"]) });
        }
        repo::insert_product(&txn, &product).await?;
        repo::set_product_categories(&txn, product.id, f.category_ids.as_deref().unwrap_or_default()).await?;
        repo::set_product_attributes(&txn, product.id, &attributes).await?;
        repo::set_product_images(&txn, product.id, &images).await?;
        for (i, v) in built.iter().enumerate() {
            repo::insert_variant(&txn, v, now).await.map_err(|e| match e {
                CatalogError::Taken { .. } => CatalogError::Taken { field: path(["variants", &i.to_string(), "sku"]) },
                other => other,
            })?;
            self.record_initial_stock(&txn, rcx, v).await?;
        }
        repo::refresh_min_price(&txn, product.id, now).await?;
        txn.commit().await?;
        Ok(repo::products_by_ids(&self.db, &[product.id]).await?.remove(&product.id).unwrap_or(product))
    }

    fn new_variant(
        &self,
        product_id: ProductId,
        v: VariantFields,
        prefix: &[String],
        index: usize,
    ) -> Result<Variant, CatalogError> {
        let sku = v.sku.as_deref().ok_or(CatalogError::Required { field: with(prefix, &["sku"]) })?;
        let sku = Sku::parse(sku).map_err(|_| CatalogError::Invalid {
            field: with(prefix, &["sku"]),
            message: "SKUs are 1 to 64 letters, digits, dashes, underscores or dots",
        })?;
        let amount = v.price.ok_or(CatalogError::Required { field: with(prefix, &["price"]) })?;
        let options = v.options.unwrap_or_default();
        check_options(&options, prefix)?;
        let title = match v.title.as_deref() {
            Some(t) => text(t, MAX_TITLE, with(prefix, &["title"]))?,
            None if !options.is_empty() => options.iter().map(|o| o.value.trim()).collect::<Vec<_>>().join(" / "),
            None => "Default".to_owned(),
        };
        let stock = v.stock_on_hand.unwrap_or(0);
        if stock < 0 {
            return Err(CatalogError::Invalid {
                field: with(prefix, &["stockOnHand"]),
                message: "stock cannot be negative",
            });
        }
        let weight = v.weight_grams.flatten();
        if weight.is_some_and(|w| w < 0) {
            return Err(CatalogError::Invalid {
                field: with(prefix, &["weightGrams"]),
                message: "weight cannot be negative",
            });
        }
        Ok(Variant {
            id: VariantId::new(),
            product_id,
            sku,
            title,
            options,
            price: price(amount, self.currency, with(prefix, &["price"]))?,
            compare_at_price: v
                .compare_at_price
                .flatten()
                .map(|d| price(d, self.currency, with(prefix, &["compareAtPrice"])))
                .transpose()?,
            stock_on_hand: stock,
            reserved: 0,
            weight_grams: weight,
            position: v.position.unwrap_or(i32::try_from(index).unwrap_or(0)),
            archived: false,
        })
    }

    async fn record_initial_stock(
        &self,
        txn: &impl sea_orm::ConnectionTrait,
        rcx: &RequestContext,
        v: &Variant,
    ) -> Result<(), DbErr> {
        if v.stock_on_hand == 0 {
            return Ok(());
        }
        repo::insert_stock_movement(
            txn,
            &StockMovement {
                id: StockMovementId::new(),
                variant_id: v.id,
                delta: v.stock_on_hand,
                quantity_after: v.stock_on_hand,
                reason: StockReason::Received,
                note: Some("initial stock".into()),
                actor_id: rcx.viewer.map(|v| v.user_id),
                created_at: Utc::now(),
            },
        )
        .await
    }

    /// Updates a product's fields; lists given (categories, attributes, images) replace the old.
    ///
    /// # Errors
    /// `NotFound` (id, categoryIds), `Required`, `Invalid`, `Taken`; `Forbidden`.
    #[tracing::instrument(name = "catalog.update_product", skip(self, rcx, f))]
    pub async fn update_product(
        &self,
        rcx: &RequestContext,
        id: ProductId,
        f: ProductFields,
    ) -> Result<Product, CatalogError> {
        Self::ensure_staff(rcx)?;
        if let Some(a) = &f.attributes {
            check_attributes(a)?;
        }
        check_tax_class(f.tax_class.as_ref())?;
        let images = f.images.as_deref().map(check_images).transpose()?;
        let txn = self.db.begin().await?;
        let mut p = repo::products_by_ids(&txn, &[id])
            .await?
            .remove(&id)
            .ok_or(CatalogError::NotFound { field: path(["id"]) })?;
        if let Some(t) = &f.title {
            p.title = text(t, MAX_TITLE, path(["title"]))?;
        }
        if let Some(s) = &f.slug {
            p.slug = Slug::parse(s).map_err(|_| CatalogError::Invalid {
                field: path(["slug"]),
                message: "slugs are lowercase letters, digits and dashes",
            })?;
        }
        if let Some(d) = f.description {
            if d.chars().count() > MAX_DESCRIPTION {
                return Err(CatalogError::Invalid {
                    field: path(["description"]),
                    message: "the description is too long",
                });
            }
            p.description = d;
        }
        if let Some(s) = f.status {
            p.status = s;
        }
        if let Some(t) = &f.tax_class {
            p.tax_class = t.clone();
        }
        p.updated_at = Utc::now();
        if let Some(cats) = &f.category_ids {
            self.check_categories(&txn, cats).await?;
            repo::set_product_categories(&txn, id, cats).await?;
        }
        if let Some(a) = &f.attributes {
            repo::set_product_attributes(&txn, id, a).await?;
        }
        if let Some(images) = &images {
            repo::set_product_images(&txn, id, images).await?;
        }
        repo::update_product(&txn, &p).await?;
        txn.commit().await?;
        Ok(p)
    }

    /// Archives a product: it leaves the storefront, and stays for order history.
    ///
    /// # Errors
    /// `NotFound`; `Forbidden`.
    pub async fn archive_product(&self, rcx: &RequestContext, id: ProductId) -> Result<Product, CatalogError> {
        self.update_product(rcx, id, ProductFields { status: Some(ProductStatus::Archived), ..Default::default() })
            .await
    }

    // ---------- variants and stock ----------

    /// Adds a variant to a product.
    ///
    /// # Errors
    /// `NotFound` (productId), `Required` (sku, price), `Invalid`, `Taken` (sku),
    /// `NegativePrice`, `PriceTooPrecise`; `Forbidden`.
    #[tracing::instrument(name = "catalog.create_variant", skip(self, rcx, f))]
    pub async fn create_variant(
        &self,
        rcx: &RequestContext,
        product_id: ProductId,
        f: VariantFields,
    ) -> Result<Variant, CatalogError> {
        Self::ensure_staff(rcx)?;
        let txn = self.db.begin().await?;
        let existing =
            repo::variants_by_product_ids(&txn, &[product_id]).await?.remove(&product_id).unwrap_or_default();
        if repo::products_by_ids(&txn, &[product_id]).await?.is_empty() {
            return Err(CatalogError::NotFound { field: path(["productId"]) });
        }
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
    /// `NotFound`, `Invalid`, `Taken` (sku), `NegativePrice`, `PriceTooPrecise`; `Forbidden`.
    #[tracing::instrument(name = "catalog.update_variant", skip(self, rcx, f))]
    pub async fn update_variant(
        &self,
        rcx: &RequestContext,
        id: VariantId,
        f: VariantFields,
    ) -> Result<Variant, CatalogError> {
        Self::ensure_staff(rcx)?;
        if f.stock_on_hand.is_some() {
            return Err(CatalogError::Invalid {
                field: path(["stockOnHand"]),
                message: "change stock with stockAdjust, which records a reason",
            });
        }
        let txn = self.db.begin().await?;
        let mut v = repo::variants_by_ids(&txn, &[id])
            .await?
            .remove(&id)
            .ok_or(CatalogError::NotFound { field: path(["id"]) })?;
        self.apply_variant_fields(&mut v, f)?;
        let now = Utc::now();
        repo::update_variant(&txn, &v, now).await?;
        repo::refresh_min_price(&txn, v.product_id, now).await?;
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
    /// `NotFound`; `Forbidden`.
    #[tracing::instrument(name = "catalog.archive_variant", skip(self, rcx))]
    pub async fn archive_variant(&self, rcx: &RequestContext, id: VariantId) -> Result<Variant, CatalogError> {
        Self::ensure_staff(rcx)?;
        let txn = self.db.begin().await?;
        let mut v = repo::variants_by_ids(&txn, &[id])
            .await?
            .remove(&id)
            .ok_or(CatalogError::NotFound { field: path(["id"]) })?;
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
    /// `NotFound` (variantId), `Invalid` (delta 0), `InsufficientStock` (would go below zero);
    /// `Forbidden`.
    #[tracing::instrument(name = "catalog.adjust_stock", skip(self, rcx, note))]
    pub async fn adjust_stock(
        &self,
        rcx: &RequestContext,
        id: VariantId,
        delta: i32,
        reason: StockReason,
        note: Option<String>,
    ) -> Result<(Variant, StockMovement), CatalogError> {
        Self::ensure_staff(rcx)?;
        if delta == 0 {
            return Err(CatalogError::Invalid { field: path(["delta"]), message: "the change must not be zero" });
        }
        if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
            return Err(CatalogError::Invalid { field: path(["note"]), message: "notes are at most 500 characters" });
        }
        let txn = self.db.begin().await?;
        let mut v = repo::variants_by_ids(&txn, &[id])
            .await?
            .remove(&id)
            .ok_or(CatalogError::NotFound { field: path(["variantId"]) })?;
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
        txn.commit().await?;
        v.stock_on_hand = after;
        Ok((v, movement))
    }
}
