//! productCreate, productUpdate, productArchive and `product(id:|slug:)` visibility.

use agora::shared::role::Role;
use serde_json::{Value, json};

use super::*;

#[tokio::test]
async fn product_create_with_variants_returns_everything_as_a_draft() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let shirts = category(&app, &staff, "Shirts", None).await;

    // when
    let r = app
        .gql_as(
            Some(&staff),
            ops::PRODUCT_CREATE,
            json!({ "input": {
                "vendorId": acme,
                "title": "  Linen Shirt ",
                "description": "Cool in summer.",
                "categoryIds": [shirts],
                "attributes": [
                    { "key": "material", "value": "linen" },
                    { "key": "weight_kg", "type": "NUMBER", "value": "0.250" },
                    { "key": "organic", "type": "BOOLEAN", "value": "true" },
                ],
                "images": [
                    { "url": "https://img.example.com/shirt-front.jpg", "alt": "Front" },
                    { "url": "https://img.example.com/shirt-back.jpg" },
                ],
                "variants": [
                    {
                        "sku": "shirt-m-blue",
                        "options": [{ "name": "Size", "value": "M" }, { "name": "Colour", "value": "Blue" }],
                        "price": "49.9",
                        "compareAtPrice": "59.00",
                        "stockOnHand": 5,
                    },
                    {
                        "sku": "SHIRT-L-BLUE",
                        "title": "Large blue",
                        "options": [{ "name": "Size", "value": "L" }, { "name": "Colour", "value": "Blue" }],
                        "price": "52.00",
                    },
                ],
            }}),
        )
        .await;

    // then
    r.assert_no_errors();
    let p = r.get("productCreate.product");
    assert_eq!(p["title"], "Linen Shirt");
    assert_eq!(p["slug"], "linen-shirt");
    assert_eq!(p["status"], "DRAFT");
    assert_eq!(p["vendor"]["id"], acme.as_str());
    assert_eq!(p["categories"], json!([{ "id": shirts, "slug": "shirts" }]));
    assert_eq!(
        p["attributes"],
        json!([
            { "key": "material", "type": "TEXT", "value": "linen" },
            { "key": "organic", "type": "BOOLEAN", "value": "true" },
            { "key": "weight_kg", "type": "NUMBER", "value": "0.25" },
        ])
    );
    assert_eq!(
        p["images"],
        json!([
            { "url": "https://img.example.com/shirt-front.jpg", "alt": "Front", "position": 0 },
            { "url": "https://img.example.com/shirt-back.jpg", "alt": "", "position": 1 },
        ])
    );
    assert_eq!(
        without_ids(&p["variants"]),
        json!([
            {
                "sku": "SHIRT-M-BLUE",
                "title": "M / Blue",
                "price": { "amount": "49.90", "currencyCode": "USD" },
                "compareAtPrice": { "amount": "59.00" },
                "stockOnHand": 5,
                "selectedOptions": [{ "name": "Size", "value": "M" }, { "name": "Colour", "value": "Blue" }],
            },
            {
                "sku": "SHIRT-L-BLUE",
                "title": "Large blue",
                "price": { "amount": "52.00", "currencyCode": "USD" },
                "compareAtPrice": null,
                "stockOnHand": 0,
                "selectedOptions": [{ "name": "Size", "value": "L" }, { "name": "Colour", "value": "Blue" }],
            },
        ])
    );

    // and reading it back as staff gives the same product, with derived fields
    let read = product_by_id(&app, Some(&staff), &id_of(p)).await;
    let q = read.get("product");
    assert_eq!(q["status"], "DRAFT");
    assert_eq!(q["description"], "Cool in summer.");
    assert_eq!(q["vendor"]["name"], "Acme");
    assert_eq!(q["priceRange"]["min"]["amount"], "49.90");
    assert_eq!(q["priceRange"]["max"]["amount"], "52.00");
    assert_eq!(q["variants"][0]["position"], 0);
    assert_eq!(q["variants"][1]["position"], 1);
    assert_eq!(q["variants"][0]["inStock"], true);
    assert_eq!(q["variants"][1]["inStock"], false);
    assert_eq!(q["variants"][0]["archived"], false);
    assert_eq!(q["categories"][0]["breadcrumbs"], json!([{ "name": "Shirts", "slug": "shirts" }]));
}

