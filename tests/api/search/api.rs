//! `search` over HTTP: relevance on the demo catalog, facet counts against SQL counts, bad
//! input, an engine that does not answer, sync through the outbox consumer, and reindex.

use agora::{outbox::Consumer, search::sync::SearchSync};
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, fixtures, meili::Meili},
    ops,
};

async fn search(app: &TestApp, vars: Value) -> crate::helpers::Gql {
    app.gql(ops::SEARCH, vars).await
}

/// `products(filter).totalCount`: the catalog's SQL count of the same filter.
async fn sql_count(app: &TestApp, filter: Value) -> u64 {
    let r = app.gql(ops::PRODUCTS, json!({ "first": 1, "filter": filter })).await;
    r.assert_no_errors();
    r.get("products.totalCount").as_u64().expect("count")
}

/// The demo catalog, indexed (with `reindex`) on the embedded engine or on `meili`.
async fn demo(meili: Option<&Meili>) -> TestApp {
    let app = match meili {
        None => TestApp::spawn().await,
        Some(m) => {
            let (url, key) = (m.url.clone(), m.key.clone());
            TestApp::spawn_with(move |s| {
                s.search.meilisearch_url = Some(url);
                s.search.meilisearch_api_key = key.map(agora::config::Secret::new);
                s.search.index_name = format!("t_{}", uuid::Uuid::new_v4().simple());
                s.search.timeout_ms = 30_000;
            })
            .await
        }
    };
    app.seed_demo().await;
    app.state.search.ensure_ready().await.expect("search engine ready");
    assert_eq!(app.state.search.reindex().await.expect("reindex"), agora::seed::DEMO_PRODUCTS);
    app
}

async fn relevance_table(app: &TestApp) {
    // (what the shopper types, the title word every hit has, the SQL title filter with the same products)
    let table = [
        ("skilet", "skillet", "skillet"),                 // one typo (6 letters)
        ("stonewear", "stoneware", "stoneware"),          // two typos (9 letters)
        ("sweatr", "sweater", "sweater"),                 // a letter missing
        ("lant", "lantern", "lantern"),                   // prefix while typing
        ("oxford shirt", "oxford shirt", "oxford shirt"), // every word
    ];
    for (query, word, sql) in table {
        let r = search(app, json!({ "query": query, "first": 100 })).await;
        r.assert_no_errors();
        let expected = sql_count(app, json!({ "query": sql })).await;
        assert!(expected > 0, "demo data has {sql:?}");
        assert_eq!(r.get("search.totalHits").as_u64(), Some(expected), "query {query:?}");
        let edges = r.get("search.edges").as_array().unwrap().clone();
        assert_eq!(edges.len() as u64, expected);
        for e in &edges {
            let title = e["node"]["title"].as_str().unwrap().to_lowercase();
            assert!(title.contains(word), "{query:?} found {title:?}");
            assert!(e["highlightedTitle"].as_str().unwrap().contains("<em>"), "{e}");
        }
    }
}

#[tokio::test]
async fn search_demo_catalog_forgives_typos_and_completes_prefixes() {
    relevance_table(&demo(None).await).await;
}

#[tokio::test]
async fn search_demo_catalog_on_meilisearch_answers_the_same() {
    let Some(m) = Meili::start("search::api::search_demo_catalog_on_meilisearch_answers_the_same").await else {
        return;
    };
    let app = demo(Some(&m)).await;
    relevance_table(&app).await;
    facet_counts_match_sql(&app).await;
}

