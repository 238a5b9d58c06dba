//! productVariantCreate, productVariantUpdate and productVariantArchive.

use serde_json::json;

use super::*;

#[tokio::test]
async fn product_variant_create_adds_a_variant_after_the_existing_ones() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let p = active_product(&app, &staff, &acme, "Linen Shirt", json!([variant("LS-M", "40.00", 1)])).await;

    // when
    let r = app
        .gql_as(
            Some(&staff),
            ops::PRODUCT_VARIANT_CREATE,
            json!({ "productId": id_of(&p), "input": {
                "sku": " ls-xl ",
                "options": [{ "name": "Size", "value": "XL" }],
                "price": "35.5",
                "stockOnHand": 4,
            }}),
        )
        .await;

    // then
    r.assert_no_errors();
    let v = r.get("productVariantCreate.variant");
    assert_eq!(v["sku"], "LS-XL");
    assert_eq!(v["title"], "XL");
    assert_eq!(v["price"], json!({ "amount": "35.50", "currencyCode": "USD" }));
    assert_eq!(v["stockOnHand"], 4);
    assert_eq!(v["position"], 1);
    let shown = product_by_id(&app, None, &id_of(&p)).await;
    assert_eq!(variant_skus(&shown), ["LS-M", "LS-XL"]);
    assert_eq!(shown.str("product.priceRange.min.amount"), "35.50");
    assert_eq!(shown.str("product.priceRange.max.amount"), "40.00");
    let history = app.gql_as(Some(&staff), ops::STOCK_MOVEMENTS, json!({ "id": id_of(v) })).await;
    history.assert_no_errors();
    assert_eq!(
        history.get("variant.stockMovements"),
        &json!([{ "delta": 4, "quantityAfter": 4, "reason": "RECEIVED", "note": "initial stock" }])
    );
}

#[tokio::test]
async fn product_variant_create_with_bad_input_returns_the_code_and_field_and_writes_nothing() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let p = active_product(&app, &staff, &acme, "Linen Shirt", json!([variant("LS-M", "40.00", 1)])).await;
    active_product(&app, &staff, &acme, "Mug", json!([variant("MUG-1", "9.00", 1)])).await;
    let id = id_of(&p);
    let cases = [
        ("SKU of another product", id.clone(), variant("mug-1", "10.00", 0), "TAKEN", field(&["sku"])),
        ("SKU of a sibling", id.clone(), variant("LS-M", "10.00", 0), "TAKEN", field(&["sku"])),
        ("malformed SKU", id.clone(), variant("bad sku", "10.00", 0), "INVALID", field(&["sku"])),
        ("negative price", id.clone(), variant("NEW-1", "-10.00", 0), "NEGATIVE_PRICE", field(&["price"])),
        ("over-precise price", id.clone(), variant("NEW-1", "1.005", 0), "PRICE_TOO_PRECISE", field(&["price"])),
        ("negative stock", id.clone(), variant("NEW-1", "10.00", -1), "INVALID", field(&["stockOnHand"])),
        (
            "unknown product",
            super::unknown_id("Product"),
            variant("NEW-1", "10.00", 0),
            "NOT_FOUND",
            field(&["productId"]),
        ),
    ];

    for (case, product_id, input, code, path) in cases {
        // when
        let r = app
            .gql_as(Some(&staff), ops::PRODUCT_VARIANT_CREATE, json!({ "productId": product_id, "input": input }))
            .await;

        // then
        assert_eq!(user_errors(&r, "productVariantCreate"), [(path, code.to_owned())], "{case}: {}", r.body);
        assert!(r.get("productVariantCreate.variant").is_null(), "{case}");
    }
    for bad in ["garbage", acme.as_str()] {
        let r = app
            .gql_as(
                Some(&staff),
                ops::PRODUCT_VARIANT_CREATE,
                json!({ "productId": bad, "input": variant("NEW-1", "10.00", 0) }),
            )
            .await;
        assert_eq!(r.error_codes(), ["BAD_USER_INPUT"], "{bad}");
    }
    let after = product_by_id(&app, Some(&staff), &id).await;
    assert_eq!(after.get("product.variants").as_array().unwrap().len(), 1);
    assert_eq!(after.str("product.priceRange.min.amount"), "40.00");
}

