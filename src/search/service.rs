//! Search use cases: run a search, keep the index equal to the catalog (per product, per
//! vendor, all at once), and report the engine's state.
//!
//! Documents are always built from the database as it is now, through the catalog's storefront
//! reads (ACTIVE, APPROVED, vendor ACTIVE: the one rule in the catalog's repo), so syncing a
//! product twice, or late, or out of order still leaves the index equal to the database.
//! Index writes are serialised by one lock, so a rebuild (read everything, build, swap) never
//! drops a sync that ran meanwhile.

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use sea_orm::DbErr;

use crate::{
    catalog::{
        CatalogService,
        model::{AttributeValue, Product, ProductSort, breadcrumbs},
        service::ProductQuery,
    },
    context::RequestContext,
    search::{
        error::{EngineError, SearchError},
        model::{
            Facet, MAX_OFFSET, MAX_PAGE, MAX_QUERY_CHARS, SearchDocument, SearchFilter, SearchHits, SearchRequest,
            SearchSort, attribute_entry, price_bucket,
        },
        port::SearchIndex,
    },
    shared::{
        ids::{ProductId, TypedId, VendorId},
        pagination::PageRequest,
    },
    vendors::VendorService,
};

/// Products read per page while rebuilding.
const REINDEX_PAGE: u64 = 500;

/// A search as the API asks it, before validation.
#[derive(Debug, Clone, Default)]
pub struct SearchArgs {
    pub query: String,
    pub filter: SearchFilter,
    pub facets: Vec<String>,
    pub sort: SearchSort,
    pub first: Option<i32>,
    /// Results to skip (decoded from the `after` cursor).
    pub offset: usize,
}

/// What `/health/ready` reports about search.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchStatus {
    pub engine: &'static str,
    /// `ok` or `unavailable`.
    pub status: &'static str,
    pub documents: Option<u64>,
}

#[derive(Clone)]
pub struct SearchService {
    index: Arc<dyn SearchIndex>,
    catalog: CatalogService,
    vendors: VendorService,
    writes: Arc<tokio::sync::Mutex<()>>,
    timeout: Duration,
}

impl SearchService {
    pub fn new(
        index: Arc<dyn SearchIndex>,
        catalog: CatalogService,
        vendors: VendorService,
        timeout: Duration,
    ) -> Self {
        Self { index, catalog, vendors, writes: Arc::default(), timeout }
    }

