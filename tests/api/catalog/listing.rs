//! `products`: filters, visibility by role, sort orders and keyset pagination.

use agora::shared::role::Role;
use serde_json::{Value, json};

use super::*;

/// A small shop for the filter tests.
///
/// ```text
/// Clothing > Shirts > Linen Shirts     Home
///          > Trousers
/// ```
///
/// | product        | vendor | category     | material | organic | variants (price, stock) | status   |
/// | -------------- | ------ | ------------ | -------- | ------- | ----------------------- | -------- |
/// | Linen Shirt    | Acme   | Linen Shirts | linen    | true    | 40.00 ×3, 55.00 ×0      | ACTIVE   |
/// | Cotton Shirt   | Acme   | Shirts       | cotton   | true    | 25.00 ×0                | ACTIVE   |
/// | Chino Trousers | Globex | Trousers     | cotton   |         | 60.00 ×2                | ACTIVE   |
/// | Ceramic Mug    | Globex | Home         | ceramic  |         | 12.00 ×10               | ACTIVE   |
/// | Draft Shirt    | Acme   | Shirts       | linen    |         | 30.00 ×1                | DRAFT    |
/// | Archived Shirt | Acme   | Shirts       | linen    |         | 35.00 ×1                | ARCHIVED |
struct Shop {
    app: TestApp,
    staff: String,
    acme: String,
    globex: String,
    clothing: String,
    shirts: String,
    linen_shirts: String,
    trousers: String,
    home: String,
}

impl Shop {
    async fn open() -> Self {
        let app = TestApp::spawn().await;
        let staff = app.staff().await;
        let acme = vendor(&app, &staff, "Acme").await;
        let globex = vendor(&app, &staff, "Globex").await;
        let clothing = category(&app, &staff, "Clothing", None).await;
        let shirts = category(&app, &staff, "Shirts", Some(&clothing)).await;
        let linen_shirts = category(&app, &staff, "Linen Shirts", Some(&shirts)).await;
        let trousers = category(&app, &staff, "Trousers", Some(&clothing)).await;
        let home = category(&app, &staff, "Home", None).await;
        let text = |k: &str, v: &str| json!({ "key": k, "value": v });
        let organic = json!({ "key": "organic", "type": "BOOLEAN", "value": "true" });
        let products = [
            (
                "Linen Shirt",
                &acme,
                &linen_shirts,
                json!([text("material", "linen"), organic]),
                json!([variant("LS-M", "40.00", 3), variant("LS-L", "55.00", 0)]),
                "ACTIVE",
            ),
            (
                "Cotton Shirt",
                &acme,
                &shirts,
                json!([text("material", "cotton"), organic]),
                json!([variant("CS-M", "25.00", 0)]),
                "ACTIVE",
            ),
            (
                "Chino Trousers",
                &globex,
                &trousers,
                json!([text("material", "cotton")]),
                json!([variant("CT-32", "60.00", 2)]),
                "ACTIVE",
            ),
            (
                "Ceramic Mug",
                &globex,
                &home,
                json!([text("material", "ceramic"), { "key": "capacity_ml", "type": "NUMBER", "value": "350.0" }]),
                json!([variant("CM-1", "12.00", 10)]),
                "ACTIVE",
            ),
            (
                "Draft Shirt",
                &acme,
                &shirts,
                json!([text("material", "linen")]),
                json!([variant("DS-1", "30.00", 1)]),
                "DRAFT",
            ),
            (
                "Archived Shirt",
                &acme,
                &shirts,
                json!([text("material", "linen")]),
                json!([variant("AS-1", "35.00", 1)]),
                "ARCHIVED",
            ),
        ];
        for (title, vendor, category, attributes, variants, status) in products {
            create_product(
                &app,
                &staff,
                json!({
                    "vendorId": vendor, "title": title, "status": status, "categoryIds": [category],
                    "attributes": attributes, "variants": variants,
                }),
            )
            .await;
        }
        Self { app, staff, acme, globex, clothing, shirts, linen_shirts, trousers, home }
    }

    /// The titles (sorted) and totalCount of an anonymous `products` call with this filter.
    async fn find(&self, filter: Value) -> (Vec<String>, u64) {
        self.find_as(None, filter).await
    }

    async fn find_as(&self, token: Option<&str>, filter: Value) -> (Vec<String>, u64) {
        let r = products(&self.app, token, json!({ "filter": filter })).await;
        let mut found = titles(&r);
        found.sort();
        (found, total_count(&r))
    }
}