#[tokio::test]
async fn product_query_shows_a_draft_to_staff_only_until_it_is_activated() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let customer = app.user("ann@example.com", Role::Customer).await;
    let acme = vendor(&app, &staff, "Acme").await;
    let p = draft_product(&app, &staff, &acme, "Linen Shirt", json!([variant("LS-1", "40.00", 1)])).await;
    let id = id_of(&p);

    // when
    let anonymous = product_by_id(&app, None, &id).await;
    let by_slug = app.gql(ops::PRODUCT, json!({ "slug": "linen-shirt" })).await;
    let as_customer = product_by_id(&app, Some(&customer), &id).await;
    let as_staff = product_by_id(&app, Some(&staff), &id).await;

    // then
    assert!(anonymous.get("product").is_null());
    assert!(by_slug.get("product").is_null());
    assert!(as_customer.get("product").is_null());
    assert_eq!(as_staff.str("product.status"), "DRAFT");
    assert_eq!(total_count(&products(&app, None, json!({})).await), 0);

    // when
    set_status(&app, &staff, &id, "ACTIVE").await;

    // then
    let anonymous = product_by_id(&app, None, &id).await;
    assert_eq!(anonymous.str("product.status"), "ACTIVE");
    assert_eq!(anonymous.str("product.variants.0.sku"), "LS-1");
    assert_eq!(app.gql(ops::PRODUCT, json!({ "slug": "linen-shirt" })).await.str("product.id"), id);
    assert_eq!(product_by_id(&app, Some(&customer), &id).await.str("product.id"), id);
    assert_eq!(titles(&products(&app, None, json!({})).await), ["Linen Shirt"]);
}

/// A valid `productCreate` input; the bad-input cases each change one thing.
fn new_product(vendor: &str) -> Value {
    json!({
        "vendorId": vendor,
        "title": "New Product",
        "slug": "new-product",
        "variants": [variant("NEW-1", "10.00", 3), variant("NEW-2", "12.00", 0)],
    })
}

/// `input` with the value at `path` (object keys and array indexes) set to `value`.
fn with_value(mut input: Value, path: &[&str], value: Value) -> Value {
    let (last, parents) = path.split_last().expect("a non-empty path");
    let pointer: String = parents.iter().map(|p| format!("/{p}")).collect();
    match input.pointer_mut(&pointer).unwrap_or_else(|| panic!("no {pointer} in the input")) {
        Value::Array(items) => items[last.parse::<usize>().expect("an index")] = value,
        parent => parent[*last] = value,
    }
    input
}

