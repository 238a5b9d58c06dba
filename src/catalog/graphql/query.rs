//! Storefront catalog queries.

use async_graphql::{
    Context, Enum, ID, InputObject, Object,
    connection::{Connection, ConnectionNameType},
};
use rust_decimal::Decimal;

use crate::{
    catalog::{model, service::ProductQuery},
    context::RequestContext,
    graphql::input_limits as limits,
    graphql::{
        ContextExt,
        connection::{connection, page},
        errors::{OrInternal, bad_user_input, top_level},
        ids,
    },
    shared::ids::{CategoryId, ProductId, VariantId, VendorId},
};

use super::types::{Category, Product, ProductStatus, ProductVariant};

/// How to order a product list.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum ProductSortKey {
    /// Most recently created first.
    #[default]
    Newest,
    /// Cheapest first (by lowest variant price).
    PriceAsc,
    /// Most expensive first (by lowest variant price).
    PriceDesc,
    /// Alphabetically by title.
    Title,
}

/// A price range filter, in the shop currency; either bound may be omitted.
#[derive(InputObject, Clone)]
pub struct PriceRangeInput {
    /// Lowest price, inclusive.
    pub min: Option<Decimal>,
    /// Highest price, inclusive.
    pub max: Option<Decimal>,
}

/// An attribute filter: products whose attribute `key` has one of `values`.
#[derive(InputObject, Clone)]
pub struct AttributeFilterInput {
    /// The attribute key, e.g. `material` (at most 100 characters).
    pub key: String,
    /// Accepted values, in canonical text form (e.g. `linen`, `1.5`, `true`); at most 100.
    pub values: Vec<String>,
}

/// Filters for `products`; all given filters must match.
#[derive(InputObject, Clone, Default)]
pub struct ProductFilterInput {
    /// Products in this category or any category below it.
    pub category_id: Option<ID>,
    /// Products of this vendor.
    pub vendor_id: Option<ID>,
    /// Products with a variant priced in this range.
    pub price: Option<PriceRangeInput>,
    /// Products matching every attribute filter (at most 20 filters).
    pub attributes: Option<Vec<AttributeFilterInput>>,
    /// Only products with at least one variant in stock.
    pub in_stock: Option<bool>,
    /// Case-insensitive text contained in the title (at most 200 characters).
    pub query: Option<String>,
    /// Staff and `vendorProducts` only: these statuses (default: all). Storefront callers
    /// always get ACTIVE.
    pub status: Option<Vec<ProductStatus>>,
}

/// Extra fields on the product connection.
pub struct ProductConnectionFields {
    query: ProductQuery,
    rcx: RequestContext,
}

#[Object]
impl ProductConnectionFields {
    /// How many products match the filter, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        ctx.state().catalog.count_products(&self.rcx, &self.query).await.map_err(top_level)
    }
}

/// Names the connection of `vendorProducts` and `productReviewQueue`.
pub struct ProductListName;

impl ConnectionNameType for ProductListName {
    fn type_name<T: async_graphql::OutputType>() -> String {
        "ProductListConnection".to_owned()
    }
}

type ProductListConnection =
    Connection<String, Product, CountFields, async_graphql::connection::EmptyFields, ProductListName>;

fn product_list(
    request: &crate::shared::pagination::PageRequest,
    page: crate::shared::pagination::Page<model::Product>,
    total: u64,
) -> ProductListConnection {
    let mut conn =
        Connection::with_additional_fields(request.after.is_some(), page.has_next_page, CountFields { total });
    conn.edges.extend(
        page.items.into_iter().map(|(cursor, item)| async_graphql::connection::Edge::new(cursor.encode(), item.into())),
    );
    conn
}

/// The total of a vendor listing or the review queue.
pub struct CountFields {
    total: u64,
}

#[Object]
impl CountFields {
    /// How many products match, across all pages.
    async fn total_count(&self) -> u64 {
        self.total
    }
}

/// A filter argument, its IDs checked as arguments (top-level `BAD_USER_INPUT`).
impl TryFrom<ProductFilterInput> for ProductQuery {
    type Error = async_graphql::Error;
    fn try_from(filter: ProductFilterInput) -> async_graphql::Result<Self> {
        if let Some(q) = &filter.query {
            limits::max_chars(q, 200, "filter.query")?;
        }
        let attributes = filter.attributes.as_deref().unwrap_or_default();
        limits::max_items(attributes, 20, "filter.attributes")?;
        for a in attributes {
            limits::max_chars(&a.key, 100, "filter.attributes.key")?;
            limits::max_items(&a.values, 100, "filter.attributes.values")?;
        }
        Ok(ProductQuery {
            category_id: filter.category_id.as_ref().map(ids::arg::<CategoryId>).transpose()?,
            vendor_id: filter.vendor_id.as_ref().map(ids::arg::<VendorId>).transpose()?,
            min_price: filter.price.as_ref().and_then(|p| p.min),
            max_price: filter.price.as_ref().and_then(|p| p.max),
            attributes: filter.attributes.unwrap_or_default().into_iter().map(|a| (a.key, a.values)).collect(),
            in_stock: filter.in_stock.unwrap_or(false),
            title_contains: filter.query,
            statuses: filter.status.unwrap_or_default().into_iter().map(Into::into).collect(),
        })
    }
}

#[derive(Default)]
pub struct CatalogQuery;

type ProductConnection = Connection<String, Product, ProductConnectionFields>;

