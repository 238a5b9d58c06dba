//! Catalog mutations. Each parses its input (IDs with their field paths), calls one service
//! method, and maps the outcome to a payload. Product, variant and stock mutations are for staff
//! and for the members of the product's vendor whose role allows catalog work (OWNER, EDITOR),
//! checked in the service; categories and review decisions are staff only.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use rust_decimal::Decimal;

use crate::{
    catalog::{
        CatalogError,
        error::path,
        model::{self, Attribute, AttributeValue, OptionValue},
        service::{CategoryFields, ProductFields, VariantFields},
    },
    graphql::{
        ContextExt,
        guards::RoleGuard,
        ids,
        payload::{payload, payload_type},
    },
    shared::ids::{CategoryId, ProductId, TypedId, VariantId, VendorId},
    shared::role::Role,
};

use super::{
    CatalogUserError,
    types::{AttributeType, Category, Product, ProductStatus, ProductVariant, StockMovement, StockReason},
};

/// A typed attribute to set on a product.
#[derive(InputObject, Clone)]
pub struct AttributeInput {
    /// Lowercase key: letters, digits and underscores, e.g. `material`.
    pub key: String,
    /// The type of `value` (default TEXT).
    #[graphql(name = "type", default_with = "AttributeType::Text")]
    pub kind: AttributeType,
    /// The value; NUMBER takes a decimal (`1.5`), BOOLEAN takes `true` or `false`.
    pub value: String,
}

/// An image to show for a product.
#[derive(InputObject, Clone)]
pub struct ImageInput {
    /// Absolute http(s) URL.
    pub url: String,
    /// Alternative text for accessibility.
    pub alt: Option<String>,
}

/// One option value of a variant.
#[derive(InputObject, Clone)]
pub struct SelectedOptionInput {
    /// The option name, e.g. `Size`.
    pub name: String,
    /// The value, e.g. `M`.
    pub value: String,
}

/// A new variant.
#[derive(InputObject, Clone)]
pub struct ProductVariantCreateInput {
    /// Unique stock-keeping unit (upper-cased).
    pub sku: String,
    /// Display title; defaults to the option values joined by ` / `.
    pub title: Option<String>,
    /// Option values, e.g. `[{name: "Size", value: "M"}]`.
    pub options: Option<Vec<SelectedOptionInput>>,
    /// Unit price in the shop currency, no more precise than the currency allows and at most
    /// 100,000,000,000 minor units (1,000,000,000.00 in a two-decimal currency).
    pub price: Decimal,
    /// Reference price shown struck through.
    pub compare_at_price: Option<Decimal>,
    /// Initial stock on hand (default 0); recorded as a RECEIVED stock movement.
    pub stock_on_hand: Option<i32>,
    /// Shipping weight in grams.
    pub weight_grams: Option<i32>,
    /// Display order; defaults to after the existing variants.
    pub position: Option<i32>,
}

/// Changes to a variant; omitted fields stay as they are. Stock changes go through
/// `stockAdjust`.
#[derive(InputObject, Clone, Default)]
pub struct ProductVariantUpdateInput {
    /// New SKU.
    pub sku: Option<String>,
    /// New title.
    pub title: Option<String>,
    /// New option values (replace the old ones).
    pub options: Option<Vec<SelectedOptionInput>>,
    /// New unit price (bounds as on create).
    pub price: Option<Decimal>,
    /// New reference price; set `clearCompareAtPrice` to remove it.
    pub compare_at_price: Option<Decimal>,
    /// Removes the reference price.
    #[graphql(default)]
    pub clear_compare_at_price: bool,
    /// New weight in grams.
    pub weight_grams: Option<i32>,
    /// New display order.
    pub position: Option<i32>,
}

/// A new product.
#[derive(InputObject, Clone)]
pub struct ProductCreateInput {
    /// The vendor selling the product.
    pub vendor_id: ID,
    /// The product name (1 to 200 characters).
    pub title: String,
    /// URL handle; derived from the title when omitted.
    pub slug: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Initial status (default DRAFT).
    pub status: Option<ProductStatus>,
    /// Categories to list the product in.
    pub category_ids: Option<Vec<ID>>,
    /// Typed attributes for facets.
    pub attributes: Option<Vec<AttributeInput>>,
    /// Images in display order.
    pub images: Option<Vec<ImageInput>>,
    /// Variants to create with the product (at most 100).
    pub variants: Option<Vec<ProductVariantCreateInput>>,
    /// Which tax rates apply, e.g. `standard` (default) or `reduced`.
    pub tax_class: Option<String>,
}

