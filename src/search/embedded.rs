//! The embedded engine (default): a tantivy index under `<data_dir>/search/`, so a single
//! `cargo run --release` has typo-tolerant faceted search without any service.
//!
//! Layout: `<data_dir>/search/embedded-v<SCHEMA_VERSION>/CURRENT` names the live generation
//! directory next to it. A rebuild writes a new generation, then replaces `CURRENT` (write +
//! rename) and swaps the in-memory handle, then deletes the old directory: searches see the
//! old index until the swap. One process owns the index (tantivy's writer lock): with several
//! instances, use Meilisearch.
//!
//! Query semantics (shared with Meilisearch, checked by the conformance suite): every query
//! word must match (in title, description, vendor, categories or attribute values) with its
//! typo budget ([`typo_budget`]); the last word also matches as a prefix while typed; title
//! matches rank first. Facets are tantivy facets under one field: `/vendor/<id>`,
//! `/category/<id>`, `/attribute/<key=value>`, `/price/<bucket>`, `/in_stock/<bool>`.

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex, RwLock},
};

use anyhow::Context as _;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, TantivyDocument, Term,
    collector::{Count, FacetCollector, FacetCounts, TopDocs},
    query::{AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery},
    schema::{FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TEXT, Value},
};

use crate::search::{
    error::EngineError,
    model::{
        FacetDistribution, Hit, SCHEMA_VERSION, SearchDocument, SearchHits, SearchRequest, SearchSort,
        last_word_is_prefix, typo_budget, words,
    },
    port::SearchIndex,
};

/// Indexing memory of the one writer thread (tantivy's minimum is 15 MB).
const WRITER_MEMORY: usize = 15_000_000;

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    text: Field,
    facets: Field,
    price_min: Field,
    created_at: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        title: b.add_text_field("title", TEXT | STORED),
        text: b.add_text_field("text", TEXT),
        facets: b.add_facet_field("facets", FacetOptions::default()),
        price_min: b.add_i64_field("price_min", FAST | INDEXED),
        created_at: b.add_i64_field("created_at", FAST),
    };
    (b.build(), fields)
}

/// The facet root of a document field (see the module docs).
fn root(field: &str) -> &'static str {
    match field {
        "vendor_id" => "vendor",
        "category_ids" => "category",
        "attributes" => "attribute",
        "price_bucket" => "price",
        _ => "in_stock",
    }
}

fn facet(field: &str, value: &str) -> Facet {
    Facet::from_path([root(field), value])
}

struct Live {
    dir: PathBuf,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
}

impl Live {
    fn open(dir: PathBuf, create: bool) -> anyhow::Result<Self> {
        let (schema, _) = schema();
        let index = if create {
            std::fs::create_dir_all(&dir)?;
            Index::create_in_dir(&dir, schema)?
        } else {
            Index::open_in_dir(&dir)?
        };
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY)?;
        Ok(Self { dir, reader, writer: Mutex::new(writer) })
    }

    /// Applies `f` to the writer, commits, and makes the commit visible to searches.
    fn write(&self, f: impl FnOnce(&IndexWriter) -> tantivy::Result<()>) -> anyhow::Result<()> {
        let mut writer = self.writer.lock().map_err(|_| anyhow::anyhow!("index writer poisoned"))?;
        if let Err(e) = f(&writer) {
            writer.rollback()?;
            return Err(e.into());
        }
        writer.commit()?;
        self.reader.reload()?;
        Ok(())
    }
}

/// The embedded tantivy index.
pub struct EmbeddedIndex {
    base: PathBuf,
    fields: Fields,
    live: RwLock<Arc<Live>>,
}

fn pointer(base: &Path) -> PathBuf {
    base.join("CURRENT")
}

impl EmbeddedIndex {
    /// Opens the live generation under `<data_dir>/search/`, or creates an empty one.
    ///
    /// # Errors
    /// The directory cannot be created or the index is locked by another process.
    pub fn open(data_dir: &Path) -> anyhow::Result<Self> {
        let base = data_dir.join("search").join(format!("embedded-v{SCHEMA_VERSION}"));
        std::fs::create_dir_all(&base).with_context(|| format!("creating {}", base.display()))?;
        let current = std::fs::read_to_string(pointer(&base)).ok().map(|s| base.join(s.trim()));
        let live = match current.filter(|d| d.is_dir()) {
            Some(dir) => Live::open(dir, false).context("opening the search index")?,
            None => {
                let live = Self::new_generation(&base)?;
                Self::point_to(&base, &live.dir)?;
                live
            }
        };
        Ok(Self { base, fields: schema().1, live: RwLock::new(Arc::new(live)) })
    }