async fn facet_counts_match_sql(app: &TestApp) {
    let r = search(app, json!({ "facets": ["vendor", "category", "inStock", "attribute", "price"], "first": 0 })).await;
    r.assert_no_errors();
    assert_eq!(r.get("search.totalHits").as_u64(), Some(sql_count(app, json!({})).await));
    let dist = r.get("search.facetDistribution").clone();
    for v in dist["vendors"].as_array().unwrap() {
        assert_eq!(v["count"].as_u64(), Some(sql_count(app, json!({ "vendorId": v["id"] })).await), "{v}");
    }
    let categories = dist["categories"].as_array().unwrap();
    assert!(categories.len() >= 3);
    for c in categories {
        assert_eq!(c["count"].as_u64(), Some(sql_count(app, json!({ "categoryId": c["id"] })).await), "{c}");
    }
    let in_stock = dist["inStock"].as_array().unwrap().iter().find(|v| v["inStock"] == true).unwrap();
    assert_eq!(in_stock["count"].as_u64(), Some(sql_count(app, json!({ "inStock": true })).await));
    // OR within a facet, AND across facets, against the same SQL filter.
    let attrs = json!([{ "key": "material", "values": ["cotton", "denim"] }]);
    let vendor = dist["vendors"][0]["id"].clone();
    let r =
        search(app, json!({ "filter": { "attributes": attrs, "vendorIds": [vendor], "inStock": true }, "first": 0 }))
            .await;
    r.assert_no_errors();
    let expected = sql_count(app, json!({ "attributes": attrs, "vendorId": vendor, "inStock": true })).await;
    assert_eq!(r.get("search.totalHits").as_u64(), Some(expected));
    let buckets: u64 = dist["priceBuckets"].as_array().unwrap().iter().map(|b| b["count"].as_u64().unwrap()).sum();
    assert_eq!(buckets, agora::seed::DEMO_PRODUCTS as u64, "every product is in one price bucket");
}

#[tokio::test]
async fn search_facet_counts_equal_sql_counts_of_the_same_filter() {
    facet_counts_match_sql(&demo(None).await).await;
}

#[tokio::test]
async fn search_pages_follow_cursors_and_sorts() {
    let app = demo(None).await;
    let first = search(&app, json!({ "sortBy": "PRICE_ASC", "first": 25 })).await;
    first.assert_no_errors();
    let after = first.str("search.pageInfo.endCursor");
    let second = search(&app, json!({ "sortBy": "PRICE_ASC", "first": 25, "after": after })).await;
    second.assert_no_errors();
    let price = |e: &Value| e["node"]["priceRange"]["min"]["amount"].as_str().unwrap().parse::<f64>().unwrap();
    let all: Vec<f64> = first
        .get("search.edges")
        .as_array()
        .unwrap()
        .iter()
        .chain(second.get("search.edges").as_array().unwrap())
        .map(price)
        .collect();
    assert_eq!(all.len(), 50);
    assert!(all.windows(2).all(|w| w[0] <= w[1]), "ascending prices across pages");
    assert_eq!(second.get("search.pageInfo.hasNextPage"), &json!(true));
}

#[tokio::test]
async fn search_bad_arguments_are_bad_user_input_naming_the_argument() {
    // given
    let app = TestApp::spawn().await;
    let cases = [
        (json!({ "query": "a".repeat(513) }), "query"),
        (json!({ "facets": ["colour"] }), "facets"),
        (json!({ "first": 101 }), "first"),
        (json!({ "first": -1 }), "first"),
        (json!({ "after": "not-a-cursor" }), "after"),
        (json!({ "filter": { "vendorIds": ["nope"] } }), "filter.vendorIds"),
        (json!({ "filter": { "priceBuckets": ["1-2"] } }), "filter.priceBuckets"),
    ];
    for (vars, field) in cases {
        // when
        let r = search(&app, vars.clone()).await;
        // then
        assert_eq!(r.error_codes(), ["BAD_USER_INPUT"], "{vars}");
        assert_eq!(r.body["errors"][0]["extensions"]["field"], field, "{vars}");
    }
    // The limit is inclusive.
    search(&app, json!({ "query": "a".repeat(512) })).await.assert_no_errors();
}

