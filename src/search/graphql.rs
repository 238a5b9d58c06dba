//! `search`: full-text, typo-tolerant, faceted product search on the configured engine. Thin:
//! decodes arguments, calls [`SearchService::search`], resolves the hits' products through the
//! catalog's dataloader (one batch per page).

use async_graphql::{
    Context, Enum, ErrorExtensions, ID, InputObject, Object, SimpleObject,
    connection::{Connection, ConnectionNameType, Edge, EdgeNameType},
};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::{
    catalog::graphql::{Product, loaders::ProductByIdLoader},
    graphql::{ContextExt, errors::OrInternal, ids, money::Money},
    search::{
        error::SearchError,
        model::{Facet, FacetDistribution, PRICE_BUCKETS, SearchFilter, SearchSort, split_attribute},
        service::SearchArgs,
    },
    shared::{
        ids::{CategoryId, ProductId, TypedId, VendorId},
        money::{Currency, Money as DomainMoney},
    },
};

/// How search results are ordered.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum SearchSortKey {
    /// Best matches first (title matches before other fields).
    #[default]
    Relevance,
    /// Cheapest first (by lowest variant price).
    PriceAsc,
    /// Most expensive first (by lowest variant price).
    PriceDesc,
    /// Most recently created first.
    Newest,
}

/// An attribute (or variant option) filter: products with attribute `key` equal to one of
/// `values` (case-insensitive).
#[derive(InputObject, Clone)]
pub struct SearchAttributeFilterInput {
    /// The attribute key or option name, e.g. `material`, `size`.
    pub key: String,
    /// Accepted values (any of them).
    pub values: Vec<String>,
}

/// Search filters: each given facet must match (AND); within one facet, any listed value may
/// (OR).
#[derive(InputObject, Clone, Default)]
pub struct SearchFilterInput {
    /// Products of any of these vendors.
    pub vendor_ids: Option<Vec<ID>>,
    /// Products in any of these categories or below them.
    pub category_ids: Option<Vec<ID>>,
    /// Products matching every attribute filter.
    pub attributes: Option<Vec<SearchAttributeFilterInput>>,
    /// Products whose lowest price is in any of these buckets (keys of
    /// `facetDistribution.priceBuckets`: `0-25`, `25-50`, `50-100`, `100-200`, `200-500`,
    /// `500+`, in shop-currency units).
    pub price_buckets: Option<Vec<String>>,
    /// Only products with (true) or without (false) a variant in stock.
    pub in_stock: Option<bool>,
}

/// Names the search connection.
pub struct SearchConnectionName;

impl ConnectionNameType for SearchConnectionName {
    fn type_name<T: async_graphql::OutputType>() -> String {
        "SearchResultConnection".to_owned()
    }
}

/// Names the search edge.
pub struct SearchEdgeName;

impl EdgeNameType for SearchEdgeName {
    fn type_name<T: async_graphql::OutputType>() -> String {
        "SearchResultEdge".to_owned()
    }
}

/// Per-result fields.
#[derive(SimpleObject)]
pub struct SearchEdgeFields {
    /// The product title with matched words wrapped in `<em>…</em>` (the rest HTML-escaped).
    pub highlighted_title: String,
}

/// A vendor or category and how many results it has.
#[derive(SimpleObject, Clone)]
pub struct SearchFacetValue {
    /// Global ID of the vendor or category (use it in `filter`).
    pub id: ID,
    pub count: u64,
}

/// An attribute value and how many results have it.
#[derive(SimpleObject, Clone)]
pub struct SearchAttributeFacetValue {
    /// Attribute key or option name, lower case.
    pub key: String,
    /// The value, lower case.
    pub value: String,
    pub count: u64,
}

/// A price bucket and how many results' lowest price falls in it.
#[derive(SimpleObject, Clone)]
pub struct SearchPriceBucketValue {
    /// The key to filter on (`filter.priceBuckets`).
    pub key: String,
    /// Lowest price in the bucket, inclusive.
    pub min: Money,
    /// Highest price, exclusive; null for the last bucket.
    pub max: Option<Money>,
    pub count: u64,
}

