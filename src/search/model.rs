//! Search types and pure rules: the indexed document, the request (query, filter, facets,
//! sort, page), the answer, price buckets, the typo budget and title highlighting. Both engines
//! are driven by these types, so the rules written here are the same for both.

use serde::{Deserialize, Serialize};

/// Longest accepted query, in characters.
pub const MAX_QUERY_CHARS: usize = 512;
/// Largest page.
pub const MAX_PAGE: usize = 100;
/// Deepest result reachable by paging (offset + page).
pub const MAX_OFFSET: usize = 10_000;
/// Most values returned per facet.
pub const MAX_FACET_VALUES: usize = 1_000;
/// Where every engine's index starts; bumped when the document shape changes, so a start-up
/// finds the old index outdated and rebuilds.
pub const SCHEMA_VERSION: u32 = 1;

/// One storefront-visible product as the engines index it. Keyword fields (`vendor_id`,
/// `category_ids`, `attributes`, `price_bucket`, `in_stock`) are exact and facetable;
/// `attributes` are `key=value`, case-folded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchDocument {
    /// The product's UUID.
    pub id: String,
    pub title: String,
    pub description: String,
    pub vendor_id: String,
    pub vendor_name: String,
    /// The product's categories and all their ancestors (a filter on a parent finds its
    /// descendants' products).
    pub category_ids: Vec<String>,
    /// Names of the same categories (searchable).
    pub category_names: Vec<String>,
    /// `key=value`, lower case: product attributes and variant options (facets, filters).
    pub attributes: Vec<String>,
    /// Attribute and option values as entered (searchable).
    pub attribute_values: Vec<String>,
    /// Lowest and highest live variant price in minor units (0 without variants).
    pub price_min: i64,
    pub price_max: i64,
    /// [`PriceBucket::key`] of `price_min`.
    pub price_bucket: String,
    pub in_stock: bool,
    /// Creation time, Unix milliseconds (the `NEWEST` sort).
    pub created_at: i64,
}

/// A `key=value` attribute facet entry, case-folded.
pub fn attribute_entry(key: &str, value: &str) -> String {
    format!("{}={}", key.trim().to_lowercase(), value.trim().to_lowercase())
}

/// Splits a facet entry back into key and value (at the first `=`).
pub fn split_attribute(entry: &str) -> Option<(&str, &str)> {
    entry.split_once('=')
}

/// Fixed price buckets in major units of the shop currency: `[min, max)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceBucket {
    pub key: &'static str,
    pub min: i64,
    /// `None`: no upper bound.
    pub max: Option<i64>,
}

pub const PRICE_BUCKETS: [PriceBucket; 6] = [
    PriceBucket { key: "0-25", min: 0, max: Some(25) },
    PriceBucket { key: "25-50", min: 25, max: Some(50) },
    PriceBucket { key: "50-100", min: 50, max: Some(100) },
    PriceBucket { key: "100-200", min: 100, max: Some(200) },
    PriceBucket { key: "200-500", min: 200, max: Some(500) },
    PriceBucket { key: "500+", min: 500, max: None },
];

/// The bucket of a price given in minor units with `exponent` decimals.
pub fn price_bucket(minor: i64, exponent: u32) -> &'static str {
    let unit = 10_i64.saturating_pow(exponent);
    PRICE_BUCKETS.iter().rev().find(|b| minor >= b.min.saturating_mul(unit)).map_or(PRICE_BUCKETS[0].key, |b| b.key)
}

/// The facets a caller may ask counts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Facet {
    Vendor,
    Category,
    Attribute,
    Price,
    InStock,
}

impl Facet {
    pub const ALL: [Facet; 5] = [Facet::Vendor, Facet::Category, Facet::Attribute, Facet::Price, Facet::InStock];

    /// The name used in the API's `facets` argument.
    pub fn name(self) -> &'static str {
        match self {
            Facet::Vendor => "vendor",
            Facet::Category => "category",
            Facet::Attribute => "attribute",
            Facet::Price => "price",
            Facet::InStock => "inStock",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == s)
    }

    /// The document field it counts.
    pub fn field(self) -> &'static str {
        match self {
            Facet::Vendor => "vendor_id",
            Facet::Category => "category_ids",
            Facet::Attribute => "attributes",
            Facet::Price => "price_bucket",
            Facet::InStock => "in_stock",
        }
    }
}