#[tokio::test]
async fn search_engine_that_does_not_answer_is_search_unavailable_and_browsing_works() {
    // given: a Meilisearch address that accepts connections and never answers
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let app = TestApp::spawn_with(move |s| {
        s.search.meilisearch_url = Some(url);
        s.search.timeout_ms = 200;
    })
    .await;
    // when
    let r = search(&app, json!({ "query": "mug" })).await;
    // then
    assert_eq!(r.error_codes(), ["SEARCH_UNAVAILABLE"]);
    assert!(!r.body.to_string().contains("127.0.0.1"), "no engine details: {}", r.body);
    app.gql(ops::PRODUCTS, json!({ "first": 5 })).await.assert_no_errors();
    let ready: Value = app.client.get(app.url("/health/ready")).send().await.unwrap().json().await.unwrap();
    assert_eq!(ready["status"], "ok");
    assert_eq!(ready["search"]["status"], "unavailable");
    assert_eq!(ready["search"]["engine"], "meilisearch");
    drop(silent);
}

fn event(aggregate_type: &str, aggregate_id: &str, payload: Value) -> agora::outbox::OutboxEvent {
    agora::outbox::OutboxEvent {
        id: uuid::Uuid::now_v7(),
        aggregate_type: aggregate_type.into(),
        aggregate_id: aggregate_id.into(),
        seq: 1,
        event_type: format!("{aggregate_type}.changed"),
        version: 1,
        payload,
        occurred_at: chrono::Utc::now(),
        attempts: 0,
    }
}

fn uuid_of(global_id: &str) -> String {
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(global_id).unwrap();
    String::from_utf8(raw).unwrap().split_once(':').unwrap().1.to_owned()
}

async fn hits(app: &TestApp, query: &str) -> u64 {
    let r = search(app, json!({ "query": query })).await;
    r.assert_no_errors();
    r.get("search.totalHits").as_u64().unwrap()
}

#[tokio::test]
async fn search_sync_consumer_indexes_the_database_state_for_any_product_or_vendor_event() {
    // given: a storefront product the index does not know yet
    let app = TestApp::spawn().await;
    let shop = fixtures::shop(&app, "12.00", &[5]).await;
    let product = app.gql(ops::PRODUCTS, json!({ "first": 1 })).await.str("products.edges.0.node.id");
    let product_uuid = uuid_of(&product);
    let sync = SearchSync(app.state.search.clone());
    assert_eq!(hits(&app, "product").await, 0);
    // when: any event about the product (or naming it) arrives, even twice
    sync.handle(&event("product", &product_uuid, json!({}))).await.expect("sync");
    sync.handle(&event("variant", &uuid::Uuid::now_v7().to_string(), json!({ "productId": product_uuid })))
        .await
        .expect("sync again");
    // then
    assert_eq!(hits(&app, "product").await, 1);
    // when: the product is archived, and an event about it arrives
    let r = app
        .gql_as(Some(&shop.staff), ops::PRODUCT_UPDATE, json!({ "id": product, "input": { "status": "ARCHIVED" } }))
        .await;
    r.assert_no_errors();
    sync.handle(&event("product", &product_uuid, json!({}))).await.expect("sync");
    // then: it left the index
    assert_eq!(hits(&app, "product").await, 0);
    // and a vendor event re-reads all of the vendor's products
    app.gql_as(Some(&shop.staff), ops::PRODUCT_UPDATE, json!({ "id": product, "input": { "status": "ACTIVE" } }))
        .await
        .assert_no_errors();
    let vendor_uuid = uuid_of(&shop.vendors[0]);
    sync.handle(&event("vendor", &vendor_uuid, json!({}))).await.expect("sync vendor");
    assert_eq!(hits(&app, "product").await, 1);
    app.gql_as(Some(&shop.staff), ops::VENDOR_SUSPEND, json!({ "id": shop.vendors[0], "reason": "test" }))
        .await
        .assert_no_errors();
    sync.handle(&event("vendor", &vendor_uuid, json!({}))).await.expect("sync vendor");
    assert_eq!(hits(&app, "product").await, 0);
    // Events about other aggregates change nothing.
    sync.handle(&event("order", &uuid::Uuid::now_v7().to_string(), json!({}))).await.expect("ignored");
}

