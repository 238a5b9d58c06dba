//! Catalog object types. Each wraps a domain model; relationships resolve through loaders.

use std::sync::Arc;

use async_graphql::{ComplexObject, Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::{
    catalog::model,
    graphql::{
        ContextExt,
        errors::{OrInternal, top_level},
        ids,
        money::Money,
    },
    vendors::graphql::Vendor,
};

/// Whether a product is visible to shoppers.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ProductStatus {
    /// Being prepared; visible to staff and the vendor's members only.
    Draft,
    /// On sale in the storefront, once APPROVED (see `approvalStatus`) and while its vendor is
    /// active.
    Active,
    /// Withdrawn from sale; kept for order history; visible to staff and the vendor's members
    /// only.
    Archived,
}

impl From<model::ProductStatus> for ProductStatus {
    fn from(s: model::ProductStatus) -> Self {
        match s {
            model::ProductStatus::Draft => ProductStatus::Draft,
            model::ProductStatus::Active => ProductStatus::Active,
            model::ProductStatus::Archived => ProductStatus::Archived,
        }
    }
}

impl From<ProductStatus> for model::ProductStatus {
    fn from(s: ProductStatus) -> Self {
        match s {
            ProductStatus::Draft => model::ProductStatus::Draft,
            ProductStatus::Active => model::ProductStatus::Active,
            ProductStatus::Archived => model::ProductStatus::Archived,
        }
    }
}

/// Where a product is in staff review. A product is on the storefront only when its status is
/// ACTIVE, its approval APPROVED and its vendor active.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ProductApprovalStatus {
    /// Created by a vendor member and not yet sent to review (`productSubmitForReview`).
    NotSubmitted,
    /// Waiting for a staff decision (`productApprove` / `productReject`).
    PendingReview,
    /// Allowed on the storefront.
    Approved,
    /// Refused by staff; `approvalReason` says why. The vendor may fix it and submit again.
    Rejected,
}

impl From<model::ApprovalStatus> for ProductApprovalStatus {
    fn from(s: model::ApprovalStatus) -> Self {
        match s {
            model::ApprovalStatus::NotSubmitted => ProductApprovalStatus::NotSubmitted,
            model::ApprovalStatus::PendingReview => ProductApprovalStatus::PendingReview,
            model::ApprovalStatus::Approved => ProductApprovalStatus::Approved,
            model::ApprovalStatus::Rejected => ProductApprovalStatus::Rejected,
        }
    }
}

/// What happened to a product, as its history records it.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ProductHistoryAction {
    /// The product was created, with its first approval status.
    Created,
    /// A vendor member sent it to review.
    Submitted,
    /// Approved without review because its vendor is trusted.
    AutoApproved,
    /// Approved by staff.
    Approved,
    /// Rejected by staff, with a reason.
    Rejected,
    /// A vendor member's edit of approved content sent it back to review.
    Edited,
}

impl From<model::HistoryAction> for ProductHistoryAction {
    fn from(a: model::HistoryAction) -> Self {
        match a {
            model::HistoryAction::Created => ProductHistoryAction::Created,
            model::HistoryAction::Submitted => ProductHistoryAction::Submitted,
            model::HistoryAction::AutoApproved => ProductHistoryAction::AutoApproved,
            model::HistoryAction::Approved => ProductHistoryAction::Approved,
            model::HistoryAction::Rejected => ProductHistoryAction::Rejected,
            model::HistoryAction::Edited => ProductHistoryAction::Edited,
        }
    }
}

/// One entry of a product's approval history.
#[derive(SimpleObject, Clone)]
pub struct ProductHistoryEntry {
    /// What happened.
    pub action: ProductHistoryAction,
    /// The approval status before; null for the creation.
    pub from_status: Option<ProductApprovalStatus>,
    /// The approval status after.
    pub to_status: Option<ProductApprovalStatus>,
    /// The reason given (rejections).
    pub reason: Option<String>,
    /// Global ID of the user who did it; null for system jobs.
    pub actor_id: Option<ID>,
    /// When it happened.
    pub created_at: DateTime<Utc>,
}

impl From<model::HistoryEntry> for ProductHistoryEntry {
    fn from(e: model::HistoryEntry) -> Self {
        Self {
            action: e.action.into(),
            from_status: e.from.map(Into::into),
            to_status: e.to.map(Into::into),
            reason: e.reason,
            actor_id: e.actor_id.map(ids::encode),
            created_at: e.created_at,
        }
    }
}