/// Asserts that `found` (titles and totalCount) is exactly `expected`, whatever the order.
fn assert_found(found: (Vec<String>, u64), expected: &[&str], case: &str) {
    let mut expected: Vec<String> = expected.iter().map(|t| (*t).to_owned()).collect();
    expected.sort();
    assert_eq!(found.0, expected, "{case}");
    assert_eq!(found.1, expected.len() as u64, "{case}: totalCount");
}

#[tokio::test]
async fn products_filtered_by_category_include_products_of_descendant_categories() {
    // given
    let shop = Shop::open().await;
    let cases = [
        (&shop.clothing, vec!["Linen Shirt", "Cotton Shirt", "Chino Trousers"]),
        (&shop.shirts, vec!["Linen Shirt", "Cotton Shirt"]),
        (&shop.linen_shirts, vec!["Linen Shirt"]),
        (&shop.trousers, vec!["Chino Trousers"]),
        (&shop.home, vec!["Ceramic Mug"]),
    ];

    for (category, expected) in cases {
        // when
        let found = shop.find(json!({ "categoryId": category })).await;

        // then
        assert_found(found, &expected, category);
    }
    let unknown = shop.find(json!({ "categoryId": super::unknown_id("Category") })).await;
    assert_found(unknown, &[], "unknown category");
}

#[tokio::test]
async fn products_filtered_by_vendor_return_only_that_vendors_products() {
    // given
    let shop = Shop::open().await;

    // when
    let acme = shop.find(json!({ "vendorId": shop.acme })).await;
    let globex = shop.find(json!({ "vendorId": shop.globex })).await;

    // then
    assert_found(acme, &["Linen Shirt", "Cotton Shirt"], "Acme");
    assert_found(globex, &["Chino Trousers", "Ceramic Mug"], "Globex");
}

#[tokio::test]
async fn products_filtered_by_price_range_match_any_variant_within_inclusive_bounds() {
    // given
    let shop = Shop::open().await;
    let cases = [
        (json!({ "min": "20.00", "max": "45.00" }), vec!["Linen Shirt", "Cotton Shirt"]),
        (json!({ "min": "50" }), vec!["Linen Shirt", "Chino Trousers"]),
        (json!({ "max": "12.00" }), vec!["Ceramic Mug"]),
        (json!({ "min": "12.00", "max": "12.00" }), vec!["Ceramic Mug"]),
        (json!({ "min": "60.01" }), vec![]),
        (json!({}), vec!["Linen Shirt", "Cotton Shirt", "Chino Trousers", "Ceramic Mug"]),
        // bounds above the largest possible price are not errors: they match all or nothing
        (json!({ "max": "99999999999999" }), vec!["Linen Shirt", "Cotton Shirt", "Chino Trousers", "Ceramic Mug"]),
        (json!({ "min": "99999999999999" }), vec![]),
    ];

    for (price, expected) in cases {
        // when
        let found = shop.find(json!({ "price": price })).await;

        // then
        assert_found(found, &expected, &price.to_string());
    }
    for bad in [json!({ "min": "-1.00" }), json!({ "max": "1.005" })] {
        let r = shop.app.gql(ops::PRODUCTS, json!({ "filter": { "price": bad } })).await;
        assert_eq!(r.error_codes(), ["BAD_USER_INPUT"], "{bad}");
    }
}

#[tokio::test]
async fn products_filtered_by_attributes_match_any_value_of_every_key() {
    // given
    let shop = Shop::open().await;
    let cases = [
        (json!([{ "key": "material", "values": ["cotton"] }]), vec!["Cotton Shirt", "Chino Trousers"]),
        (json!([{ "key": "material", "values": ["linen", "ceramic"] }]), vec!["Linen Shirt", "Ceramic Mug"]),
        (
            json!([{ "key": "material", "values": ["cotton"] }, { "key": "organic", "values": ["true"] }]),
            vec!["Cotton Shirt"],
        ),
        (json!([{ "key": "capacity_ml", "values": ["350"] }]), vec!["Ceramic Mug"]),
        (json!([{ "key": "material", "values": ["wool"] }]), vec![]),
        (json!([{ "key": "colour", "values": ["cotton"] }]), vec![]),
    ];

    for (attributes, expected) in cases {
        // when
        let found = shop.find(json!({ "attributes": attributes })).await;

        // then
        assert_found(found, &expected, &attributes.to_string());
    }
}

#[tokio::test]
async fn products_filtered_by_in_stock_leave_out_products_without_stock() {
    // given
    let shop = Shop::open().await;

    // when
    let in_stock = shop.find(json!({ "inStock": true })).await;
    let any = shop.find(json!({ "inStock": false })).await;

    // then
    assert_found(in_stock, &["Linen Shirt", "Chino Trousers", "Ceramic Mug"], "inStock: true");
    assert_found(any, &["Linen Shirt", "Cotton Shirt", "Chino Trousers", "Ceramic Mug"], "inStock: false");
}

