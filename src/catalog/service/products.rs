//! Product use cases: create (with variants, in one transaction), update, archive.

use chrono::Utc;
use sea_orm::{DbErr, TransactionTrait};

use super::*;

impl CatalogService {
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

    /// Creates a product (DRAFT unless a status is given) with its variants, in one transaction,
    /// for staff or a member of `vendor_id` with the `Catalog` permission. Staff-created products
    /// are APPROVED; a member's start NOT_SUBMITTED, or APPROVED (AUTO_APPROVED in the history)
    /// when the vendor is trusted.
    ///
    /// # Errors
    /// `Required` (title, price), `Invalid`, `Taken` (slug, SKU), `NotFound` (vendorId,
    /// categoryIds), `VendorNotActive` (vendorId), `NegativePrice`, `PriceTooPrecise`;
    /// `Unauthenticated`, `Forbidden`. Nothing is written on error.
    #[tracing::instrument(name = "catalog.create_product", skip(self, rcx, f, variants))]
    pub async fn create_product(
        &self,
        rcx: &RequestContext,
        vendor_id: VendorId,
        f: ProductFields,
        variants: Vec<VariantFields>,
    ) -> Result<Product, CatalogError> {
        // Checked before the transaction too, so a caller without access never opens one.
        self.authorize_catalog_in(&self.db, rcx, vendor_id, path(["vendorId"])).await?;
        let txn = self.db.begin().await?;
        let product = self.create_product_in(&txn, rcx, vendor_id, f, variants).await?;
        txn.commit().await?;
        Ok(repo::products_by_ids(&self.db, &[product.id]).await?.remove(&product.id).unwrap_or(product))
    }

    /// As [`CatalogService::create_product`], on the caller's connection (the demo seed).
    ///
    /// # Errors
    /// As [`CatalogService::create_product`].
    pub async fn create_product_in(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        rcx: &RequestContext,
        vendor_id: VendorId,
        f: ProductFields,
        variants: Vec<VariantFields>,
    ) -> Result<Product, CatalogError> {
        // in the transaction: the vendor may have been suspended since the caller looked
        let (vendor, access) = self.authorize_catalog_in(conn, rcx, vendor_id, path(["vendorId"])).await?;
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
        let (approval_status, history_action) = match access {
            VendorAccess::Staff => (ApprovalStatus::Approved, HistoryAction::Created),
            VendorAccess::Member(_) if vendor.trusted => (ApprovalStatus::Approved, HistoryAction::AutoApproved),
            VendorAccess::Member(_) => (ApprovalStatus::NotSubmitted, HistoryAction::Created),
        };
        let product = Product {
            id: ProductId::new(),
            vendor_id,
            title,
            slug,
            description,
            status: f.status.unwrap_or(ProductStatus::Draft),
            approval_status,
            approval_reason: None,
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

        self.check_categories(conn, f.category_ids.as_deref().unwrap_or_default()).await?;
        let skus: Vec<&str> = built.iter().map(|v| v.sku.as_str()).collect();
        let existing = repo::existing_skus(conn, &skus).await?;
        if let Some(i) = built.iter().position(|v| existing.iter().any(|e| e == v.sku.as_str())) {
            return Err(CatalogError::Taken { field: path(["variants", &i.to_string(), "sku"]) });
        }
        repo::insert_product(conn, &product).await?;
        repo::set_product_categories(conn, product.id, f.category_ids.as_deref().unwrap_or_default()).await?;
        repo::set_product_attributes(conn, product.id, &attributes).await?;
        repo::set_product_images(conn, product.id, &images).await?;
        for (i, v) in built.iter().enumerate() {
            repo::insert_variant(conn, v, now).await.map_err(|e| match e {
                CatalogError::Taken { .. } => CatalogError::Taken { field: path(["variants", &i.to_string(), "sku"]) },
                other => other,
            })?;
            self.record_initial_stock(conn, rcx, v).await?;
        }
        repo::refresh_min_price(conn, product.id, now).await?;
        Self::record_history(conn, rcx, &product, history_action, None, None, now).await?;
        self.product_event_in(conn, &product, events::PRODUCT_CREATED).await?;
        Ok(product)
    }

    pub(super) fn new_variant(
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

    pub(super) async fn record_initial_stock(
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
    /// For staff and members of the product's vendor with `Catalog` (vendor ACTIVE). When the
    /// marketplace setting `review_approved_edits` is on, a member's change to the content of an
    /// APPROVED product (title, description, slug, categories, attributes, images) sends it back
    /// to PENDING_REVIEW (EDITED in the history) unless the vendor is trusted; staff edits and
    /// status or tax-class changes never do.
    ///
    /// # Errors
    /// `NotFound` (id, categoryIds), `Required`, `Invalid`, `Taken`, `VendorNotActive` (id);
    /// `Unauthenticated`, `Forbidden` (another vendor's product, or a role without `Catalog`).
    #[tracing::instrument(name = "catalog.update_product", skip(self, rcx, f))]
    pub async fn update_product(
        &self,
        rcx: &RequestContext,
        id: ProductId,
        f: ProductFields,
    ) -> Result<Product, CatalogError> {
        let txn = self.db.begin().await?;
        let (mut p, vendor, access) = self.product_for_edit(&txn, rcx, id, path(["id"])).await?;
        if let Some(a) = &f.attributes {
            check_attributes(a)?;
        }
        check_tax_class(f.tax_class.as_ref())?;
        let images = f.images.as_deref().map(check_images).transpose()?;
        let before = (p.title.clone(), p.slug.clone(), p.description.clone());
        let status_before = p.status;
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
        let content_changed = before != (p.title.clone(), p.slug.clone(), p.description.clone())
            || f.category_ids.is_some()
            || f.attributes.is_some()
            || images.is_some();
        if content_changed && !access.is_staff() {
            let review_edits = self.vendors.settings_in(&txn).await?.review_approved_edits;
            let event = ApprovalEvent::ContentEdited { review_edits, trusted: vendor.trusted };
            if let Ok(Some((to, action))) = approval_transition(p.approval_status, event) {
                let from = p.approval_status;
                if !repo::set_approval(&txn, id, from, to, None, p.updated_at).await? {
                    return Err(CatalogError::InvalidApprovalTransition { field: path(["id"]) });
                }
                p.approval_status = to;
                p.approval_reason = None;
                Self::record_history(&txn, rcx, &p, action, Some(from), None, p.updated_at).await?;
            }
        }
        self.product_event_in(&txn, &p, Self::update_event(status_before, &p)).await?;
        txn.commit().await?;
        Ok(p)
    }

    /// Archives a product: it leaves the storefront, and stays for order history. Who may: as
    /// [`Self::update_product`].
    ///
    /// # Errors
    /// `NotFound`, `VendorNotActive`; `Unauthenticated`, `Forbidden`.
    pub async fn archive_product(&self, rcx: &RequestContext, id: ProductId) -> Result<Product, CatalogError> {
        self.update_product(rcx, id, ProductFields { status: Some(ProductStatus::Archived), ..Default::default() })
            .await
    }
}