/// The type of an attribute value.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AttributeType {
    /// Free text, e.g. `linen`.
    Text,
    /// A decimal number, e.g. `1.5`.
    Number,
    /// `true` or `false`.
    Boolean,
}

/// Why stock changed.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum StockReason {
    /// Goods received from a supplier (also the initial stock of a new variant).
    Received,
    /// A count corrected after a stocktake.
    Correction,
    /// Units damaged and written off.
    Damaged,
    /// Units returned by a customer and back in stock.
    Returned,
    /// Units lost or stolen.
    Lost,
}

impl From<StockReason> for model::StockReason {
    fn from(r: StockReason) -> Self {
        match r {
            StockReason::Received => model::StockReason::Received,
            StockReason::Correction => model::StockReason::Correction,
            StockReason::Damaged => model::StockReason::Damaged,
            StockReason::Returned => model::StockReason::Returned,
            StockReason::Lost => model::StockReason::Lost,
        }
    }
}

impl From<model::StockReason> for StockReason {
    fn from(r: model::StockReason) -> Self {
        match r {
            model::StockReason::Received => StockReason::Received,
            model::StockReason::Correction => StockReason::Correction,
            model::StockReason::Damaged => StockReason::Damaged,
            model::StockReason::Returned => StockReason::Returned,
            model::StockReason::Lost => StockReason::Lost,
        }
    }
}

#[derive(Clone)]
pub struct Category {
    id: ID,
    model: Arc<model::Category>,
}

impl From<model::Category> for Category {
    fn from(c: model::Category) -> Self {
        Self { id: ids::encode(c.id), model: Arc::new(c) }
    }
}

async fn all_categories(ctx: &Context<'_>) -> async_graphql::Result<Arc<Vec<model::Category>>> {
    Ok(ctx.loader::<super::loaders::AllCategoriesLoader>().load_one(()).await.or_internal()?.unwrap_or_default())
}