#[tokio::test]
async fn products_filtered_by_query_match_title_substrings_case_insensitively() {
    // given
    let shop = Shop::open().await;
    let cases = [
        ("SHIRT", vec!["Linen Shirt", "Cotton Shirt"]),
        ("mug", vec!["Ceramic Mug"]),
        ("n s", vec!["Linen Shirt", "Cotton Shirt"]),
        ("%", vec![]),
        ("_", vec![]),
        ("", vec!["Linen Shirt", "Cotton Shirt", "Chino Trousers", "Ceramic Mug"]),
    ];

    for (query, expected) in cases {
        // when
        let found = shop.find(json!({ "query": query })).await;

        // then
        assert_found(found, &expected, query);
    }
    let combined = shop.find(json!({ "query": "shirt", "inStock": true, "vendorId": shop.acme })).await;
    assert_found(combined, &["Linen Shirt"], "query + inStock + vendor");
}

#[tokio::test]
async fn products_show_draft_and_archived_products_to_staff_only() {
    // given
    let shop = Shop::open().await;
    let customer = shop.app.user("ann@example.com", Role::Customer).await;
    let active = ["Linen Shirt", "Cotton Shirt", "Chino Trousers", "Ceramic Mug"];

    // when
    let anonymous = shop.find(json!({})).await;
    let as_customer = shop.find_as(Some(&customer), json!({})).await;
    let customer_asking_for_drafts = shop.find_as(Some(&customer), json!({ "status": ["DRAFT", "ARCHIVED"] })).await;
    let as_staff = shop.find_as(Some(&shop.staff), json!({})).await;
    let staff_drafts = shop.find_as(Some(&shop.staff), json!({ "status": ["DRAFT"] })).await;
    let staff_shirts = shop.find_as(Some(&shop.staff), json!({ "categoryId": shop.shirts })).await;

    // then
    assert_found(anonymous, &active, "anonymous");
    assert_found(as_customer, &active, "customer");
    assert_found(customer_asking_for_drafts, &active, "customer with a status filter");
    let mut everything = active.to_vec();
    everything.extend(["Draft Shirt", "Archived Shirt"]);
    assert_found(as_staff, &everything, "staff");
    assert_found(staff_drafts, &["Draft Shirt"], "staff, DRAFT");
    assert_found(
        staff_shirts,
        &["Linen Shirt", "Cotton Shirt", "Draft Shirt", "Archived Shirt"],
        "staff, category Shirts",
    );
}

/// Creates ACTIVE products by (title, slug, prices) in this order, by one vendor.
async fn catalogue(app: &TestApp, staff: &str, items: &[(&str, &str, &[&str])]) {
    let acme = vendor(app, staff, "Acme").await;
    for (n, (title, slug, prices)) in items.iter().enumerate() {
        let variants: Vec<Value> =
            prices.iter().enumerate().map(|(i, p)| variant(&format!("P{n}-{i}"), p, 1)).collect();
        create_product(
            app,
            staff,
            json!({ "vendorId": acme, "title": title, "slug": slug, "status": "ACTIVE", "variants": variants }),
        )
        .await;
    }
}

async fn sorted(app: &TestApp, sort: &str) -> Vec<String> {
    titles(&products(app, None, json!({ "sortBy": sort })).await)
}

#[tokio::test]
async fn products_sorted_by_each_key_come_in_the_expected_order() {
    // given: created in this order; Charlie's lowest price is 15.00
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    catalogue(
        &app,
        &staff,
        &[
            ("Bravo", "bravo", &["30.00"]),
            ("Alpha", "alpha", &["10.00"]),
            ("Delta", "delta", &["20.00"]),
            ("Charlie", "charlie", &["40.00", "15.00"]),
        ],
    )
    .await;

    // when
    let newest = sorted(&app, "NEWEST").await;
    let default = titles(&products(&app, None, json!({})).await);
    let price_asc = sorted(&app, "PRICE_ASC").await;
    let price_desc = sorted(&app, "PRICE_DESC").await;
    let title = sorted(&app, "TITLE").await;

    // then
    assert_eq!(newest, ["Charlie", "Delta", "Alpha", "Bravo"]);
    assert_eq!(default, newest, "NEWEST is the default");
    assert_eq!(price_asc, ["Alpha", "Charlie", "Delta", "Bravo"]);
    assert_eq!(price_desc, ["Bravo", "Delta", "Charlie", "Alpha"]);
    assert_eq!(title, ["Alpha", "Bravo", "Charlie", "Delta"]);
}