#[tokio::test]
async fn product_create_with_bad_input_returns_the_code_and_field_and_writes_nothing() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let shirts = category(&app, &staff, "Shirts", None).await;
    create_product(
        &app,
        &staff,
        json!({
            "vendorId": acme, "title": "Existing", "slug": "existing", "variants": [variant("TAKEN-1", "5.00", 1)],
        }),
    )
    .await;
    let with = |path: &[&str], value: Value| with_value(new_product(&acme), path, value);
    let cases: Vec<(&str, Value, &str, Vec<String>)> = vec![
        (
            "duplicate SKU in the input (case-insensitive)",
            with(&["variants"], json!([variant("NEW-1", "10.00", 0), variant("new-1", "11.00", 0)])),
            "TAKEN",
            field(&["variants", "1", "sku"]),
        ),
        (
            "SKU of another product",
            with(&["variants"], json!([variant("NEW-1", "10.00", 0), variant("taken-1", "11.00", 0)])),
            "TAKEN",
            field(&["variants", "1", "sku"]),
        ),
        ("slug of another product", with(&["slug"], json!("existing")), "TAKEN", field(&["slug"])),
        ("malformed slug", with(&["slug"], json!("Not A Slug")), "INVALID", field(&["slug"])),
        (
            "negative price",
            with(&["variants", "0", "price"], json!("-1.00")),
            "NEGATIVE_PRICE",
            field(&["variants", "0", "price"]),
        ),
        (
            "negative compare-at price",
            with(&["variants", "1", "compareAtPrice"], json!("-0.01")),
            "NEGATIVE_PRICE",
            field(&["variants", "1", "compareAtPrice"]),
        ),
        (
            "price more precise than USD",
            with(&["variants", "0", "price"], json!("1.005")),
            "PRICE_TOO_PRECISE",
            field(&["variants", "0", "price"]),
        ),
        (
            "price above the maximum (100,000,000,000 minor units)",
            with(&["variants", "0", "price"], json!("1000000000.01")),
            "INVALID",
            field(&["variants", "0", "price"]),
        ),
        (
            "price far above the maximum",
            with(&["variants", "0", "price"], json!("79228162514264337593543950335")),
            "INVALID",
            field(&["variants", "0", "price"]),
        ),
        (
            "unknown category",
            with(&["categoryIds"], json!([super::unknown_id("Category")])),
            "NOT_FOUND",
            field(&["categoryIds", "0"]),
        ),
        (
            "second category unknown",
            with(&["categoryIds"], json!([shirts, super::unknown_id("Category")])),
            "NOT_FOUND",
            field(&["categoryIds", "1"]),
        ),
        (
            "malformed category ID",
            with(&["categoryIds"], json!([shirts, "garbage"])),
            "INVALID_ID",
            field(&["categoryIds", "1"]),
        ),
        (
            "vendor ID as a category ID",
            with(&["categoryIds"], json!([acme])),
            "INVALID_ID",
            field(&["categoryIds", "0"]),
        ),
        ("empty title", with(&["title"], json!("")), "REQUIRED", field(&["title"])),
        ("blank title", with(&["title"], json!("   ")), "REQUIRED", field(&["title"])),
        ("unknown vendor", with(&["vendorId"], json!(super::unknown_id("Vendor"))), "NOT_FOUND", field(&["vendorId"])),
        ("malformed vendor ID", with(&["vendorId"], json!("garbage")), "INVALID_ID", field(&["vendorId"])),
        ("category ID as the vendor ID", with(&["vendorId"], json!(shirts)), "INVALID_ID", field(&["vendorId"])),
        (
            "SKU with a space",
            with(&["variants", "0", "sku"], json!("bad sku")),
            "INVALID",
            field(&["variants", "0", "sku"]),
        ),
        (
            "negative initial stock",
            with(&["variants", "1", "stockOnHand"], json!(-1)),
            "INVALID",
            field(&["variants", "1", "stockOnHand"]),
        ),
        (
            "relative image URL",
            with(&["images"], json!([{ "url": "/img/shirt.jpg" }])),
            "INVALID",
            field(&["images", "0", "url"]),
        ),
        (
            "second image not http(s)",
            with(
                &["images"],
                json!([{ "url": "https://img.example.com/a.jpg" }, { "url": "ftp://img.example.com/b.jpg" }]),
            ),
            "INVALID",
            field(&["images", "1", "url"]),
        ),
        (
            "attribute key with capitals",
            with(&["attributes"], json!([{ "key": "Material", "value": "linen" }])),
            "INVALID",
            field(&["attributes", "0", "key"]),
        ),
        (
            "attribute value not a number",
            with(&["attributes"], json!([{ "key": "weight", "type": "NUMBER", "value": "heavy" }])),
            "INVALID",
            field(&["attributes", "0", "value"]),
        ),
    ];

    for (case, input, code, path) in cases {
        // when
        let r = app.gql_as(Some(&staff), ops::PRODUCT_CREATE, json!({ "input": input })).await;

        // then
        assert_eq!(user_errors(&r, "productCreate"), [(path, code.to_owned())], "{case}: {}", r.body);
        assert!(r.get("productCreate.product").is_null(), "{case}");
    }
    // nothing was written: one product, and the slug and SKUs used above are still free
    assert_eq!(total_count(&products(&app, Some(&staff), json!({})).await), 1);
    let ok = app.gql_as(Some(&staff), ops::PRODUCT_CREATE, json!({ "input": new_product(&acme) })).await;
    ok.assert_no_errors();
    assert_eq!(ok.str("productCreate.product.slug"), "new-product");
    assert_eq!(total_count(&products(&app, Some(&staff), json!({})).await), 2);
}

