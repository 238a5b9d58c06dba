//! The Meilisearch adapter, used when `search.meilisearch_url` (or `MEILISEARCH_URL`) is set:
//! the multi-instance path (every instance reads and writes the same engine).
//!
//! Settings applied at start ([`SearchIndex::prepare`], idempotent): searchable attributes
//! (title first), filterable (the facets), sortable (price, creation), typo tolerance (one typo
//! from 5 letters, two from 9), facet and pagination caps. Queries use the `all` matching
//! strategy (every word must match) and exhaustive page-mode counts. Every call is bounded by
//! `search.timeout_ms`: past it the engine counts as unavailable. Writes wait until Meilisearch
//! has applied them, so a search after a write sees it.

use std::{collections::HashMap, time::Duration};

use meilisearch_sdk::{
    client::{Client, SwapIndexes},
    documents::DocumentDeletionQuery,
    errors::Error as MeiliError,
    search::{MatchingStrategies, Selectors},
    settings::{FacetingSettings, MinWordSizeForTypos, PaginationSetting, Settings, TypoToleranceSettings},
    task_info::TaskInfo,
};
use serde::Deserialize;

use crate::search::{
    error::EngineError,
    model::{
        Facet, FacetDistribution, Hit, MAX_FACET_VALUES, MAX_OFFSET, SearchDocument, SearchHits, SearchRequest,
        SearchSort,
    },
    port::SearchIndex,
};

/// How long a write may take to be applied by Meilisearch (a whole rebuild included).
const TASK_TIMEOUT: Duration = Duration::from_secs(600);
const TASK_POLL: Duration = Duration::from_millis(10);

pub struct MeiliIndex {
    client: Client,
    uid: String,
    timeout: Duration,
}

fn classify(e: MeiliError) -> EngineError {
    match e {
        MeiliError::Meilisearch(_) | MeiliError::ParseError(_) | MeiliError::InvalidRequest => EngineError::failed(e),
        other => EngineError::unavailable(other),
    }
}

/// A filter value as a quoted Meilisearch string.
fn quote(v: &str) -> String {
    format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
}

#[derive(Deserialize)]
struct Stored {
    id: String,
    title: String,
}

impl MeiliIndex {
    /// A client for the index `uid` at `url`; no request is made yet.
    ///
    /// # Errors
    /// A malformed URL or key.
    pub fn new(url: &str, api_key: Option<&str>, uid: &str, timeout: Duration) -> anyhow::Result<Self> {
        let client = Client::new(url.trim_end_matches('/'), api_key)?;
        Ok(Self { client, uid: uid.to_owned(), timeout })
    }

    async fn bounded<T>(&self, f: impl Future<Output = Result<T, MeiliError>>) -> Result<T, EngineError> {
        match tokio::time::timeout(self.timeout, f).await {
            Ok(r) => r.map_err(classify),
            Err(_) => Err(EngineError::unavailable(anyhow::anyhow!("no answer within {:?}", self.timeout))),
        }
    }

    /// Waits for a write task; a failed task is an error.
    async fn applied(&self, task: Result<TaskInfo, MeiliError>) -> Result<(), EngineError> {
        let task = task.map_err(classify)?;
        let done =
            task.wait_for_completion(&self.client, Some(TASK_POLL), Some(TASK_TIMEOUT)).await.map_err(classify)?;
        if done.is_failure() {
            return Err(EngineError::failed(done.unwrap_failure()));
        }
        Ok(())
    }

    fn settings() -> Settings {
        let filterable: Vec<&str> = Facet::ALL.iter().map(|f| f.field()).collect();
        Settings::new()
            .with_searchable_attributes(["title", "vendor_name", "category_names", "attribute_values", "description"])
            .with_filterable_attributes(filterable)
            .with_sortable_attributes(["price_min", "created_at"])
            .with_typo_tolerance(TypoToleranceSettings {
                enabled: Some(true),
                disable_on_attributes: Some(vec![]),
                disable_on_words: Some(vec![]),
                min_word_size_for_typos: Some(MinWordSizeForTypos { one_typo: Some(5), two_typos: Some(9) }),
                ..TypoToleranceSettings::default()
            })
            .with_faceting(FacetingSettings { max_values_per_facet: MAX_FACET_VALUES, sort_facet_values_by: None })
            .with_pagination(PaginationSetting { max_total_hits: MAX_OFFSET + 100 })
    }

    async fn prepare_index(&self, uid: &str) -> Result<(), EngineError> {
        let index = self.client.index(uid);
        self.applied(index.set_settings(&Self::settings()).await).await
    }