#[tokio::test]
async fn products_sorted_by_price_list_products_without_variants_last() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    catalogue(&app, &staff, &[("Cheap", "cheap", &["5.00"]), ("Bare", "bare", &[]), ("Dear", "dear", &["50.00"])])
        .await;

    // when
    let price_asc = sorted(&app, "PRICE_ASC").await;
    let price_desc = sorted(&app, "PRICE_DESC").await;

    // then
    assert_eq!(price_asc, ["Cheap", "Dear", "Bare"]);
    assert_eq!(price_desc, ["Dear", "Cheap", "Bare"]);
}

/// Walks `products` with `first: 2`, following `endCursor`; returns the ids in order.
async fn walk(app: &TestApp, token: Option<&str>, sort: &str, filter: &Value, total: u64) -> Vec<String> {
    let mut ids = Vec::new();
    let mut after: Option<String> = None;
    for page in 0.. {
        assert!(page <= total, "{sort}: more pages than products");
        let r = products(app, token, json!({ "first": 2, "after": after, "sortBy": sort, "filter": filter })).await;
        let edges = r.get("products.edges").as_array().unwrap().clone();
        assert_eq!(total_count(&r), total, "{sort}: totalCount on page {page}");
        assert_eq!(r.get("products.pageInfo.hasPreviousPage"), &json!(page > 0), "{sort}: hasPreviousPage");
        assert!(edges.len() <= 2, "{sort}: page {page} is too long");
        ids.extend(edges.iter().map(|e| e["node"]["id"].as_str().unwrap().to_owned()));
        if let Some(last) = edges.last() {
            assert_eq!(r.get("products.pageInfo.endCursor"), &last["cursor"], "{sort}: endCursor");
        }
        if r.get("products.pageInfo.hasNextPage") == &json!(false) {
            break;
        }
        assert_eq!(edges.len(), 2, "{sort}: a short page claims a next page");
        after = Some(r.str("products.pageInfo.endCursor"));
    }
    ids
}

#[tokio::test]
async fn products_paged_with_first_and_after_return_every_product_once_in_order() {
    // given: ties on title and on price, a draft and another vendor's product (both filtered out)
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    catalogue(
        &app,
        &staff,
        &[
            ("Alpha", "alpha-1", &["20.00"]),
            ("Echo", "echo", &["20.00"]),
            ("Alpha", "alpha-2", &["5.00"]),
            ("Charlie", "charlie", &["20.00", "99.00"]),
            ("Bravo", "bravo", &["7.50"]),
            ("Delta", "delta", &["20.00"]),
            ("Foxtrot", "foxtrot", &["1.00"]),
        ],
    )
    .await;
    let acme = products(&app, None, json!({})).await.str("products.edges.0.node.vendor.id");
    let draft = draft_product(&app, &staff, &acme, "Draft", json!([variant("DRAFT-1", "3.00", 1)])).await;
    let globex = vendor(&app, &staff, "Globex").await;
    active_product(&app, &staff, &globex, "Other", json!([variant("OTHER-1", "4.00", 1)])).await;
    let filter = json!({ "vendorId": acme });

    for sort in ["NEWEST", "PRICE_ASC", "PRICE_DESC", "TITLE"] {
        let whole = products(&app, None, json!({ "first": 100, "sortBy": sort, "filter": filter })).await;
        let expected: Vec<String> = whole
            .get("products.edges")
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(expected.len(), 7, "{sort}");
        assert!(!expected.contains(&id_of(&draft)), "{sort}");

        // when
        let walked = walk(&app, None, sort, &filter, 7).await;

        // then
        assert_eq!(walked, expected, "{sort}");
    }
    // staff see the draft too, and the walk counts it
    assert_eq!(walk(&app, Some(&staff), "PRICE_ASC", &filter, 8).await.len(), 8);
}

#[tokio::test]
async fn products_with_a_bad_page_size_or_cursor_return_bad_user_input() {
    // given
    let app = TestApp::spawn().await;
    let cases = [
        ("first over 100", json!({ "first": 101 })),
        ("negative first", json!({ "first": -1 })),
        ("garbage cursor", json!({ "after": "garbage!" })),
        ("base64 without a separator", json!({ "after": "bm90LWEtY3Vyc29y" })),
        ("cursor with a bad id", json!({ "after": "a2V5fG5vdC1hLXV1aWQ" })),
    ];

    for (case, variables) in cases {
        // when
        let r = app.gql(ops::PRODUCTS, variables).await;

        // then
        assert_eq!(r.error_codes(), ["BAD_USER_INPUT"], "{case}: {}", r.body);
    }
    products(&app, None, json!({ "first": 100 })).await;
    products(&app, None, json!({ "first": 0 })).await;
}