/// Changes to a product; omitted fields stay as they are, given lists replace the old ones.
#[derive(InputObject, Clone, Default)]
pub struct ProductUpdateInput {
    /// New name.
    pub title: Option<String>,
    /// New URL handle.
    pub slug: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New status.
    pub status: Option<ProductStatus>,
    /// New category list.
    pub category_ids: Option<Vec<ID>>,
    /// New attribute list.
    pub attributes: Option<Vec<AttributeInput>>,
    /// New image list.
    pub images: Option<Vec<ImageInput>>,
    /// New tax class.
    pub tax_class: Option<String>,
}

/// A new category or changes to one.
#[derive(InputObject, Clone, Default)]
pub struct CategoryInput {
    /// Display name (required on create).
    pub name: Option<String>,
    /// URL handle; derived from the name on create when omitted.
    pub slug: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// The parent category; omit for the top level (on update: omit to keep the parent).
    pub parent_id: Option<ID>,
    /// Update only: move the category to the top level.
    #[graphql(default)]
    pub make_top_level: bool,
    /// Sort order among siblings.
    pub position: Option<i32>,
}

/// A stock change.
#[derive(InputObject, Clone)]
pub struct StockAdjustInput {
    /// The variant whose stock changes.
    pub variant_id: ID,
    /// Units to add (positive) or remove (negative); stock never goes below zero.
    pub delta: i32,
    /// Why stock changes.
    pub reason: StockReason,
    /// Optional note for the history (at most 500 characters).
    pub note: Option<String>,
}

/// Result of product mutations.
#[derive(SimpleObject)]
pub struct ProductPayload {
    /// The product after the change; null when `userErrors` is not empty.
    pub product: Option<Product>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<CatalogUserError>,
}

/// Result of variant mutations.
#[derive(SimpleObject)]
pub struct ProductVariantPayload {
    /// The variant after the change; null when `userErrors` is not empty.
    pub variant: Option<ProductVariant>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<CatalogUserError>,
}

/// Result of category mutations.
#[derive(SimpleObject)]
pub struct CategoryPayload {
    /// The category after the change; null when `userErrors` is not empty.
    pub category: Option<Category>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<CatalogUserError>,
}

/// Result of `stockAdjust`.
#[derive(SimpleObject)]
pub struct StockAdjustPayload {
    /// The variant with its new stock; null when `userErrors` is not empty.
    pub variant: Option<ProductVariant>,
    /// The recorded movement; null when `userErrors` is not empty.
    pub stock_movement: Option<StockMovement>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<CatalogUserError>,
}

fn id_in_input<I: TypedId>(id: &ID, field: &[&str]) -> Result<I, CatalogError> {
    Ok(ids::decode_at::<I>(id, path(field))?)
}

fn attributes(list: Vec<AttributeInput>) -> Result<Vec<Attribute>, CatalogError> {
    list.into_iter()
        .enumerate()
        .map(|(i, a)| {
            let value = match a.kind {
                AttributeType::Text => Some(AttributeValue::Text(a.value.trim().to_owned())),
                AttributeType::Number => a.value.trim().parse().ok().map(AttributeValue::Number),
                AttributeType::Boolean => a.value.trim().parse().ok().map(AttributeValue::Boolean),
            }
            .ok_or(CatalogError::Invalid {
                field: path(["attributes", &i.to_string(), "value"]),
                message: "the value does not match its type",
            })?;
            Ok(Attribute { key: a.key.trim().to_owned(), value })
        })
        .collect()
}

fn category_ids(list: &[ID]) -> Result<Vec<CategoryId>, CatalogError> {
    Ok(ids::decode_list(list, |i| path(["categoryIds", i]))?)
}

fn options(list: Option<Vec<SelectedOptionInput>>) -> Option<Vec<OptionValue>> {
    list.map(|l| {
        l.into_iter()
            .map(|o| OptionValue { name: o.name.trim().to_owned(), value: o.value.trim().to_owned() })
            .collect()
    })
}

fn images(list: Option<Vec<ImageInput>>) -> Option<Vec<(String, Option<String>)>> {
    list.map(|l| l.into_iter().map(|i| (i.url.trim().to_owned(), i.alt)).collect())
}

impl From<ProductVariantCreateInput> for VariantFields {
    fn from(v: ProductVariantCreateInput) -> Self {
        VariantFields {
            sku: Some(v.sku),
            title: v.title,
            options: options(v.options),
            price: Some(v.price),
            compare_at_price: Some(v.compare_at_price),
            stock_on_hand: v.stock_on_hand,
            weight_grams: Some(v.weight_grams),
            position: v.position,
        }
    }
}