    fn filter(r: &SearchRequest) -> String {
        r.filter
            .clauses()
            .into_iter()
            .map(|(field, values)| {
                let any: Vec<String> =
                    values
                        .iter()
                        .map(|v| {
                            if field == "in_stock" {
                                format!("{field} = {v}")
                            } else {
                                format!("{field} = {}", quote(v))
                            }
                        })
                        .collect();
                format!("({})", any.join(" OR "))
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }
}

#[async_trait::async_trait]
impl SearchIndex for MeiliIndex {
    fn name(&self) -> &'static str {
        "meilisearch"
    }

    async fn prepare(&self) -> Result<(), EngineError> {
        self.bounded(self.client.health()).await?;
        self.prepare_index(&self.uid).await
    }

    async fn upsert(&self, docs: Vec<SearchDocument>) -> Result<(), EngineError> {
        if docs.is_empty() {
            return Ok(());
        }
        self.applied(self.client.index(&self.uid).add_or_replace(&docs, Some("id")).await).await
    }

    async fn delete(&self, ids: Vec<String>) -> Result<(), EngineError> {
        if ids.is_empty() {
            return Ok(());
        }
        self.applied(self.client.index(&self.uid).delete_documents(&ids).await).await
    }

    async fn replace_vendor(&self, vendor_id: String, docs: Vec<SearchDocument>) -> Result<(), EngineError> {
        let index = self.client.index(&self.uid);
        let filter = format!("vendor_id = {}", quote(&vendor_id));
        let mut query = DocumentDeletionQuery::new(&index);
        query.with_filter(&filter);
        self.applied(index.delete_documents_with(&query).await).await?;
        self.upsert(docs).await
    }

    async fn rebuild(&self, docs: Vec<SearchDocument>) -> Result<(), EngineError> {
        let fresh = format!("{}_build_{}", self.uid, uuid::Uuid::now_v7().simple());
        self.applied(self.client.create_index(&fresh, Some("id")).await).await?;
        self.prepare_index(&fresh).await?;
        for chunk in docs.chunks(5_000) {
            self.applied(self.client.index(&fresh).add_or_replace(chunk, Some("id")).await).await?;
        }
        let swap = SwapIndexes { indexes: (self.uid.clone(), fresh.clone()), rename: None };
        self.applied(self.client.swap_indexes([&swap]).await).await?;
        // `fresh` now names the previous index.
        self.applied(self.client.delete_index(&fresh).await).await
    }

    async fn count(&self) -> Result<u64, EngineError> {
        let stats = self.bounded(self.client.index(&self.uid).get_stats()).await?;
        Ok(stats.number_of_documents as u64)
    }

    async fn search(&self, r: &SearchRequest) -> Result<SearchHits, EngineError> {
        let index = self.client.index(&self.uid);
        let filter = Self::filter(r);
        let facets: Vec<&str> = r.facets.iter().map(|f| f.field()).collect();
        let sort: &[&str] = match r.sort {
            SearchSort::Relevance => &[],
            SearchSort::PriceAsc => &["price_min:asc"],
            SearchSort::PriceDesc => &["price_min:desc"],
            SearchSort::Newest => &["created_at:desc"],
        };
        // Page mode gives exact totals; an offset that is not a multiple of the page size reads
        // from the start of the page holding it.
        let limit = r.limit.max(1);
        let (page, skip, per_page) = if r.offset.is_multiple_of(limit) {
            (r.offset / limit + 1, 0, limit)
        } else {
            (1, r.offset, r.offset + limit)
        };
        let mut q = index.search();
        q.with_query(&r.query)
            .with_matching_strategy(MatchingStrategies::ALL)
            .with_page(page)
            .with_hits_per_page(per_page)
            .with_attributes_to_retrieve(Selectors::Some(&["id", "title"]));
        if !filter.is_empty() {
            q.with_filter(&filter);
        }
        if !facets.is_empty() {
            q.with_facets(Selectors::Some(&facets));
        }
        if !sort.is_empty() {
            q.with_sort(sort);
        }
        let res = self.bounded(q.execute::<Stored>()).await?;
        let hits = if r.limit == 0 {
            Vec::new()
        } else {
            res.hits.into_iter().skip(skip).map(|h| Hit { id: h.result.id, title: h.result.title }).collect()
        };
        let mut dist: HashMap<String, HashMap<String, usize>> = res.facet_distribution.unwrap_or_default();
        let by_facet = r
            .facets
            .iter()
            .map(|f| {
                let values = dist.remove(f.field()).unwrap_or_default();
                (*f, values.into_iter().map(|(v, n)| (v, n as u64)).collect())
            })
            .collect();
        Ok(SearchHits {
            hits,
            total_hits: res.total_hits.or(res.estimated_total_hits).unwrap_or_default() as u64,
            facets: FacetDistribution { by_facet }.normalised(),
        })
    }
}
