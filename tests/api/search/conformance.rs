//! One suite, two engines: every test runs on the embedded index, and on Meilisearch when
//! `TEST_MEILISEARCH_URL` is set or a `meilisearch` binary is found (else a printed skip).

use std::{sync::Arc, time::Duration};

use agora::search::{
    SearchIndex,
    model::{Facet, SearchDocument, SearchFilter, SearchRequest, SearchSort},
};

const A: &str = "0190a000-0000-7000-8000-00000000000a";
const B: &str = "0190a000-0000-7000-8000-00000000000b";
const C: &str = "0190a000-0000-7000-8000-00000000000c";

fn id(n: u32) -> String {
    format!("0190b000-0000-7000-8000-{n:012}")
}

#[allow(clippy::too_many_arguments)]
fn doc(
    n: u32,
    title: &str,
    description: &str,
    vendor: &str,
    cats: &[&str],
    attrs: &[&str],
    price: i64,
    stock: bool,
) -> SearchDocument {
    let vendor_name = match vendor {
        A => "Blue Harbor Home",
        B => "Cedar & Pine Goods",
        _ => "Northwind Outfitters",
    };
    SearchDocument {
        id: id(n),
        title: title.into(),
        description: description.into(),
        vendor_id: vendor.into(),
        vendor_name: vendor_name.into(),
        category_ids: cats.iter().map(|c| (*c).to_owned()).collect(),
        category_names: cats.iter().map(|c| (*c).to_owned()).collect(),
        attributes: attrs.iter().map(|a| (*a).to_owned()).collect(),
        attribute_values: attrs.iter().filter_map(|a| a.split_once('=').map(|(_, v)| v.to_owned())).collect(),
        price_min: price,
        price_max: price,
        price_bucket: agora::search::model::price_bucket(price, 2).into(),
        in_stock: stock,
        created_at: 1_700_000_000_000 + i64::from(n),
    }
}

fn catalog() -> Vec<SearchDocument> {
    vec![
        doc(1, "Linen Throw", "A soft throw.", A, &["home", "decor"], &["colour=navy", "material=linen"], 4500, true),
        doc(
            2,
            "Stoneware Mug",
            "Holds coffee.",
            A,
            &["home", "kitchen"],
            &["colour=sand", "material=ceramic"],
            1500,
            true,
        ),
        doc(3, "Trail Lantern", "Bright at night.", B, &["outdoor", "camping"], &["colour=moss"], 3000, false),
        doc(
            4,
            "Ultralight Tent",
            "For two.",
            B,
            &["outdoor", "camping"],
            &["capacity=2p", "material=nylon"],
            25000,
            true,
        ),
        doc(
            5,
            "Heavyweight Oxford Shirt",
            "Pairs with linen trousers.",
            C,
            &["apparel", "tops"],
            &["size=m", "material=cotton"],
            6000,
            true,
        ),
        doc(
            6,
            "Washed Oxford Tee",
            "A soft tee.",
            C,
            &["apparel", "tops"],
            &["size=s", "material=cotton"],
            2000,
            false,
        ),
    ]
}

fn req(query: &str) -> SearchRequest {
    SearchRequest { query: query.into(), limit: 20, ..SearchRequest::default() }
}

async fn ids(index: &dyn SearchIndex, r: SearchRequest) -> Vec<String> {
    index.search(&r).await.expect("search").hits.into_iter().map(|h| h.id).collect()
}

async fn id_set(index: &dyn SearchIndex, r: SearchRequest) -> Vec<String> {
    let mut v = ids(index, r).await;
    v.sort();
    v
}

fn set(ns: &[u32]) -> Vec<String> {
    let mut v: Vec<String> = ns.iter().map(|n| id(*n)).collect();
    v.sort();
    v
}

async fn loaded(index: &Arc<dyn SearchIndex>) {
    index.upsert(catalog()).await.expect("upsert");
}