/// Filters: every given facet must match (AND), any value within one facet may (OR).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilter {
    pub vendor_ids: Vec<String>,
    pub category_ids: Vec<String>,
    /// `(key, values)`: products with attribute `key` equal to one of `values`.
    pub attributes: Vec<(String, Vec<String>)>,
    /// [`PriceBucket::key`]s.
    pub price_buckets: Vec<String>,
    pub in_stock: Option<bool>,
}

impl SearchFilter {
    /// The filter as OR-groups of `(field, value)` terms, AND-ed together; values case-folded
    /// as in the documents.
    pub fn clauses(&self) -> Vec<(&'static str, Vec<String>)> {
        let mut out = Vec::new();
        if !self.vendor_ids.is_empty() {
            out.push(("vendor_id", self.vendor_ids.clone()));
        }
        if !self.category_ids.is_empty() {
            out.push(("category_ids", self.category_ids.clone()));
        }
        for (key, values) in &self.attributes {
            out.push(("attributes", values.iter().map(|v| attribute_entry(key, v)).collect()));
        }
        if !self.price_buckets.is_empty() {
            out.push(("price_bucket", self.price_buckets.clone()));
        }
        if let Some(b) = self.in_stock {
            out.push(("in_stock", vec![b.to_string()]));
        }
        out
    }
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchSort {
    #[default]
    Relevance,
    PriceAsc,
    PriceDesc,
    Newest,
}

/// One search, validated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchRequest {
    pub query: String,
    pub filter: SearchFilter,
    pub facets: Vec<Facet>,
    pub sort: SearchSort,
    pub offset: usize,
    pub limit: usize,
}

/// One result: the product id (UUID) and its title as indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub id: String,
    pub title: String,
}

/// Counts per value of each requested facet, values sorted by count then value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacetDistribution {
    pub by_facet: Vec<(Facet, Vec<(String, u64)>)>,
}

impl FacetDistribution {
    pub fn of(&self, facet: Facet) -> &[(String, u64)] {
        self.by_facet.iter().find(|(f, _)| *f == facet).map_or(&[], |(_, v)| v.as_slice())
    }

    /// Sorts each facet's values by count (descending) then value, drops zero counts and caps
    /// them at [`MAX_FACET_VALUES`].
    pub fn normalised(mut self) -> Self {
        for (_, values) in &mut self.by_facet {
            values.retain(|(_, n)| *n > 0);
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            values.truncate(MAX_FACET_VALUES);
        }
        self
    }
}

/// What an engine answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchHits {
    pub hits: Vec<Hit>,
    pub total_hits: u64,
    pub facets: FacetDistribution,
}

/// The words of a query (or a title) as the engines see them: split on anything that is not
/// a letter or digit, lower case.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// Typos forgiven in a query word of `chars` characters: none below 5, one from 5, two from 9
/// (Meilisearch's defaults).
pub fn typo_budget(chars: usize) -> u8 {
    match chars {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Whether the query's last word is still being typed (no trailing space): it matches as a
/// prefix.
pub fn last_word_is_prefix(query: &str) -> bool {
    query.chars().last().is_some_and(char::is_alphanumeric)
}

/// Whether title word `word` matches query word `q` under the typo budget; `prefix` lets `q`
/// match the start of `word`.
fn matches(word: &str, q: &str, prefix: bool) -> bool {
    let budget = usize::from(typo_budget(q.chars().count()));
    if prefix {
        let head: String = word.chars().take(q.chars().count()).collect();
        if strsim::damerau_levenshtein(&head, q) <= budget {
            return true;
        }
    }
    strsim::damerau_levenshtein(word, q) <= budget
}

/// `title` with each word matching a query word wrapped in `<em>…</em>` (HTML-escaped text).
pub fn highlight(title: &str, query: &str) -> String {
    let qs = words(query);
    let prefix_last = last_word_is_prefix(query);
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let mut out = String::with_capacity(title.len() + 16);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let lower = word.to_lowercase();
        let hit = qs.iter().enumerate().any(|(i, q)| matches(&lower, q, prefix_last && i + 1 == qs.len()));
        if hit {
            out.push_str("<em>");
            out.push_str(&escape(word));
            out.push_str("</em>");
        } else {
            out.push_str(&escape(word));
        }
        word.clear();
    };
    for c in title.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push_str(&escape(c.encode_utf8(&mut [0; 4])));
        }
    }
    flush(&mut word, &mut out);
    out
}