#[tokio::test]
async fn product_update_replaces_given_lists_and_keeps_omitted_fields() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let shirts = category(&app, &staff, "Shirts", None).await;
    let summer = category(&app, &staff, "Summer", None).await;
    let p = create_product(
        &app,
        &staff,
        json!({
            "vendorId": acme,
            "title": "Linen Shirt",
            "description": "Cool.",
            "categoryIds": [shirts],
            "attributes": [{ "key": "material", "value": "linen" }],
            "images": [{ "url": "https://img.example.com/a.jpg" }],
        }),
    )
    .await;

    // when
    let r = app
        .gql_as(
            Some(&staff),
            ops::PRODUCT_UPDATE,
            json!({ "id": id_of(&p), "input": {
                "title": "Linen Shirt II",
                "categoryIds": [summer, shirts],
                "images": [],
            }}),
        )
        .await;

    // then
    r.assert_no_errors();
    let u = r.get("productUpdate.product");
    assert_eq!(u["title"], "Linen Shirt II");
    assert_eq!(u["slug"], "linen-shirt", "the slug does not follow the title");
    assert_eq!(u["description"], "Cool.");
    assert_eq!(u["status"], "DRAFT");
    let mut cats: Vec<&str> = u["categories"].as_array().unwrap().iter().map(|c| c["slug"].as_str().unwrap()).collect();
    cats.sort_unstable();
    assert_eq!(cats, ["shirts", "summer"]);
    assert_eq!(u["attributes"], json!([{ "key": "material", "value": "linen" }]));
    assert_eq!(u["images"], json!([]));
}

#[tokio::test]
async fn product_update_with_bad_input_returns_the_code_and_field_and_changes_nothing() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let shirts = category(&app, &staff, "Shirts", None).await;
    create_product(&app, &staff, json!({ "vendorId": acme, "title": "Other", "slug": "other" })).await;
    let p = create_product(
        &app,
        &staff,
        json!({ "vendorId": acme, "title": "Linen Shirt", "categoryIds": [shirts],
                "images": [{ "url": "https://img.example.com/a.jpg" }] }),
    )
    .await;
    let id = id_of(&p);
    let cases = [
        ("slug of another product", json!({ "slug": "other" }), "TAKEN", field(&["slug"])),
        ("blank title", json!({ "title": " ", "slug": "renamed" }), "REQUIRED", field(&["title"])),
        (
            "unknown category",
            json!({ "title": "Renamed", "categoryIds": [super::unknown_id("Category")] }),
            "NOT_FOUND",
            field(&["categoryIds", "0"]),
        ),
        ("malformed category ID", json!({ "categoryIds": ["garbage"] }), "INVALID_ID", field(&["categoryIds", "0"])),
        (
            "bad image URL",
            json!({ "title": "Renamed", "images": [{ "url": "not a url" }] }),
            "INVALID",
            field(&["images", "0", "url"]),
        ),
    ];

    for (case, input, code, path) in cases {
        // when
        let r = app.gql_as(Some(&staff), ops::PRODUCT_UPDATE, json!({ "id": id, "input": input })).await;

        // then
        assert_eq!(user_errors(&r, "productUpdate"), [(path, code.to_owned())], "{case}: {}", r.body);
    }
    let unknown = app
        .gql_as(
            Some(&staff),
            ops::PRODUCT_UPDATE,
            json!({ "id": super::unknown_id("Product"), "input": { "title": "X" } }),
        )
        .await;
    assert_eq!(user_errors(&unknown, "productUpdate"), [(field(&["id"]), "NOT_FOUND".to_owned())]);
    let after = product_by_id(&app, Some(&staff), &id).await;
    assert_eq!(after.str("product.title"), "Linen Shirt");
    assert_eq!(after.str("product.slug"), "linen-shirt");
    assert_eq!(after.str("product.categories.0.slug"), "shirts");
    assert_eq!(after.get("product.images").as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn product_archive_hides_the_product_from_the_storefront_but_not_from_staff() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let p = active_product(&app, &staff, &acme, "Linen Shirt", json!([variant("LS-1", "40.00", 2)])).await;
    let id = id_of(&p);
    let variant_id = id_of(&p["variants"][0]);
    assert_eq!(titles(&products(&app, None, json!({})).await), ["Linen Shirt"]);

    // when
    let r = app.gql_as(Some(&staff), ops::PRODUCT_ARCHIVE, json!({ "id": id })).await;

    // then
    r.assert_no_errors();
    assert_eq!(r.str("productArchive.product.status"), "ARCHIVED");
    let storefront = products(&app, None, json!({})).await;
    assert_eq!(total_count(&storefront), 0);
    assert_eq!(titles(&storefront), Vec::<String>::new());
    assert!(app.gql(ops::PRODUCT, json!({ "slug": "linen-shirt" })).await.get("product").is_null());
    assert!(product_by_id(&app, None, &id).await.get("product").is_null());
    assert!(app.gql(ops::VARIANT, json!({ "id": variant_id })).await.get("variant").is_null());

    let by_staff = app.gql_as(Some(&staff), ops::PRODUCT, json!({ "slug": "linen-shirt" })).await;
    assert_eq!(by_staff.str("product.status"), "ARCHIVED");
    let listed = products(&app, Some(&staff), json!({})).await;
    assert_eq!(titles(&listed), ["Linen Shirt"]);
    assert_eq!(listed.str("products.edges.0.node.status"), "ARCHIVED");
    let archived_only = products(&app, Some(&staff), json!({ "filter": { "status": ["ARCHIVED"] } })).await;
    assert_eq!(total_count(&archived_only), 1);
    let active_only = products(&app, Some(&staff), json!({ "filter": { "status": ["ACTIVE"] } })).await;
    assert_eq!(total_count(&active_only), 0);
}