    /// The engine in use (`embedded` or `meilisearch`).
    pub fn engine(&self) -> &'static str {
        self.index.name()
    }

    /// Validates `args` into a request: query length, facet names, page size and depth.
    ///
    /// # Errors
    /// `BadInput` naming the argument and its limit.
    pub fn validate(args: SearchArgs) -> Result<SearchRequest, SearchError> {
        let bad = |field, message: String| SearchError::BadInput { field, message };
        if args.query.chars().count() > MAX_QUERY_CHARS {
            return Err(bad("query", format!("`query` must be at most {MAX_QUERY_CHARS} characters")));
        }
        let mut facets = Vec::new();
        for name in &args.facets {
            let facet = Facet::parse(name).ok_or_else(|| {
                let known: Vec<&str> = Facet::ALL.iter().map(|f| f.name()).collect();
                bad("facets", format!("unknown facet `{name}`; facets are {}", known.join(", ")))
            })?;
            if !facets.contains(&facet) {
                facets.push(facet);
            }
        }
        let limit = match args.first {
            None => 20,
            Some(n) if (0..=MAX_PAGE as i32).contains(&n) => n as usize,
            Some(_) => return Err(bad("first", format!("`first` must be between 0 and {MAX_PAGE}"))),
        };
        if args.offset + limit > MAX_OFFSET {
            return Err(bad("after", format!("results past the first {MAX_OFFSET} cannot be paged to")));
        }
        let known_bucket = |b: &String| crate::search::model::PRICE_BUCKETS.iter().any(|p| p.key == b);
        if let Some(b) = args.filter.price_buckets.iter().find(|b| !known_bucket(b)) {
            return Err(bad("filter.priceBuckets", format!("unknown price bucket `{b}`")));
        }
        Ok(SearchRequest {
            query: args.query.trim_start().to_owned(),
            filter: args.filter,
            facets,
            sort: args.sort,
            offset: args.offset,
            limit,
        })
    }

    /// Runs a search on the engine, bounded by `search.timeout_ms`.
    ///
    /// # Errors
    /// `BadInput` (see [`Self::validate`]); `Unavailable` when the engine is down or too slow.
    #[tracing::instrument(name = "search.search", skip(self, args), fields(engine = self.engine()))]
    pub async fn search(&self, args: SearchArgs) -> Result<(SearchRequest, SearchHits), SearchError> {
        let request = Self::validate(args)?;
        let hits = match tokio::time::timeout(self.timeout, self.index.search(&request)).await {
            Ok(r) => r?,
            Err(_) => {
                return Err(SearchError::Unavailable(EngineError::unavailable(anyhow::anyhow!(
                    "no answer within {:?}",
                    self.timeout
                ))));
            }
        };
        Ok((request, hits))
    }

    /// The documents of the storefront products among `ids` (the others are left out).
    async fn documents(&self, ids: &[ProductId]) -> Result<Vec<SearchDocument>, DbErr> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let anonymous = RequestContext::default();
        let products = self.catalog.products_by_ids(&anonymous, ids).await?;
        let ids: Vec<ProductId> = products.keys().copied().collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut variants = self.catalog.variants_by_product_ids(&ids).await?;
        let mut categories = self.catalog.categories_by_product_ids(&ids).await?;
        let mut attributes = self.catalog.attributes_by_product_ids(&ids).await?;
        let all_categories = self.catalog.categories(&anonymous).await?;
        let vendor_ids: Vec<VendorId> =
            products.values().map(|p| p.vendor_id).collect::<BTreeSet<_>>().into_iter().collect();
        let vendors = self.vendors.by_ids(&vendor_ids).await?;
        let exponent = self.catalog.currency().exponent();
        let mut docs: Vec<SearchDocument> = products
            .into_values()
            .map(|p| {
                let id = p.id;
                let vendor_name = vendors.get(&p.vendor_id).map(|v| v.name.clone()).unwrap_or_default();
                Self::document(
                    p,
                    vendor_name,
                    variants.remove(&id).unwrap_or_default(),
                    categories.remove(&id).unwrap_or_default(),
                    attributes.remove(&id).unwrap_or_default(),
                    &all_categories,
                    exponent,
                )
            })
            .collect();
        docs.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(docs)
    }

    fn document(
        p: Product,
        vendor_name: String,
        variants: Vec<crate::catalog::model::Variant>,
        categories: Vec<crate::catalog::model::Category>,
        attributes: Vec<crate::catalog::model::Attribute>,
        all_categories: &[crate::catalog::model::Category],
        exponent: u32,
    ) -> SearchDocument {
        let live: Vec<_> = variants.into_iter().filter(|v| !v.archived).collect();
        let prices: Vec<i64> = live.iter().filter_map(|v| v.price.to_minor().ok()).collect();
        let price_min = prices.iter().copied().min().unwrap_or(0);
        let price_max = prices.iter().copied().max().unwrap_or(0);
        let mut category_ids = BTreeSet::new();
        let mut category_names = Vec::new();
        for c in categories.iter().filter(|c| !c.archived) {
            for step in breadcrumbs(all_categories, c.id) {
                if category_ids.insert(step.id.to_string()) {
                    category_names.push(step.name);
                }
            }
        }
        let mut entries = BTreeSet::new();
        let mut values = Vec::new();
        for a in &attributes {
            entries.insert(attribute_entry(&a.key, &a.value.canonical()));
            if let AttributeValue::Text(t) = &a.value {
                values.push(t.clone());
            }
        }
        for o in live.iter().flat_map(|v| &v.options) {
            entries.insert(attribute_entry(&o.name, &o.value));
            if !values.contains(&o.value) {
                values.push(o.value.clone());
            }
        }
        SearchDocument {
            id: p.id.uuid().to_string(),
            title: p.title,
            description: p.description,
            vendor_id: p.vendor_id.uuid().to_string(),
            vendor_name,
            category_ids: category_ids.into_iter().collect(),
            category_names,
            attributes: entries.into_iter().collect(),
            attribute_values: values,
            price_min,
            price_max,
            price_bucket: price_bucket(price_min, exponent).to_owned(),
            in_stock: live.iter().any(|v| v.available() > 0),
            created_at: p.created_at.timestamp_millis(),
        }
    }

    /// Brings the documents of `ids` in line with the database: storefront products are
    /// upserted, the others deleted.
    ///
    /// # Errors
    /// A database or engine failure (the caller retries).
    #[tracing::instrument(name = "search.sync_products", skip(self, ids), fields(count = ids.len()))]
    pub async fn sync_products(&self, ids: &[ProductId]) -> Result<(), SearchError> {
        let _writing = self.writes.lock().await;
        let docs = self.documents(ids).await?;
        let present: BTreeSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        let gone: Vec<String> =
            ids.iter().map(|id| id.uuid().to_string()).filter(|id| !present.contains(id.as_str())).collect();
        self.index.upsert(docs).await?;
        self.index.delete(gone).await?;
        Ok(())
    }

    /// The ids of every storefront product (of `vendor`, when given), in id order.
    async fn storefront_ids(&self, vendor: Option<VendorId>) -> Result<Vec<ProductId>, SearchError> {
        let anonymous = RequestContext::default();
        let query = ProductQuery { vendor_id: vendor, ..ProductQuery::default() };
        let mut ids = Vec::new();
        let mut page = PageRequest { first: REINDEX_PAGE, after: None };
        loop {
            let result = self.catalog.products(&anonymous, &query, ProductSort::Oldest, &page).await.map_err(|e| {
                SearchError::Engine(EngineError::failed(anyhow::anyhow!("listing storefront products: {e}")))
            })?;
            page.after = result.items.last().map(|(c, _)| c.clone());
            ids.extend(result.items.into_iter().map(|(_, p)| p.id));
            if !result.has_next_page {
                return Ok(ids);
            }
        }
    }

    /// Replaces the documents of `vendor`'s products with its storefront products now (none
    /// when the vendor is not ACTIVE).
    ///
    /// # Errors
    /// A database or engine failure.
    #[tracing::instrument(name = "search.sync_vendor", skip(self))]
    pub async fn sync_vendor(&self, vendor: VendorId) -> Result<(), SearchError> {
        let _writing = self.writes.lock().await;
        let ids = self.storefront_ids(Some(vendor)).await?;
        let mut docs = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(REINDEX_PAGE as usize) {
            docs.extend(self.documents(chunk).await?);
        }
        self.index.replace_vendor(vendor.uuid().to_string(), docs).await?;
        Ok(())
    }

    /// Rebuilds the whole index from the database: a new index is built, then swapped in
    /// (searches keep answering from the old one meanwhile). Returns the number of documents.
    ///
    /// # Errors
    /// A database or engine failure; the live index is then unchanged.
    #[tracing::instrument(name = "search.reindex", skip(self), fields(engine = self.engine()))]
    pub async fn reindex(&self) -> Result<usize, SearchError> {
        let _writing = self.writes.lock().await;
        let ids = self.storefront_ids(None).await?;
        let mut docs = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(REINDEX_PAGE as usize) {
            docs.extend(self.documents(chunk).await?);
        }
        let n = docs.len();
        self.index.rebuild(docs).await?;
        tracing::info!(documents = n, "search index rebuilt");
        Ok(n)
    }

    /// Creates the index and applies its settings (idempotent).
    ///
    /// # Errors
    /// The engine is unreachable or refuses the settings.
    pub async fn ensure_ready(&self) -> Result<(), SearchError> {
        Ok(self.index.prepare().await?)
    }

    /// At start: applies the engine's settings, and rebuilds when the index does not hold as
    /// many documents as the storefront has products (empty, from an older schema, or behind).
    /// Returns whether it rebuilt.
    ///
    /// # Errors
    /// The engine is unreachable, or a database failure.
    pub async fn ensure_fresh(&self) -> Result<bool, SearchError> {
        self.index.prepare().await?;
        let indexed = self.index.count().await?;
        let expected = self
            .catalog
            .count_products(&RequestContext::default(), &ProductQuery::default())
            .await
            .map_err(|e| SearchError::Engine(EngineError::failed(anyhow::anyhow!("counting products: {e}"))))?;
        if indexed == expected {
            return Ok(false);
        }
        tracing::info!(indexed, expected, "search index out of date; rebuilding");
        self.reindex().await?;
        Ok(true)
    }

    /// The engine's state for `/health/ready`, within the search timeout.
    pub async fn status(&self) -> SearchStatus {
        let count = tokio::time::timeout(self.timeout, self.index.count()).await;
        match count {
            Ok(Ok(n)) => SearchStatus { engine: self.engine(), status: "ok", documents: Some(n) },
            _ => SearchStatus { engine: self.engine(), status: "unavailable", documents: None },
        }
    }
}