#[tokio::test]
async fn product_variant_update_price_is_reflected_in_price_range_and_price_order() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    active_product(&app, &staff, &acme, "Alpha", json!([variant("A-1", "10.00", 1)])).await;
    let beta =
        active_product(&app, &staff, &acme, "Beta", json!([variant("B-1", "20.00", 1), variant("B-2", "25.00", 1)]))
            .await;
    assert_eq!(titles(&products(&app, None, json!({ "sortBy": "PRICE_ASC" })).await), ["Alpha", "Beta"]);

    // when
    let r = app
        .gql_as(
            Some(&staff),
            ops::PRODUCT_VARIANT_UPDATE,
            json!({ "id": id_of(&beta["variants"][0]), "input": { "price": "5" } }),
        )
        .await;

    // then
    r.assert_no_errors();
    assert_eq!(r.str("productVariantUpdate.variant.price.amount"), "5.00");
    assert_eq!(r.str("productVariantUpdate.variant.sku"), "B-1");
    assert_eq!(r.get("productVariantUpdate.variant.stockOnHand"), 1);
    let shown = product_by_id(&app, None, &id_of(&beta)).await;
    assert_eq!(shown.str("product.priceRange.min.amount"), "5.00");
    assert_eq!(shown.str("product.priceRange.max.amount"), "25.00");
    assert_eq!(titles(&products(&app, None, json!({ "sortBy": "PRICE_ASC" })).await), ["Beta", "Alpha"]);
    assert_eq!(titles(&products(&app, None, json!({ "sortBy": "PRICE_DESC" })).await), ["Alpha", "Beta"]);
    let cheap = products(&app, None, json!({ "filter": { "price": { "max": "6.00" } } })).await;
    assert_eq!(titles(&cheap), ["Beta"]);
}

#[tokio::test]
async fn product_variant_update_with_clear_compare_at_price_removes_it() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let p = active_product(
        &app,
        &staff,
        &acme,
        "Linen Shirt",
        json!([{ "sku": "LS-M", "price": "49.00", "compareAtPrice": "59.00", "stockOnHand": 3 }]),
    )
    .await;
    let id = id_of(&p["variants"][0]);
    let update =
        |input: Value| app.gql_as(Some(&staff), ops::PRODUCT_VARIANT_UPDATE, json!({ "id": id, "input": input }));

    // when
    let raised = update(json!({ "compareAtPrice": "69.00" })).await;
    let cleared = update(json!({ "clearCompareAtPrice": true, "title": "Medium" })).await;

    // then
    raised.assert_no_errors();
    assert_eq!(raised.str("productVariantUpdate.variant.compareAtPrice.amount"), "69.00");
    cleared.assert_no_errors();
    let v = cleared.get("productVariantUpdate.variant");
    assert!(v["compareAtPrice"].is_null());
    assert_eq!(v["title"], "Medium");
    assert_eq!(v["price"]["amount"], "49.00");
    assert_eq!(v["sku"], "LS-M");
    assert_eq!(v["stockOnHand"], 3);
    let shown = product_by_id(&app, None, &id_of(&p)).await;
    assert!(shown.get("product.variants.0.compareAtPrice").is_null());
    assert_eq!(shown.str("product.variants.0.title"), "Medium");
}