#[tokio::test]
async fn product_archive_with_an_unknown_id_returns_not_found() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;

    // when
    let r = app.gql_as(Some(&staff), ops::PRODUCT_ARCHIVE, json!({ "id": super::unknown_id("Product") })).await;

    // then
    assert_eq!(user_errors(&r, "productArchive"), [(field(&["id"]), "NOT_FOUND".to_owned())]);
}

#[tokio::test]
async fn product_create_with_a_title_over_200_characters_returns_invalid() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;

    // when
    let r = app
        .gql_as(Some(&staff), ops::PRODUCT_CREATE, json!({ "input": { "vendorId": acme, "title": "x".repeat(201) } }))
        .await;

    // then
    assert_eq!(user_errors(&r, "productCreate"), [(field(&["title"]), "INVALID".to_owned())]);
}

#[tokio::test]
async fn product_create_and_update_with_a_category_listed_twice_return_no_internal_error() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let shirts = category(&app, &staff, "Shirts", None).await;
    let p = create_product(&app, &staff, json!({ "vendorId": acme, "title": "Other" })).await;

    // when
    let created = app
        .gql_as(
            Some(&staff),
            ops::PRODUCT_CREATE,
            json!({ "input": { "vendorId": acme, "title": "Linen Shirt", "categoryIds": [shirts, shirts] } }),
        )
        .await;
    let updated = app
        .gql_as(
            Some(&staff),
            ops::PRODUCT_UPDATE,
            json!({ "id": id_of(&p), "input": { "categoryIds": [shirts, shirts] } }),
        )
        .await;

    // then: the duplicate is either ignored or refused at its index, never an internal error
    for (r, mutation) in [(&created, "productCreate"), (&updated, "productUpdate")] {
        let errors = user_errors(r, mutation);
        if errors.is_empty() {
            let categories = r.get(&format!("{mutation}.product.categories"));
            assert_eq!(categories.as_array().map(Vec::len), Some(1), "{mutation}: {}", r.body);
        } else {
            assert_eq!(errors, [(field(&["categoryIds", "1"]), "INVALID".to_owned())], "{mutation}");
        }
    }
}