#[Object]
impl CatalogQuery {
    /// Products, filtered and sorted, as a Relay connection (forward pagination). Storefront
    /// callers see only products that are ACTIVE, APPROVED and of an active vendor; staff see
    /// all.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn products(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
        filter: Option<ProductFilterInput>,
        #[graphql(desc = "Order of the results (default NEWEST).")] sort_by: Option<ProductSortKey>,
    ) -> async_graphql::Result<ProductConnection> {
        let page = page(first, after)?;
        let q: ProductQuery = filter.unwrap_or_default().try_into()?;
        let sort = match sort_by.unwrap_or_default() {
            ProductSortKey::Newest => model::ProductSort::Newest,
            ProductSortKey::PriceAsc => model::ProductSort::PriceAsc,
            ProductSortKey::PriceDesc => model::ProductSort::PriceDesc,
            ProductSortKey::Title => model::ProductSort::TitleAsc,
        };
        let rcx = ctx.rcx().clone();
        let result = ctx.state().catalog.products(&rcx, &q, sort, &page).await.map_err(top_level)?;
        Ok(connection(&page, result, ProductConnectionFields { query: q, rcx }))
    }

    /// A product by global ID or by slug (give exactly one); null when not found or not visible
    /// (storefront products for everyone; the others for staff and their vendor's members).
    async fn product(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
    ) -> async_graphql::Result<Option<Product>> {
        match (id, slug) {
            (Some(id), None) => {
                let id = ids::arg::<ProductId>(&id)?;
                Ok(ctx.loader::<super::loaders::ProductByIdLoader>().load_one(id).await.or_internal()?.map(Into::into))
            }
            (None, Some(slug)) => {
                Ok(ctx.state().catalog.product_by_slug(ctx.rcx(), &slug).await.or_internal()?.map(Into::into))
            }
            _ => Err(bad_user_input("give exactly one of `id` and `slug`")),
        }
    }

    /// A vendor's own products in every status and approval state, newest first, for its members
    /// (any role) and staff. `filter.vendorId` is ignored. A non-member gets FORBIDDEN; an
    /// unknown vendor BAD_USER_INPUT (reason NOT_FOUND).
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn vendor_products(
        &self,
        ctx: &Context<'_>,
        vendor_id: ID,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
        filter: Option<ProductFilterInput>,
    ) -> async_graphql::Result<ProductListConnection> {
        let vendor = ids::arg::<VendorId>(&vendor_id)?;
        let page = page(first, after)?;
        let q: ProductQuery = filter.unwrap_or_default().try_into()?;
        let (result, total) =
            ctx.state().catalog.vendor_products(ctx.rcx(), vendor, &q, &page).await.map_err(top_level)?;
        Ok(product_list(&page, result, total))
    }

    /// Products waiting for review (PENDING_REVIEW), oldest first (staff only).
    #[graphql(
        guard = "crate::graphql::guards::RoleGuard(crate::shared::role::Role::Staff)",
        complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1"
    )]
    async fn product_review_queue(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
    ) -> async_graphql::Result<ProductListConnection> {
        let page = page(first, after)?;
        let (result, total) = ctx.state().catalog.review_queue(ctx.rcx(), &page).await.map_err(top_level)?;
        Ok(product_list(&page, result, total))
    }

    /// A variant by global ID; null when not found or its product is not visible.
    async fn variant(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<ProductVariant>> {
        variant_node(ctx, ids::arg::<VariantId>(&id)?).await
    }

    /// The category tree: top-level categories, by position; descend with `children`.
    async fn categories(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Category>> {
        let all =
            ctx.loader::<super::loaders::AllCategoriesLoader>().load_one(()).await.or_internal()?.unwrap_or_default();
        Ok(all.iter().filter(|c| c.parent_id.is_none()).cloned().map(Into::into).collect())
    }

    /// A category by slug; null when not found.
    async fn category(&self, ctx: &Context<'_>, slug: String) -> async_graphql::Result<Option<Category>> {
        let all =
            ctx.loader::<super::loaders::AllCategoriesLoader>().load_one(()).await.or_internal()?.unwrap_or_default();
        Ok(all.iter().find(|c| c.slug.as_str() == slug).cloned().map(Into::into))
    }
}

/// A product for `node(id:)`.
pub async fn product_node(ctx: &Context<'_>, id: ProductId) -> async_graphql::Result<Option<Product>> {
    Ok(ctx.loader::<super::loaders::ProductByIdLoader>().load_one(id).await.or_internal()?.map(Into::into))
}

/// A variant, visible only when its product is (and, for shoppers, not archived).
pub async fn variant_node(ctx: &Context<'_>, id: VariantId) -> async_graphql::Result<Option<ProductVariant>> {
    let Some(v) = ctx.loader::<super::loaders::VariantByIdLoader>().load_one(id).await.or_internal()? else {
        return Ok(None);
    };
    if v.archived && !ctx.rcx().is_staff() {
        return Ok(None);
    }
    let visible =
        ctx.loader::<super::loaders::ProductByIdLoader>().load_one(v.product_id).await.or_internal()?.is_some();
    Ok(visible.then(|| v.into()))
}

/// A category for `node(id:)`.
pub async fn category_node(ctx: &Context<'_>, id: CategoryId) -> async_graphql::Result<Option<Category>> {
    let all = ctx.loader::<super::loaders::AllCategoriesLoader>().load_one(()).await.or_internal()?.unwrap_or_default();
    Ok(all.iter().find(|c| c.id == id).cloned().map(Into::into))
}