/// In stock or not, and how many results are.
#[derive(SimpleObject, Clone)]
pub struct SearchInStockValue {
    pub in_stock: bool,
    pub count: u64,
}

/// Counts of the results (all pages) per value of each facet asked for in `facets`; facets not
/// asked for are empty. Values are sorted by count, highest first.
#[derive(SimpleObject, Clone, Default)]
pub struct SearchFacetDistribution {
    pub vendors: Vec<SearchFacetValue>,
    pub categories: Vec<SearchFacetValue>,
    pub attributes: Vec<SearchAttributeFacetValue>,
    pub price_buckets: Vec<SearchPriceBucketValue>,
    pub in_stock: Vec<SearchInStockValue>,
}

fn global<I: TypedId>(uuid: &str) -> Option<ID> {
    uuid.parse().ok().map(|u| ids::encode(I::from_uuid(u)))
}

fn distribution(f: &FacetDistribution, currency: Currency) -> SearchFacetDistribution {
    let unit = |major: i64| Money::from(DomainMoney::from_minor(major * 10_i64.pow(currency.exponent()), currency));
    SearchFacetDistribution {
        vendors: f
            .of(Facet::Vendor)
            .iter()
            .filter_map(|(v, n)| global::<VendorId>(v).map(|id| SearchFacetValue { id, count: *n }))
            .collect(),
        categories: f
            .of(Facet::Category)
            .iter()
            .filter_map(|(v, n)| global::<CategoryId>(v).map(|id| SearchFacetValue { id, count: *n }))
            .collect(),
        attributes: f
            .of(Facet::Attribute)
            .iter()
            .filter_map(|(v, n)| {
                split_attribute(v).map(|(key, value)| SearchAttributeFacetValue {
                    key: key.to_owned(),
                    value: value.to_owned(),
                    count: *n,
                })
            })
            .collect(),
        price_buckets: f
            .of(Facet::Price)
            .iter()
            .filter_map(|(v, n)| {
                PRICE_BUCKETS.iter().find(|b| b.key == v).map(|b| SearchPriceBucketValue {
                    key: b.key.to_owned(),
                    min: unit(b.min),
                    max: b.max.map(unit),
                    count: *n,
                })
            })
            .collect(),
        in_stock: f
            .of(Facet::InStock)
            .iter()
            .map(|(v, n)| SearchInStockValue { in_stock: v == "true", count: *n })
            .collect(),
    }
}

/// Totals and facet counts of a search.
pub struct SearchFields {
    total_hits: u64,
    facets: SearchFacetDistribution,
}

#[Object]
impl SearchFields {
    /// How many products match, across all pages.
    async fn total_hits(&self) -> u64 {
        self.total_hits
    }

    /// Counts per facet value over all matching products.
    async fn facet_distribution(&self) -> &SearchFacetDistribution {
        &self.facets
    }
}

type SearchConnection =
    Connection<String, Product, SearchFields, SearchEdgeFields, SearchConnectionName, SearchEdgeName>;

/// A top-level `BAD_USER_INPUT` naming the argument at fault.
fn bad_argument(field: &str, message: impl Into<String>) -> async_graphql::Error {
    let field = field.to_owned();
    async_graphql::Error::new(message).extend_with(move |_, ext| {
        ext.set("code", "BAD_USER_INPUT");
        ext.set("field", field.clone());
    })
}

fn map_error(e: SearchError) -> async_graphql::Error {
    match e {
        SearchError::BadInput { field, message } => bad_argument(field, message),
        SearchError::Unavailable(inner) => {
            tracing::warn!(error = %crate::error::chain(&inner), "search unavailable");
            async_graphql::Error::new("Search is unavailable; try again shortly")
                .extend_with(|_, ext| ext.set("code", "SEARCH_UNAVAILABLE"))
        }
        other => crate::graphql::errors::internal(&other),
    }
}

const CURSOR_PREFIX: &str = "search:";

fn cursor(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{offset}"))
}

/// The offset after the edge `after` names.
fn after_offset(after: &str) -> async_graphql::Result<usize> {
    URL_SAFE_NO_PAD
        .decode(after)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix(CURSOR_PREFIX).and_then(|n| n.parse::<usize>().ok()))
        .map(|n| n + 1)
        .ok_or_else(|| bad_argument("after", "`after` is not a search cursor"))
}