async fn typos_prefixes_and_words(index: Arc<dyn SearchIndex>) {
    // given
    loaded(&index).await;
    // when / then: (query, expected products)
    let table: [(&str, &[u32]); 10] = [
        ("lantern", &[3]),
        ("lantarn", &[3]),      // 7 letters: one typo forgiven
        ("stonewear", &[2]),    // 9 letters: two typos forgiven
        ("mog", &[]),           // under 5 letters: no typo
        ("ultra", &[4]),        // prefix of the last word while typing
        ("oxf", &[5, 6]),       // prefix
        ("oxford shirt", &[5]), // every word must match
        ("harbor", &[1, 2]),    // vendor name
        ("camping", &[3, 4]),   // category name
        ("ultra ", &[]),        // a finished word is not a prefix
    ];
    for (query, expected) in table {
        assert_eq!(id_set(index.as_ref(), req(query)).await, set(expected), "query {query:?}");
    }
}

async fn title_matches_rank_first(index: Arc<dyn SearchIndex>) {
    loaded(&index).await;
    let found = ids(index.as_ref(), req("linen")).await;
    assert_eq!(found, vec![id(1), id(5)], "title match before description match");
}

async fn filters_and_within_or_across(index: Arc<dyn SearchIndex>) {
    loaded(&index).await;
    let with = |f: SearchFilter| SearchRequest { filter: f, ..req("") };
    let cases: Vec<(SearchFilter, &[u32])> = vec![
        (SearchFilter { vendor_ids: vec![A.into(), B.into()], ..Default::default() }, &[1, 2, 3, 4]),
        (SearchFilter { vendor_ids: vec![A.into(), B.into()], in_stock: Some(true), ..Default::default() }, &[1, 2, 4]),
        (
            SearchFilter {
                attributes: vec![("Colour".into(), vec!["Navy".into(), "moss".into()])],
                ..Default::default()
            },
            &[1, 3],
        ),
        (
            SearchFilter {
                attributes: vec![("material".into(), vec!["cotton".into()]), ("size".into(), vec!["m".into()])],
                ..Default::default()
            },
            &[5],
        ),
        (SearchFilter { category_ids: vec!["home".into()], ..Default::default() }, &[1, 2]),
        (SearchFilter { price_buckets: vec!["0-25".into(), "200-500".into()], ..Default::default() }, &[2, 4, 6]),
        (SearchFilter { in_stock: Some(false), ..Default::default() }, &[3, 6]),
    ];
    for (filter, expected) in cases {
        assert_eq!(id_set(index.as_ref(), with(filter.clone())).await, set(expected), "filter {filter:?}");
    }
    let r =
        SearchRequest { filter: SearchFilter { vendor_ids: vec![C.into()], ..Default::default() }, ..req("oxford") };
    assert_eq!(id_set(index.as_ref(), r).await, set(&[5, 6]));
}

async fn facet_counts_cover_all_matches(index: Arc<dyn SearchIndex>) {
    loaded(&index).await;
    let r = SearchRequest { facets: Facet::ALL.to_vec(), limit: 1, ..req("") };
    let res = index.search(&r).await.expect("search");
    assert_eq!(res.total_hits, 6);
    assert_eq!(res.hits.len(), 1);
    let f = |facet| -> Vec<(String, u64)> { res.facets.of(facet).to_vec() };
    let pairs = |v: &[(&str, u64)]| -> Vec<(String, u64)> { v.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect() };
    assert_eq!(f(Facet::Vendor), pairs(&[(A, 2), (B, 2), (C, 2)]));
    assert_eq!(
        f(Facet::Category),
        pairs(&[
            ("apparel", 2),
            ("camping", 2),
            ("home", 2),
            ("outdoor", 2),
            ("tops", 2),
            ("decor", 1),
            ("kitchen", 1)
        ])
    );
    assert_eq!(f(Facet::Price), pairs(&[("0-25", 2), ("25-50", 2), ("200-500", 1), ("50-100", 1)]));
    assert_eq!(f(Facet::InStock), pairs(&[("true", 4), ("false", 2)]));
    assert_eq!(f(Facet::Attribute)[0], ("material=cotton".to_owned(), 2));
    // Counts follow the query and the filter.
    let r = SearchRequest {
        facets: vec![Facet::Vendor],
        filter: SearchFilter { in_stock: Some(true), ..Default::default() },
        ..req("")
    };
    let res = index.search(&r).await.expect("search");
    assert_eq!(res.total_hits, 4);
    assert_eq!(res.facets.of(Facet::Vendor).to_vec(), pairs(&[(A, 2), (B, 1), (C, 1)]));
}