/// A node of the category tree. Products can be listed in several categories; filtering by a
/// category includes everything below it.
#[Object]
impl Category {
    /// Global ID of the category.
    pub async fn id(&self) -> &ID {
        &self.id
    }
    /// Display name.
    async fn name(&self) -> &str {
        &self.model.name
    }
    /// URL-friendly unique handle.
    async fn slug(&self) -> &str {
        self.model.slug.as_str()
    }
    /// Description (plain text or Markdown, as entered).
    async fn description(&self) -> &str {
        &self.model.description
    }
    /// Sort order among siblings (ascending).
    async fn position(&self) -> i32 {
        self.model.position
    }
    /// Archived categories are hidden from the storefront; staff see them.
    async fn archived(&self) -> bool {
        self.model.archived
    }
    /// The parent category; null at the top level.
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Category>> {
        let Some(parent) = self.model.parent_id else { return Ok(None) };
        Ok(all_categories(ctx).await?.iter().find(|c| c.id == parent).cloned().map(Into::into))
    }
    /// Direct children, by position.
    async fn children(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Category>> {
        let id = self.model.id;
        Ok(all_categories(ctx).await?.iter().filter(|c| c.parent_id == Some(id)).cloned().map(Into::into).collect())
    }
    /// The path from the top-level category down to this one (inclusive), for breadcrumbs.
    async fn breadcrumbs(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Category>> {
        Ok(model::breadcrumbs(&all_categories(ctx).await?, self.model.id).into_iter().map(Into::into).collect())
    }
}

/// A product image.
#[derive(SimpleObject, Clone)]
pub struct ProductImage {
    /// Global ID of the image.
    pub id: ID,
    /// Absolute URL of the image.
    pub url: String,
    /// Alternative text for accessibility.
    pub alt: String,
    /// Display order (ascending); the first image is the main one.
    pub position: i32,
}

impl From<model::ProductImage> for ProductImage {
    fn from(i: model::ProductImage) -> Self {
        Self { id: ids::encode(i.id), url: i.url, alt: i.alt, position: i.position }
    }
}

/// A typed key/value describing a product, usable as a facet filter.
#[derive(SimpleObject, Clone)]
pub struct ProductAttribute {
    /// The attribute key, e.g. `material`.
    pub key: String,
    /// The type of `value`.
    #[graphql(name = "type")]
    pub kind: AttributeType,
    /// The value in canonical text form (numbers normalised, booleans `true`/`false`).
    pub value: String,
}

impl From<model::Attribute> for ProductAttribute {
    fn from(a: model::Attribute) -> Self {
        let kind = match a.value {
            model::AttributeValue::Text(_) => AttributeType::Text,
            model::AttributeValue::Number(_) => AttributeType::Number,
            model::AttributeValue::Boolean(_) => AttributeType::Boolean,
        };
        Self { key: a.key, kind, value: a.value.canonical() }
    }
}

/// One option of a variant, e.g. `Size: M`.
#[derive(SimpleObject, Clone)]
pub struct SelectedOption {
    /// The option name, e.g. `Size`.
    pub name: String,
    /// The chosen value, e.g. `M`.
    pub value: String,
}

/// The lowest and highest price among a product's variants.
#[derive(SimpleObject, Clone)]
pub struct PriceRange {
    /// The lowest variant price.
    pub min: Money,
    /// The highest variant price.
    pub max: Money,
}

/// A product as sold in the storefront. Buyers purchase one of its variants.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Product {
    /// Global ID of the product.
    pub id: ID,
    /// The product name.
    pub title: String,
    /// URL-friendly unique handle.
    pub slug: String,
    /// Description (plain text or Markdown, as entered).
    pub description: String,
    /// Whether the product is on sale.
    pub status: ProductStatus,
    /// When the product was created.
    pub created_at: DateTime<Utc>,
    /// When the product last changed.
    pub updated_at: DateTime<Utc>,
    /// Which tax rates apply, e.g. `standard` or `reduced`.
    pub tax_class: String,
    #[graphql(skip)]
    pub model: Arc<model::Product>,
}

impl From<model::Product> for Product {
    fn from(p: model::Product) -> Self {
        Self {
            id: ids::encode(p.id),
            title: p.title.clone(),
            slug: p.slug.to_string(),
            description: p.description.clone(),
            status: p.status.into(),
            created_at: p.created_at,
            updated_at: p.updated_at,
            tax_class: p.tax_class.clone(),
            model: Arc::new(p),
        }
    }
}

impl Product {
    async fn live_variants(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<model::Variant>> {
        let all =
            ctx.loader::<super::loaders::VariantsByProductIdLoader>().load_one(self.model.id).await.or_internal()?;
        let staff = ctx.rcx().is_staff();
        Ok(all.unwrap_or_default().into_iter().filter(|v| staff || !v.archived).collect())
    }

    /// Whether the viewer may see this product's private fields: staff and its vendor's members.
    async fn private(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let access = ctx
            .loader::<super::loaders::VendorCatalogAccessLoader>()
            .load_one(self.model.vendor_id)
            .await
            .or_internal()?;
        Ok(access.unwrap_or(false))
    }
}

#[ComplexObject]
impl Product {
    /// Where the product is in staff review. Private to the vendor: staff and the members of the
    /// product's vendor see it; for everyone else it is null (storefront products are always
    /// APPROVED).
    async fn approval_status(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ProductApprovalStatus>> {
        Ok(self.private(ctx).await?.then(|| self.model.approval_status.into()))
    }

    /// Why staff rejected the product; null otherwise. Private to the vendor, like
    /// `approvalStatus`.
    async fn approval_reason(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(if self.private(ctx).await? { self.model.approval_reason.clone() } else { None })
    }

    /// The product's approval history (creation, submissions, decisions), newest first, at most
    /// 100 entries. Private to the vendor, like `approvalStatus`: null for everyone but staff
    /// and the members of the product's vendor.
    async fn history(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<ProductHistoryEntry>>> {
        let list = ctx.state().catalog.product_history(ctx.rcx(), &self.model).await.or_internal()?;
        Ok(list.map(|l| l.into_iter().map(Into::into).collect()))
    }

    /// The seller of the product.
    async fn vendor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vendor>> {
        let v = ctx
            .loader::<crate::vendors::graphql::VendorByIdLoader>()
            .load_one(self.model.vendor_id)
            .await
            .or_internal()?;
        Ok(v.map(Into::into))
    }

    /// Purchasable variants, in display order (staff also see archived ones).
    async fn variants(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProductVariant>> {
        Ok(self.live_variants(ctx).await?.into_iter().map(Into::into).collect())
    }

    /// Images in display order.
    async fn images(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProductImage>> {
        let all =
            ctx.loader::<super::loaders::ImagesByProductIdLoader>().load_one(self.model.id).await.or_internal()?;
        Ok(all.unwrap_or_default().into_iter().map(Into::into).collect())
    }

    /// Categories the product is listed in.
    async fn categories(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Category>> {
        let all =
            ctx.loader::<super::loaders::CategoriesByProductIdLoader>().load_one(self.model.id).await.or_internal()?;
        let staff = ctx.rcx().is_staff();
        Ok(all.unwrap_or_default().into_iter().filter(|c| staff || !c.archived).map(Into::into).collect())
    }

    /// Typed attributes, by key.
    async fn attributes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ProductAttribute>> {
        let all =
            ctx.loader::<super::loaders::AttributesByProductIdLoader>().load_one(self.model.id).await.or_internal()?;
        Ok(all.unwrap_or_default().into_iter().map(Into::into).collect())
    }

    /// The lowest and highest variant price; null without variants.
    async fn price_range(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PriceRange>> {
        let variants = self.live_variants(ctx).await?;
        let min = variants.iter().map(|v| v.price).min_by_key(|m| m.amount());
        let max = variants.iter().map(|v| v.price).max_by_key(|m| m.amount());
        Ok(min.zip(max).map(|(min, max)| PriceRange { min: min.into(), max: max.into() }))
    }

    /// Whether any variant can be bought now (has units available).
    async fn in_stock(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(self.live_variants(ctx).await?.iter().any(|v| v.available() > 0 && !v.archived))
    }
}

/// A purchasable version of a product (a size, a colour), with its own SKU, price and stock.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct ProductVariant {
    /// Global ID of the variant.
    pub id: ID,
    /// Stock-keeping unit, unique in the shop.
    pub sku: String,
    /// Display title, e.g. `M / Blue`.
    pub title: String,
    /// The option values that make this variant, e.g. `Size: M`, `Colour: Blue`.
    pub selected_options: Vec<SelectedOption>,
    /// The price of one unit.
    pub price: Money,
    /// A former or reference price shown struck through; null when none.
    pub compare_at_price: Option<Money>,
    /// Units on hand in the warehouse (including units held for orders).
    pub stock_on_hand: i32,
    /// Units that can be bought now: on hand minus those held for unpaid or unshipped orders.
    pub quantity_available: i32,
    /// Whether at least one unit is available.
    pub in_stock: bool,
    /// Shipping weight in grams; null when unknown.
    pub weight_grams: Option<i32>,
    /// Display order within the product (ascending).
    pub position: i32,
    /// Archived variants are no longer sold; staff see them.
    pub archived: bool,
    #[graphql(skip)]
    pub model: Arc<model::Variant>,
}

impl From<model::Variant> for ProductVariant {
    fn from(v: model::Variant) -> Self {
        Self {
            id: ids::encode(v.id),
            sku: v.sku.as_str().to_owned(),
            title: v.title.clone(),
            selected_options: v
                .options
                .iter()
                .map(|o| SelectedOption { name: o.name.clone(), value: o.value.clone() })
                .collect(),
            price: v.price.into(),
            compare_at_price: v.compare_at_price.map(Into::into),
            stock_on_hand: v.stock_on_hand,
            quantity_available: v.available(),
            in_stock: v.available() > 0,
            weight_grams: v.weight_grams,
            position: v.position,
            archived: v.archived,
            model: Arc::new(v),
        }
    }
}

#[ComplexObject]
impl ProductVariant {
    /// The product this variant belongs to.
    async fn product(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Product>> {
        let p =
            ctx.loader::<super::loaders::ProductByIdLoader>().load_one(self.model.product_id).await.or_internal()?;
        Ok(p.map(Into::into))
    }

    /// Stock history, newest first (staff and the members of the product's vendor; FORBIDDEN
    /// for others).
    #[graphql(guard = "crate::graphql::guards::RoleGuard(crate::shared::role::Role::Customer)")]
    async fn stock_movements(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: u64,
    ) -> async_graphql::Result<Vec<StockMovement>> {
        let list = ctx.state().catalog.stock_movements(ctx.rcx(), self.model.id, first).await.map_err(top_level)?;
        Ok(list.into_iter().map(Into::into).collect())
    }
}

/// One change of a variant's stock on hand.
#[derive(SimpleObject, Clone)]
pub struct StockMovement {
    /// Global ID of the movement.
    pub id: ID,
    /// The change: positive adds stock, negative removes it.
    pub delta: i32,
    /// Stock on hand right after this change.
    pub quantity_after: i32,
    /// Why stock changed.
    pub reason: StockReason,
    /// Free-text note from the person who made the change.
    pub note: Option<String>,
    /// When the change was made.
    pub created_at: DateTime<Utc>,
}

impl From<model::StockMovement> for StockMovement {
    fn from(m: model::StockMovement) -> Self {
        Self {
            id: ids::encode(m.id),
            delta: m.delta,
            quantity_after: m.quantity_after,
            reason: m.reason.into(),
            note: m.note,
            created_at: m.created_at,
        }
    }
}