#[tokio::test]
async fn product_variant_update_with_bad_input_returns_the_code_and_field_and_changes_nothing() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let shirt = active_product(&app, &staff, &acme, "Linen Shirt", json!([variant("LS-M", "40.00", 1)])).await;
    let mug = active_product(&app, &staff, &acme, "Mug", json!([variant("MUG-1", "9.00", 1)])).await;
    let mug_variant = id_of(&mug["variants"][0]);
    let cases = [
        ("SKU of another variant", mug_variant.clone(), json!({ "sku": "ls-m" }), "TAKEN", field(&["sku"])),
        ("malformed SKU", mug_variant.clone(), json!({ "sku": "bad sku" }), "INVALID", field(&["sku"])),
        ("negative price", mug_variant.clone(), json!({ "price": "-9.00" }), "NEGATIVE_PRICE", field(&["price"])),
        (
            "over-precise price",
            mug_variant.clone(),
            json!({ "price": "9.001" }),
            "PRICE_TOO_PRECISE",
            field(&["price"]),
        ),
        (
            "negative compare-at price",
            mug_variant.clone(),
            json!({ "compareAtPrice": "-1" }),
            "NEGATIVE_PRICE",
            field(&["compareAtPrice"]),
        ),
        ("blank title", mug_variant.clone(), json!({ "title": " " }), "REQUIRED", field(&["title"])),
        (
            "unknown variant",
            super::unknown_id("ProductVariant"),
            json!({ "price": "1.00" }),
            "NOT_FOUND",
            field(&["id"]),
        ),
    ];

    for (case, id, input, code, path) in cases {
        // when
        let r = app.gql_as(Some(&staff), ops::PRODUCT_VARIANT_UPDATE, json!({ "id": id, "input": input })).await;

        // then
        assert_eq!(user_errors(&r, "productVariantUpdate"), [(path, code.to_owned())], "{case}: {}", r.body);
        assert!(r.get("productVariantUpdate.variant").is_null(), "{case}");
    }
    for bad in ["garbage".to_owned(), id_of(&mug)] {
        let r = app
            .gql_as(Some(&staff), ops::PRODUCT_VARIANT_UPDATE, json!({ "id": bad, "input": { "price": "1.00" } }))
            .await;
        assert_eq!(r.error_codes(), ["BAD_USER_INPUT"], "{bad}");
    }
    let after = app.gql(ops::VARIANT, json!({ "id": mug_variant })).await;
    assert_eq!(after.str("variant.sku"), "MUG-1");
    assert_eq!(after.str("variant.price.amount"), "9.00");
    assert_eq!(product_by_id(&app, None, &id_of(&shirt)).await.str("product.variants.0.sku"), "LS-M");
}

#[tokio::test]
async fn product_variant_archive_hides_the_variant_from_shoppers_but_not_from_staff() {
    // given: the cheap variant is the only one in stock
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let p = active_product(
        &app,
        &staff,
        &acme,
        "Linen Shirt",
        json!([variant("LS-M", "40.00", 0), variant("LS-SALE", "2.00", 3)]),
    )
    .await;
    let product = id_of(&p);
    let sale = id_of(&p["variants"][1]);

    // when
    let r = app.gql_as(Some(&staff), ops::PRODUCT_VARIANT_ARCHIVE, json!({ "id": sale })).await;

    // then
    r.assert_no_errors();
    assert_eq!(r.get("productVariantArchive.variant.archived"), true);
    let shown = product_by_id(&app, None, &product).await;
    assert_eq!(variant_skus(&shown), ["LS-M"]);
    assert_eq!(shown.str("product.priceRange.min.amount"), "40.00");
    assert!(app.gql(ops::VARIANT, json!({ "id": sale })).await.get("variant").is_null());
    assert!(app.gql(ops::NODE, json!({ "id": sale })).await.get("node").is_null());
    assert_eq!(total_count(&products(&app, None, json!({ "filter": { "inStock": true } })).await), 0);
    assert_eq!(total_count(&products(&app, None, json!({ "filter": { "price": { "max": "5.00" } } })).await), 0);
    assert_eq!(products(&app, None, json!({})).await.get("products.edges.0.node.inStock"), false);

    let by_staff = product_by_id(&app, Some(&staff), &product).await;
    assert_eq!(by_staff.str("product.variants.1.sku"), "LS-SALE");
    assert_eq!(by_staff.get("product.variants.1.archived"), true);
    let staff_variant = app.gql_as(Some(&staff), ops::VARIANT, json!({ "id": sale })).await;
    assert_eq!(staff_variant.str("variant.sku"), "LS-SALE");
}