impl From<ProductVariantUpdateInput> for VariantFields {
    fn from(v: ProductVariantUpdateInput) -> Self {
        VariantFields {
            sku: v.sku,
            title: v.title,
            options: options(v.options),
            price: v.price,
            compare_at_price: if v.clear_compare_at_price { Some(None) } else { v.compare_at_price.map(Some) },
            stock_on_hand: None,
            weight_grams: v.weight_grams.map(Some),
            position: v.position,
        }
    }
}

/// `productCreate`'s input as `CatalogService::create_product` takes it: the vendor, the
/// product's fields and its variants.
impl TryFrom<ProductCreateInput> for (VendorId, ProductFields, Vec<VariantFields>) {
    type Error = CatalogError;
    fn try_from(i: ProductCreateInput) -> Result<Self, Self::Error> {
        let vendor = id_in_input::<VendorId>(&i.vendor_id, &["vendorId"])?;
        let fields = ProductFields {
            title: Some(i.title),
            slug: i.slug,
            description: i.description,
            status: i.status.map(Into::into),
            category_ids: i.category_ids.as_deref().map(category_ids).transpose()?,
            attributes: i.attributes.map(attributes).transpose()?,
            images: images(i.images),
            tax_class: i.tax_class,
        };
        Ok((vendor, fields, i.variants.unwrap_or_default().into_iter().map(Into::into).collect()))
    }
}

impl TryFrom<ProductUpdateInput> for ProductFields {
    type Error = CatalogError;
    fn try_from(i: ProductUpdateInput) -> Result<Self, Self::Error> {
        Ok(ProductFields {
            title: i.title,
            slug: i.slug,
            description: i.description,
            status: i.status.map(Into::into),
            category_ids: i.category_ids.as_deref().map(category_ids).transpose()?,
            attributes: i.attributes.map(attributes).transpose()?,
            images: images(i.images),
            tax_class: i.tax_class,
        })
    }
}

/// The changes of `categoryUpdate`; `categoryCreate` clears `makeTopLevel` first (a category
/// without a parent is created at the top level).
impl TryFrom<CategoryInput> for CategoryFields {
    type Error = CatalogError;
    fn try_from(i: CategoryInput) -> Result<Self, Self::Error> {
        let parent = i.parent_id.as_ref().map(|p| id_in_input::<CategoryId>(p, &["parentId"])).transpose()?;
        Ok(CategoryFields {
            name: i.name,
            slug: i.slug,
            description: i.description,
            parent_id: if i.make_top_level { Some(None) } else { parent.map(Some) },
            position: i.position,
        })
    }
}

payload_type!(ProductPayload { product: model::Product }, CatalogUserError);
payload_type!(ProductVariantPayload { variant: model::Variant }, CatalogUserError);
payload_type!(CategoryPayload { category: model::Category }, CatalogUserError);
payload_type!(StockAdjustPayload { variant: model::Variant, stock_movement: model::StockMovement }, CatalogUserError);

#[derive(Default)]
pub struct CatalogMutation;

#[Object]
impl CatalogMutation {
    /// Creates a product with its variants in one step, for staff or a member of `vendorId`
    /// with catalog rights (OWNER, EDITOR) while the vendor is active. Staff-created products
    /// are APPROVED; a member's start NOT_SUBMITTED (APPROVED when the vendor is trusted).
    /// Nothing is written when any part of the input is refused.
    #[graphql(guard = "RoleGuard(Role::Customer)")]
    async fn product_create(
        &self,
        ctx: &Context<'_>,
        input: ProductCreateInput,
    ) -> async_graphql::Result<ProductPayload> {
        payload(
            async {
                let (vendor, fields, variants) = input.try_into()?;
                ctx.state().catalog.create_product(ctx.rcx(), vendor, fields, variants).await
            }
            .await,
        )
    }

    /// Updates a product: staff, or a member of its vendor with catalog rights while the vendor
    /// is active (another vendor's product: FORBIDDEN). When the marketplace reviews edits, a
    /// member's change to the content of an APPROVED product sends it back to PENDING_REVIEW.
    #[graphql(guard = "RoleGuard(Role::Customer)")]
    async fn product_update(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ProductUpdateInput,
    ) -> async_graphql::Result<ProductPayload> {
        let id = ids::arg::<ProductId>(&id)?;
        payload(async { ctx.state().catalog.update_product(ctx.rcx(), id, input.try_into()?).await }.await)
    }