    fn new_generation(base: &Path) -> anyhow::Result<Live> {
        Live::open(base.join(format!("gen-{}", uuid::Uuid::now_v7().simple())), true)
    }

    fn point_to(base: &Path, dir: &Path) -> anyhow::Result<()> {
        let name = dir.file_name().and_then(|n| n.to_str()).context("generation name")?;
        let tmp = base.join("CURRENT.tmp");
        std::fs::write(&tmp, name)?;
        std::fs::rename(&tmp, pointer(base))?;
        Ok(())
    }

    fn live(&self) -> Arc<Live> {
        self.live.read().map_or_else(|p| p.into_inner().clone(), |l| l.clone())
    }

    fn to_doc(&self, d: &SearchDocument) -> TantivyDocument {
        let f = self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, &d.id);
        doc.add_text(f.title, &d.title);
        for t in [&d.title, &d.description, &d.vendor_name] {
            doc.add_text(f.text, t);
        }
        for t in d.category_names.iter().chain(&d.attribute_values) {
            doc.add_text(f.text, t);
        }
        doc.add_facet(f.facets, facet("vendor_id", &d.vendor_id));
        for c in &d.category_ids {
            doc.add_facet(f.facets, facet("category_ids", c));
        }
        for a in &d.attributes {
            doc.add_facet(f.facets, facet("attributes", a));
        }
        doc.add_facet(f.facets, facet("price_bucket", &d.price_bucket));
        doc.add_facet(f.facets, facet("in_stock", &d.in_stock.to_string()));
        doc.add_i64(f.price_min, d.price_min);
        doc.add_i64(f.created_at, d.created_at);
        doc
    }

    fn text_query(&self, query: &str) -> Box<dyn Query> {
        let ws = words(query);
        if ws.is_empty() {
            return Box::new(AllQuery);
        }
        let f = self.fields;
        let prefix = last_word_is_prefix(query);
        let n = ws.len();
        let clauses = ws
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let distance = typo_budget(w.chars().count());
                let fuzzy = |field: Field| -> Box<dyn Query> {
                    let term = Term::from_field_text(field, w);
                    if prefix && i + 1 == n {
                        Box::new(FuzzyTermQuery::new_prefix(term, distance, true))
                    } else {
                        Box::new(FuzzyTermQuery::new(term, distance, true))
                    }
                };
                let exact_title = TermQuery::new(Term::from_field_text(f.title, w), IndexRecordOption::WithFreqs);
                let any: Vec<(Occur, Box<dyn Query>)> = vec![
                    (Occur::Should, Box::new(BoostQuery::new(fuzzy(f.title), 3.0))),
                    (Occur::Should, fuzzy(f.text)),
                    (Occur::Should, Box::new(BoostQuery::new(Box::new(exact_title), 2.0))),
                ];
                (Occur::Must, Box::new(BooleanQuery::new(any)) as Box<dyn Query>)
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    fn query(&self, r: &SearchRequest) -> Box<dyn Query> {
        let mut all: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, self.text_query(&r.query))];
        for (field, values) in r.filter.clauses() {
            let any = values
                .iter()
                .map(|v| {
                    let term = Term::from_facet(self.fields.facets, &facet(field, v));
                    (Occur::Should, Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>)
                })
                .collect();
            all.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        Box::new(BooleanQuery::new(all))
    }

    fn run(&self, r: &SearchRequest) -> anyhow::Result<SearchHits> {
        let live = self.live();
        let searcher = live.reader.searcher();
        let query = self.query(r);
        let mut facets = FacetCollector::for_field("facets");
        for f in &r.facets {
            facets.add_facet(Facet::from_path([root(f.field())]));
        }
        let top = TopDocs::with_limit(r.limit.max(1)).and_offset(r.offset);
        let (addresses, total, counts): (Vec<DocAddress>, usize, FacetCounts) = match r.sort {
            SearchSort::Relevance => {
                let (docs, n, c) = searcher.search(&query, &(top.order_by_score(), Count, facets))?;
                (docs.into_iter().map(|(_, a)| a).collect(), n, c)
            }
            SearchSort::PriceAsc | SearchSort::PriceDesc | SearchSort::Newest => {
                let (field, order) = match r.sort {
                    SearchSort::PriceAsc => ("price_min", Order::Asc),
                    SearchSort::PriceDesc => ("price_min", Order::Desc),
                    _ => ("created_at", Order::Desc),
                };
                let (docs, n, c) =
                    searcher.search(&query, &(top.order_by_fast_field::<i64>(field, order), Count, facets))?;
                (docs.into_iter().map(|(_, a)| a).collect(), n, c)
            }
        };
        let hits = if r.limit == 0 { Vec::new() } else { self.hits(&searcher, addresses)? };
        let by_facet = r
            .facets
            .iter()
            .map(|f| {
                let values = counts
                    .get(Facet::from_path([root(f.field())]))
                    .filter_map(|(facet, n)| facet.to_path().last().map(|v| ((*v).to_owned(), n)))
                    .collect();
                (*f, values)
            })
            .collect();
        Ok(SearchHits { hits, total_hits: total as u64, facets: FacetDistribution { by_facet }.normalised() })
    }

    fn hits(&self, searcher: &Searcher, addresses: Vec<DocAddress>) -> anyhow::Result<Vec<Hit>> {
        let f = self.fields;
        addresses
            .into_iter()
            .map(|a| {
                let doc: TantivyDocument = searcher.doc(a)?;
                let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
                Ok(Hit { id: text(f.id), title: text(f.title) })
            })
            .collect()
    }

    async fn blocking<T: Send + 'static>(
        f: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, EngineError> {
        tokio::task::spawn_blocking(f).await.map_err(EngineError::failed)?.map_err(EngineError::failed)
    }

    fn with_self<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&Self) -> anyhow::Result<T> + Send + 'static,
    ) -> impl Future<Output = Result<T, EngineError>> {
        let this = self.clone();
        Self::blocking(move || f(&this))
    }
}