fn decode_ids<I: TypedId>(list: Option<Vec<ID>>, field: &str) -> async_graphql::Result<Vec<String>> {
    list.unwrap_or_default()
        .iter()
        .map(|id| {
            ids::decode::<I>(id)
                .map(|i| i.uuid().to_string())
                .ok_or_else(|| bad_argument(field, format!("`{}` is not a valid {} ID", id.as_str(), I::TYPE_NAME)))
        })
        .collect()
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Full-text product search with facets, on storefront products (ACTIVE, APPROVED, vendor
    /// ACTIVE). Every word of `query` must match the title, description, vendor, categories or
    /// attribute values, forgiving one typo in words of 5 letters or more and two from 9; the
    /// last word also matches as a prefix while it is being typed (no trailing space). An empty
    /// query lists every product matching `filter`.
    ///
    /// Errors: `BAD_USER_INPUT` (with `extensions.field`) for a query over 512 characters, an
    /// unknown facet, `first` outside 0–100, a bad `after`, paging past 10,000 results or a
    /// malformed ID in `filter`; `SEARCH_UNAVAILABLE` when the search engine does not answer
    /// within `search.timeout_ms` (1 s by default).
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    #[allow(clippy::too_many_arguments)]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The words to find (at most 512 characters); none lists everything matching `filter`.")]
        query: Option<String>,
        filter: Option<SearchFilterInput>,
        #[graphql(
            desc = "Facets to count: any of `vendor`, `category`, `attribute`, `price`, `inStock` (default none)."
        )]
        facets: Option<Vec<String>>,
        #[graphql(desc = "Order of the results (default RELEVANCE).")] sort_by: Option<SearchSortKey>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
    ) -> async_graphql::Result<SearchConnection> {
        let offset = after.as_deref().map(after_offset).transpose()?.unwrap_or(0);
        let filter = filter.unwrap_or_default();
        let filter = SearchFilter {
            vendor_ids: decode_ids::<VendorId>(filter.vendor_ids, "filter.vendorIds")?,
            category_ids: decode_ids::<CategoryId>(filter.category_ids, "filter.categoryIds")?,
            attributes: filter.attributes.unwrap_or_default().into_iter().map(|a| (a.key, a.values)).collect(),
            price_buckets: filter.price_buckets.unwrap_or_default(),
            in_stock: filter.in_stock,
        };
        let sort = match sort_by.unwrap_or_default() {
            SearchSortKey::Relevance => SearchSort::Relevance,
            SearchSortKey::PriceAsc => SearchSort::PriceAsc,
            SearchSortKey::PriceDesc => SearchSort::PriceDesc,
            SearchSortKey::Newest => SearchSort::Newest,
        };
        let args = SearchArgs {
            query: query.unwrap_or_default(),
            filter,
            facets: facets.unwrap_or_default(),
            sort,
            first,
            offset,
        };
        let state = ctx.state();
        let (request, result) = state.search.search(args).await.map_err(map_error)?;
        let ids: Vec<ProductId> = result.hits.iter().filter_map(|h| h.id.parse().ok().map(ProductId)).collect();
        let mut products = ctx.loader::<ProductByIdLoader>().load_many(ids).await.or_internal()?;
        let has_next = request.offset + result.hits.len() < result.total_hits as usize;
        let fields = SearchFields {
            total_hits: result.total_hits,
            facets: distribution(&result.facets, state.catalog.currency()),
        };
        let mut conn = Connection::with_additional_fields(request.offset > 0, has_next, fields);
        for (i, hit) in result.hits.iter().enumerate() {
            // A product that left the storefront since it was indexed is skipped.
            let Some(product) = hit.id.parse().ok().and_then(|u| products.remove(&ProductId(u))) else { continue };
            let highlighted_title = crate::search::model::highlight(&product.title, &request.query);
            conn.edges.push(Edge::with_additional_fields(
                cursor(request.offset + i),
                product.into(),
                SearchEdgeFields { highlighted_title },
            ));
        }
        Ok(conn)
    }
}