    /// Archives a product: it leaves the storefront and stays for order history (staff, or a
    /// member of its vendor with catalog rights).
    #[graphql(guard = "RoleGuard(Role::Customer)")]
    async fn product_archive(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ProductPayload> {
        let id = ids::arg::<ProductId>(&id)?;
        payload(ctx.state().catalog.archive_product(ctx.rcx(), id).await)
    }

    /// Adds a variant to a product (staff, or a member of its vendor with catalog rights).
    #[graphql(guard = "RoleGuard(Role::Customer)")]
    async fn product_variant_create(
        &self,
        ctx: &Context<'_>,
        product_id: ID,
        input: ProductVariantCreateInput,
    ) -> async_graphql::Result<ProductVariantPayload> {
        let product_id = ids::arg::<ProductId>(&product_id)?;
        payload(ctx.state().catalog.create_variant(ctx.rcx(), product_id, input.into()).await)
    }

    /// Updates a variant (staff, or a member of its vendor with catalog rights). Price changes
    /// never send the product back to review.
    #[graphql(guard = "RoleGuard(Role::Customer)")]
    async fn product_variant_update(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ProductVariantUpdateInput,
    ) -> async_graphql::Result<ProductVariantPayload> {
        let id = ids::arg::<VariantId>(&id)?;
        payload(ctx.state().catalog.update_variant(ctx.rcx(), id, input.into()).await)
    }

    /// Archives a variant: no longer sold, kept for order history (staff, or a member of its
    /// vendor with catalog rights).
    #[graphql(guard = "RoleGuard(Role::Customer)")]
    async fn product_variant_archive(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ProductVariantPayload> {
        let id = ids::arg::<VariantId>(&id)?;
        payload(ctx.state().catalog.archive_variant(ctx.rcx(), id).await)
    }

    /// Creates a category (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn category_create(&self, ctx: &Context<'_>, input: CategoryInput) -> async_graphql::Result<CategoryPayload> {
        let input = CategoryInput { make_top_level: false, ..input }; // update only
        payload(async { ctx.state().catalog.create_category(ctx.rcx(), input.try_into()?).await }.await)
    }

    /// Updates a category, including moving it in the tree (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn category_update(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: CategoryInput,
    ) -> async_graphql::Result<CategoryPayload> {
        let id = ids::arg::<CategoryId>(&id)?;
        payload(async { ctx.state().catalog.update_category(ctx.rcx(), id, input.try_into()?).await }.await)
    }

    /// Archives a category: hidden from the storefront tree (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn category_archive(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<CategoryPayload> {
        let id = ids::arg::<CategoryId>(&id)?;
        payload(ctx.state().catalog.archive_category(ctx.rcx(), id).await)
    }

    /// Changes a variant's stock on hand with a reason; every change is kept as a stock
    /// movement. Concurrent adjustments never lose an update or go below zero (staff, or a
    /// member of the product's vendor with catalog rights).
    #[graphql(guard = "RoleGuard(Role::Customer)")]
    async fn stock_adjust(
        &self,
        ctx: &Context<'_>,
        input: StockAdjustInput,
    ) -> async_graphql::Result<StockAdjustPayload> {
        payload(
            async {
                let id = id_in_input::<VariantId>(&input.variant_id, &["variantId"])?;
                ctx.state().catalog.adjust_stock(ctx.rcx(), id, input.delta, input.reason.into(), input.note).await
            }
            .await,
        )
    }

    /// Sends a product to staff review (NOT_SUBMITTED or REJECTED → PENDING_REVIEW; a trusted
    /// vendor's product is approved at once). For members of its vendor with catalog rights, and
    /// staff. `INVALID_APPROVAL_TRANSITION` when it is already in review or approved.
    #[graphql(guard = "RoleGuard(Role::Customer)")]
    async fn product_submit_for_review(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ProductPayload> {
        let id = ids::arg::<ProductId>(&id)?;
        payload(ctx.state().catalog.submit_for_review(ctx.rcx(), id).await)
    }

    /// Approves a product waiting for review: with status ACTIVE and an active vendor it goes
    /// on the storefront (staff only; audited). Of two concurrent decisions one wins; the other
    /// gets `INVALID_APPROVAL_TRANSITION`, as does approving twice.
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn product_approve(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ProductPayload> {
        let id = ids::arg::<ProductId>(&id)?;
        payload(ctx.state().catalog.approve_product(ctx.rcx(), id).await)
    }

    /// Rejects a product waiting for review with a reason (1 to 1,000 characters) its vendor
    /// sees in `approvalReason` and the history (staff only; audited).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn product_reject(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(desc = "Why the product is refused; shown to the vendor.")] reason: String,
    ) -> async_graphql::Result<ProductPayload> {
        let id = ids::arg::<ProductId>(&id)?;
        payload(ctx.state().catalog.reject_product(ctx.rcx(), id, &reason).await)
    }
}