/// [`EmbeddedIndex`] behind an `Arc`, so its blocking work runs on tokio's blocking pool.
#[derive(Clone)]
pub struct Embedded(pub Arc<EmbeddedIndex>);

impl Embedded {
    /// # Errors
    /// As [`EmbeddedIndex::open`].
    pub fn open(data_dir: &Path) -> anyhow::Result<Self> {
        Ok(Self(Arc::new(EmbeddedIndex::open(data_dir)?)))
    }
}

#[async_trait::async_trait]
impl SearchIndex for Embedded {
    fn name(&self) -> &'static str {
        "embedded"
    }

    async fn prepare(&self) -> Result<(), EngineError> {
        Ok(())
    }

    async fn upsert(&self, docs: Vec<SearchDocument>) -> Result<(), EngineError> {
        self.0
            .with_self(move |s| {
                let live = s.live();
                live.write(|w| {
                    for d in &docs {
                        w.delete_term(Term::from_field_text(s.fields.id, &d.id));
                        w.add_document(s.to_doc(d))?;
                    }
                    Ok(())
                })
            })
            .await
    }

    async fn delete(&self, ids: Vec<String>) -> Result<(), EngineError> {
        self.0
            .with_self(move |s| {
                s.live().write(|w| {
                    for id in &ids {
                        w.delete_term(Term::from_field_text(s.fields.id, id));
                    }
                    Ok(())
                })
            })
            .await
    }

    async fn replace_vendor(&self, vendor_id: String, docs: Vec<SearchDocument>) -> Result<(), EngineError> {
        self.0
            .with_self(move |s| {
                s.live().write(|w| {
                    w.delete_term(Term::from_facet(s.fields.facets, &facet("vendor_id", &vendor_id)));
                    for d in &docs {
                        w.delete_term(Term::from_field_text(s.fields.id, &d.id));
                        w.add_document(s.to_doc(d))?;
                    }
                    Ok(())
                })
            })
            .await
    }

    async fn rebuild(&self, docs: Vec<SearchDocument>) -> Result<(), EngineError> {
        self.0
            .with_self(move |s| {
                let fresh = EmbeddedIndex::new_generation(&s.base)?;
                fresh.write(|w| {
                    for d in &docs {
                        w.add_document(s.to_doc(d))?;
                    }
                    Ok(())
                })?;
                EmbeddedIndex::point_to(&s.base, &fresh.dir)?;
                let old = {
                    let mut guard = s.live.write().map_err(|_| anyhow::anyhow!("index handle poisoned"))?;
                    std::mem::replace(&mut *guard, Arc::new(fresh))
                };
                let old_dir = old.dir.clone();
                drop(old);
                if let Err(e) = std::fs::remove_dir_all(&old_dir) {
                    tracing::warn!(dir = %old_dir.display(), error = %e, "could not delete the previous search index");
                }
                Ok(())
            })
            .await
    }

    async fn count(&self) -> Result<u64, EngineError> {
        self.0.with_self(|s| Ok(s.live().reader.searcher().num_docs())).await
    }

    async fn search(&self, request: &SearchRequest) -> Result<SearchHits, EngineError> {
        let r = request.clone();
        self.0.with_self(move |s| s.run(&r)).await
    }
}