#[tokio::test]
async fn search_reindex_rebuilds_from_the_database_and_health_reports_it() {
    // given: a catalog the (fresh) index does not hold
    let app = TestApp::spawn().await;
    app.seed_demo().await;
    assert_eq!(hits(&app, "").await, 0);
    // when
    let rebuilt = app.state.search.ensure_fresh().await.expect("check");
    // then
    assert!(rebuilt, "an empty index is rebuilt at start");
    assert_eq!(hits(&app, "").await, agora::seed::DEMO_PRODUCTS as u64);
    assert!(!app.state.search.ensure_fresh().await.unwrap(), "an up-to-date index is kept");
    let ready: Value = app.client.get(app.url("/health/ready")).send().await.unwrap().json().await.unwrap();
    assert_eq!(ready["search"], json!({ "engine": "embedded", "status": "ok", "documents": 60 }));
}

#[tokio::test]
async fn search_follows_catalog_changes_through_the_app_relay() {
    // given: a storefront product, created through the API (the catalog writes its event)
    let app = TestApp::spawn().await;
    let shop = fixtures::shop(&app, "9.00", &[3]).await;
    assert_eq!(hits(&app, "product").await, 0, "nothing is indexed before the relay delivers");

    // when: the app's relay delivers the creation
    assert!(app.jobs.relay.run_once(chrono::Utc::now()).await.unwrap() >= 1);

    // then
    assert_eq!(hits(&app, "product").await, 1);

    // when: staff rename it, and the relay delivers the update
    let product = app.gql(ops::PRODUCTS, json!({ "first": 1 })).await.str("products.edges.0.node.id");
    let renamed = app
        .gql_as(
            Some(&shop.staff),
            ops::PRODUCT_UPDATE,
            json!({ "id": product, "input": { "title": "Copper lantern" } }),
        )
        .await;
    renamed.assert_no_errors();
    assert_eq!(hits(&app, "lantern").await, 0, "the index follows events, not requests");
    assert!(app.jobs.relay.run_once(chrono::Utc::now()).await.unwrap() >= 1);

    // then
    assert_eq!(hits(&app, "lantern").await, 1);
}

#[tokio::test]
async fn search_page_loads_its_products_in_a_constant_number_of_statements() {
    // given: the demo catalog, indexed, on an app counting statements
    let app = TestApp::spawn_for_statement_counts().await;
    app.seed_demo().await;
    app.state.search.reindex().await.expect("reindex");
    let statements = |first: usize| {
        let app = &app;
        async move {
            let mut best = u64::MAX;
            // The fewest of three: a loaded CPU can split one dataloader batch in two.
            for _ in 0..3 {
                let before = app.sql_statements();
                let r = search(app, json!({ "first": first, "facets": ["vendor"] })).await;
                let after = app.sql_statements();
                r.assert_no_errors();
                assert_eq!(r.get("search.edges").as_array().unwrap().len(), first);
                best = best.min(after - before);
            }
            best
        }
    };
    // when
    let five = statements(5).await;
    let fifty = statements(50).await;
    // then: the products and their variants, one batch each, whatever the page size
    assert!(five <= 3, "a page of 5 ran {five} statements");
    assert_eq!(five, fifty);
}

#[tokio::test]
async fn search_index_is_rebuilt_at_start_when_it_is_empty() {
    // given: a database with the demo catalog
    let first = TestApp::spawn().await;
    first.seed_demo().await;
    // when: an instance with its own (empty) embedded index starts on it
    let app = TestApp::spawn_on_with(&first.database_url, |s| s.search.rebuild_on_start = true).await;
    // then: the background check rebuilds it (waited on, generously; nothing else writes it)
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while hits(&app, "").await < agora::seed::DEMO_PRODUCTS as u64 {
        assert!(std::time::Instant::now() < deadline, "the index was not rebuilt at start");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(hits(&app, "").await, agora::seed::DEMO_PRODUCTS as u64);
}