/// What an outbox event makes the index re-read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncTarget {
    /// One product (by UUID): events about a product, or naming one (`payload.productId`:
    /// variant, stock and price events).
    Product(String),
    /// Every product of a vendor (by UUID): a vendor's status or name changed.
    Vendor(String),
    /// Everything: a category changed (names and paths of many products).
    All,
    /// Not about the catalog.
    Nothing,
}

/// The [`SyncTarget`] of an event, from its aggregate and payload only (so events added
/// later are covered as long as they follow the convention).
pub fn sync_target(aggregate_type: &str, aggregate_id: &str, payload: &serde_json::Value) -> SyncTarget {
    let product = payload.get("productId").and_then(|v| v.as_str());
    match (aggregate_type, product) {
        ("product", _) => SyncTarget::Product(aggregate_id.to_owned()),
        ("vendor", _) => SyncTarget::Vendor(aggregate_id.to_owned()),
        ("category", _) => SyncTarget::All,
        (_, Some(p)) if aggregate_type == "variant" => SyncTarget::Product(p.to_owned()),
        _ => SyncTarget::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_name_what_to_resync() {
        let none = serde_json::json!({});
        assert_eq!(sync_target("product", "p1", &none), SyncTarget::Product("p1".into()));
        assert_eq!(
            sync_target("variant", "v1", &serde_json::json!({ "productId": "p2" })),
            SyncTarget::Product("p2".into())
        );
        assert_eq!(sync_target("vendor", "v", &none), SyncTarget::Vendor("v".into()));
        assert_eq!(sync_target("category", "c", &none), SyncTarget::All);
        assert_eq!(sync_target("order", "o", &serde_json::json!({ "productId": "p" })), SyncTarget::Nothing);
    }

    #[test]
    fn typo_budget_follows_word_length() {
        assert_eq!([4, 5, 8, 9].map(typo_budget), [0, 1, 1, 2]);
    }

    #[test]
    fn highlight_marks_exact_typo_and_prefix_words() {
        assert_eq!(highlight("Linen Shirt & Tie", "shirt"), "Linen <em>Shirt</em> &amp; Tie");
        assert_eq!(highlight("Linen Shirt", "lnen"), "Linen Shirt");
        assert_eq!(highlight("Wooden Spoon", "woden"), "<em>Wooden</em> Spoon");
        assert_eq!(highlight("Wooden Spoon", "spo"), "Wooden <em>Spoon</em>");
        assert_eq!(highlight("Wooden Spoon", "spo "), "Wooden Spoon");
    }

    #[test]
    fn prices_fall_in_buckets() {
        assert_eq!(price_bucket(0, 2), "0-25");
        assert_eq!(price_bucket(2_499, 2), "0-25");
        assert_eq!(price_bucket(2_500, 2), "25-50");
        assert_eq!(price_bucket(99_999, 2), "500+");
        assert_eq!(price_bucket(30, 0), "25-50");
    }

    #[test]
    fn filters_become_and_of_or_clauses() {
        let f = SearchFilter {
            vendor_ids: vec!["a".into(), "b".into()],
            attributes: vec![("Color".into(), vec!["Red".into()])],
            in_stock: Some(true),
            ..SearchFilter::default()
        };
        assert_eq!(
            f.clauses(),
            [
                ("vendor_id", vec!["a".to_owned(), "b".to_owned()]),
                ("attributes", vec!["color=red".to_owned()]),
                ("in_stock", vec!["true".to_owned()])
            ]
        );
    }
}