async fn sorts_and_pages(index: Arc<dyn SearchIndex>) {
    loaded(&index).await;
    let sorted = |sort| SearchRequest { sort, ..req("") };
    let order = |ns: &[u32]| -> Vec<String> { ns.iter().map(|n| id(*n)).collect() };
    assert_eq!(ids(index.as_ref(), sorted(SearchSort::PriceAsc)).await, order(&[2, 6, 3, 1, 5, 4]));
    assert_eq!(ids(index.as_ref(), sorted(SearchSort::PriceDesc)).await, order(&[4, 5, 1, 3, 6, 2]));
    assert_eq!(ids(index.as_ref(), sorted(SearchSort::Newest)).await, order(&[6, 5, 4, 3, 2, 1]));
    let page = SearchRequest { offset: 2, limit: 2, ..sorted(SearchSort::PriceAsc) };
    let res = index.search(&page).await.expect("search");
    assert_eq!(res.hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>(), order(&[3, 1]));
    assert_eq!(res.total_hits, 6);
    let odd = SearchRequest { offset: 3, limit: 2, ..sorted(SearchSort::PriceAsc) };
    assert_eq!(ids(index.as_ref(), odd).await, order(&[1, 5]));
}

async fn writes_replace_delete_and_rebuild(index: Arc<dyn SearchIndex>) {
    loaded(&index).await;
    // Upserting again replaces (no duplicates).
    let mut renamed = catalog()[2].clone();
    renamed.title = "Trail Headlamp".into();
    index.upsert(vec![renamed.clone(), renamed]).await.expect("upsert");
    assert_eq!(index.count().await.unwrap(), 6);
    assert_eq!(id_set(index.as_ref(), req("headlamp")).await, set(&[3]));
    assert_eq!(id_set(index.as_ref(), req("lantern")).await, set(&[]));
    // Delete (unknown ids are ignored).
    index.delete(vec![id(2), id(99)]).await.expect("delete");
    assert_eq!(index.count().await.unwrap(), 5);
    // A vendor's documents are replaced as a whole.
    let only = doc(7, "Canyon Daypack", "Roomy.", B, &["outdoor"], &[], 5000, true);
    index.replace_vendor(B.into(), vec![only]).await.expect("replace vendor");
    let by_b = SearchRequest { filter: SearchFilter { vendor_ids: vec![B.into()], ..Default::default() }, ..req("") };
    assert_eq!(id_set(index.as_ref(), by_b).await, set(&[7]));
    // A rebuild leaves exactly the given documents.
    index.rebuild(catalog()[..2].to_vec()).await.expect("rebuild");
    assert_eq!(index.count().await.unwrap(), 2);
    assert_eq!(id_set(index.as_ref(), req("")).await, set(&[1, 2]));
    // …and later writes go to the new index.
    index.upsert(vec![catalog()[3].clone()]).await.expect("upsert after rebuild");
    assert_eq!(id_set(index.as_ref(), req("tent")).await, set(&[4]));
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        #[cfg(feature = "embedded-search")]
        mod embedded {
            $(
                #[tokio::test]
                async fn $name() {
                    let dir = tempfile::tempdir().unwrap();
                    let index = agora::search::embedded::Embedded::open(dir.path()).expect("open");
                    super::$name(std::sync::Arc::new(index)).await;
                }
            )*
        }
        mod meilisearch {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(m) = crate::helpers::meili::Meili::start(concat!("search::conformance::meilisearch::", stringify!($name))).await else { return };
                    let uid = format!("t_{}", uuid::Uuid::new_v4().simple());
                    let index = agora::search::meili::MeiliIndex::new(&m.url, m.key.as_deref(), &uid, super::TIMEOUT).expect("client");
                    agora::search::SearchIndex::prepare(&index).await.expect("prepare");
                    super::$name(std::sync::Arc::new(index)).await;
                }
            )*
        }
    };
}

/// Generous: a loaded test machine, not a latency check.
const TIMEOUT: Duration = Duration::from_secs(30);

conformance!(
    typos_prefixes_and_words,
    title_matches_rank_first,
    filters_and_within_or_across,
    facet_counts_cover_all_matches,
    sorts_and_pages,
    writes_replace_delete_and_rebuild,
);
