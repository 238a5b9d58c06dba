//! Staff discount mutations and queries: success, every refused input, guards.

use agora::shared::role::Role;
use serde_json::{Value, json};

use super::{create, discount, discounts, product, ten_percent};
use crate::{
    helpers::{
        TestApp, field,
        fixtures::{category, unknown_id, vendor},
        user_errors,
    },
    ops,
};

#[tokio::test]
async fn discount_create_with_a_code_stores_it_upper_cased_with_defaults() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;

    // when
    let d = create(&app, &staff, json!({ "code": " save-10_a ", "percentage": "12.50" })).await;

    // then
    assert_eq!(d["code"], "SAVE-10_A");
    assert_eq!(d["automatic"], false);
    assert_eq!(d["percentage"], "12.5");
    assert_eq!(d["amount"], Value::Null);
    assert_eq!(d["target"], "SUBTOTAL");
    assert_eq!(d["targetIds"], json!([]));
    assert_eq!(d["vendor"], Value::Null);
    assert_eq!(d["usedCount"], 0);
    assert_eq!(d["combinesWithOthers"], false);
    assert_eq!(d["active"], true);
    assert_eq!(discount(&app, &staff, d["id"].as_str().unwrap()).await, d);
}

#[tokio::test]
async fn discount_create_with_an_amount_on_products_of_a_vendor_keeps_every_field() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let mug = product(&app, &staff, &acme, "Mug", "MUG-1").await;
    let cup = product(&app, &staff, &acme, "Cup", "CUP-1").await;

    // when
    let d = create(
        &app,
        &staff,
        json!({
            "code": "mugs5",
            "amount": "5",
            "target": "PRODUCTS",
            "targetIds": [mug, cup, mug],
            "vendorId": acme,
            "minSubtotal": "20.5",
            "startsAt": "2026-01-01T00:00:00Z",
            "endsAt": "2026-02-01T00:00:00Z",
            "usageLimit": 100,
            "perCustomerLimit": 1,
            "combinesWithOthers": true,
            "active": false,
        }),
    )
    .await;

    // then
    assert_eq!(d["amount"], json!({ "amount": "5.00", "currencyCode": "USD" }));
    assert_eq!(d["percentage"], Value::Null);
    assert_eq!(d["target"], "PRODUCTS");
    assert_eq!(d["targetIds"], json!([mug, cup]), "repeats are dropped, order kept");
    assert_eq!(d["vendor"]["id"], acme.as_str());
    assert_eq!(d["minSubtotal"], json!({ "amount": "20.50", "currencyCode": "USD" }));
    assert_eq!(d["startsAt"], "2026-01-01T00:00:00+00:00");
    assert_eq!(d["endsAt"], "2026-02-01T00:00:00+00:00");
    assert_eq!((d["usageLimit"].clone(), d["perCustomerLimit"].clone()), (json!(100), json!(1)));
    assert_eq!((d["combinesWithOthers"].clone(), d["active"].clone()), (json!(true), json!(false)));
    assert_eq!(discount(&app, &staff, d["id"].as_str().unwrap()).await, d);
}

#[tokio::test]
async fn discount_create_automatic_on_categories_has_no_code() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let mugs = category(&app, &staff, "Mugs", None).await;
    let d = create(
        &app,
        &staff,
        json!({ "automatic": true, "percentage": "5", "target": "CATEGORIES", "targetIds": [mugs] }),
    )
    .await;
    assert_eq!(d["code"], Value::Null);
    assert_eq!(d["automatic"], true);
    assert_eq!(d["targetIds"], json!([mugs]));
}

#[tokio::test]
async fn discounts_lists_newest_first() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    for code in ["FIRST", "SECOND", "THIRD"] {
        create(&app, &staff, ten_percent(code, json!({}))).await;
    }
    let codes: Vec<Value> = discounts(&app, &staff).await.iter().map(|d| d["code"].clone()).collect();
    assert_eq!(codes, [json!("THIRD"), json!("SECOND"), json!("FIRST")]);
}

#[tokio::test]
async fn discount_create_with_bad_input_returns_user_errors_and_writes_nothing() {
    // given: one existing discount, a vendor, a product and a category
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    create(&app, &staff, ten_percent("TAKEN1", json!({}))).await;
    let acme = vendor(&app, &staff, "Acme").await;
    let mug = product(&app, &staff, &acme, "Mug", "MUG-1").await;
    let mugs = category(&app, &staff, "Mugs", None).await;
    let unknown_product = unknown_id("Product");
    let cases: Vec<(Value, &str, Vec<&str>)> = vec![
        (json!({ "code": "ab", "percentage": "10" }), "INVALID", vec!["code"]),
        (json!({ "code": "no spaces", "percentage": "10" }), "INVALID", vec!["code"]),
        (json!({ "code": "A".repeat(33), "percentage": "10" }), "INVALID", vec!["code"]),
        (json!({ "percentage": "10" }), "REQUIRED", vec!["code"]),
        (json!({ "automatic": true, "code": "AUTO1", "percentage": "10" }), "INVALID", vec!["code"]),
        (json!({ "code": "taken1", "percentage": "10" }), "TAKEN", vec!["code"]),
        (json!({ "code": "NOVALUE" }), "REQUIRED", vec!["percentage"]),
        (json!({ "code": "BOTH1", "percentage": "10", "amount": "1" }), "INVALID", vec!["amount"]),
        (json!({ "code": "ZERO1", "percentage": "0" }), "INVALID", vec!["percentage"]),
        (json!({ "code": "OVER1", "percentage": "100.01" }), "INVALID", vec!["percentage"]),
        (json!({ "code": "PREC1", "percentage": "12.345" }), "INVALID", vec!["percentage"]),
        (json!({ "code": "NEG1", "amount": "-1" }), "INVALID", vec!["amount"]),
        (json!({ "code": "CENTS1", "amount": "1.005" }), "INVALID", vec!["amount"]),
        (json!({ "code": "HUGE1", "amount": "1000000000.01" }), "INVALID", vec!["amount"]),
        (json!({ "code": "MIN1", "percentage": "10", "minSubtotal": "1.001" }), "INVALID", vec!["minSubtotal"]),
        (
            json!({ "code": "DATES1", "percentage": "10", "startsAt": "2026-02-01T00:00:00Z", "endsAt": "2026-01-01T00:00:00Z" }),
            "INVALID",
            vec!["endsAt"],
        ),
        (
            json!({ "code": "DATES2", "percentage": "10", "startsAt": "2026-02-01T00:00:00Z", "endsAt": "2026-02-01T00:00:00Z" }),
            "INVALID",
            vec!["endsAt"],
        ),
        (json!({ "code": "LIMIT1", "percentage": "10", "usageLimit": 0 }), "INVALID", vec!["usageLimit"]),
        (json!({ "code": "LIMIT2", "percentage": "10", "perCustomerLimit": -1 }), "INVALID", vec!["perCustomerLimit"]),
        (json!({ "code": "TGT1", "percentage": "10", "target": "PRODUCTS" }), "REQUIRED", vec!["targetIds"]),
        (
            json!({ "code": "TGT2", "percentage": "10", "target": "PRODUCTS", "targetIds": [] }),
            "REQUIRED",
            vec!["targetIds"],
        ),
        (
            json!({ "code": "TGT3", "percentage": "10", "target": "PRODUCTS", "targetIds": [mug, mugs] }),
            "INVALID_ID",
            vec!["targetIds", "1"],
        ),
        (
            json!({ "code": "TGT4", "percentage": "10", "target": "CATEGORIES", "targetIds": ["garbage"] }),
            "INVALID_ID",
            vec!["targetIds", "0"],
        ),
        (
            json!({ "code": "TGT5", "percentage": "10", "target": "PRODUCTS", "targetIds": [mug, unknown_product] }),
            "NOT_FOUND",
            vec!["targetIds", "1"],
        ),
        (
            json!({ "code": "TGT6", "percentage": "10", "target": "CATEGORIES", "targetIds": [unknown_id("Category")] }),
            "NOT_FOUND",
            vec!["targetIds", "0"],
        ),
        (json!({ "code": "TGT7", "percentage": "10", "targetIds": [mug] }), "INVALID", vec!["targetIds"]),
        (json!({ "code": "VND1", "percentage": "10", "vendorId": mug }), "INVALID_ID", vec!["vendorId"]),
        (
            json!({ "code": "VND2", "percentage": "10", "vendorId": unknown_id("Vendor") }),
            "NOT_FOUND",
            vec!["vendorId"],
        ),
    ];

    for (input, code, path) in cases {
        // when
        let r = app.gql_as(Some(&staff), ops::DISCOUNT_CREATE, json!({ "input": input })).await;

        // then
        assert_eq!(user_errors(&r, "discountCreate"), [(field(&path), code.to_owned())], "{input}");
        assert!(r.get("discountCreate.discount").is_null());
    }
    let left: Vec<Value> = discounts(&app, &staff).await.iter().map(|d| d["code"].clone()).collect();
    assert_eq!(left, [json!("TAKEN1")], "nothing was written");
}

#[tokio::test]
async fn discount_update_changes_given_fields_and_null_clears() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let d = create(
        &app,
        &staff,
        ten_percent("OLD10", json!({ "endsAt": "2030-01-01T00:00:00Z", "usageLimit": 5, "minSubtotal": "50" })),
    )
    .await;
    let mugs = category(&app, &staff, "Mugs", None).await;

    // when
    let r = app
        .gql_as(
            Some(&staff),
            ops::DISCOUNT_UPDATE,
            json!({ "id": d["id"], "input": {
                "code": "new-10",
                "amount": "3.5",
                "target": "CATEGORIES",
                "targetIds": [mugs],
                "endsAt": null,
                "minSubtotal": null,
                "perCustomerLimit": 2,
                "combinesWithOthers": true,
            } }),
        )
        .await;

    // then
    r.assert_no_errors();
    let u = r.get("discountUpdate.discount").clone();
    assert_eq!(u["id"], d["id"]);
    assert_eq!(u["code"], "NEW-10");
    assert_eq!(u["percentage"], Value::Null);
    assert_eq!(u["amount"]["amount"], "3.50");
    assert_eq!(u["target"], "CATEGORIES");
    assert_eq!(u["targetIds"], json!([mugs]));
    assert_eq!(u["endsAt"], Value::Null);
    assert_eq!(u["minSubtotal"], Value::Null);
    assert_eq!(u["usageLimit"], 5, "omitted fields stay");
    assert_eq!(u["perCustomerLimit"], 2);
    assert_eq!(u["combinesWithOthers"], true);
    assert_eq!(discount(&app, &staff, d["id"].as_str().unwrap()).await, u);

    // and back to the subtotal: the category ids go with the old target
    let r = app
        .gql_as(Some(&staff), ops::DISCOUNT_UPDATE, json!({ "id": d["id"], "input": { "target": "SUBTOTAL" } }))
        .await;
    r.assert_no_errors();
    assert_eq!(r.get("discountUpdate.discount.targetIds"), &json!([]));
}

#[tokio::test]
async fn discount_update_with_target_ids_alone_reads_them_as_ids_of_the_current_target() {
    // given: a discount on products
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let mug = product(&app, &staff, &acme, "Mug", "MUG-1").await;
    let cup = product(&app, &staff, &acme, "Cup", "CUP-1").await;
    let mugs = category(&app, &staff, "Mugs", None).await;
    let d =
        create(&app, &staff, json!({ "code": "MUGS5", "amount": "5", "target": "PRODUCTS", "targetIds": [mug] })).await;
    let update = |ids: Value| json!({ "id": d["id"], "input": { "targetIds": ids } });

    // when / then: product ids replace the targets
    let r = app.gql_as(Some(&staff), ops::DISCOUNT_UPDATE, update(json!([cup, mug]))).await;
    r.assert_no_errors();
    assert_eq!(r.get("discountUpdate.discount.targetIds"), &json!([cup, mug]));

    // a category id is not a product id
    let r = app.gql_as(Some(&staff), ops::DISCOUNT_UPDATE, update(json!([cup, mugs]))).await;
    assert_eq!(user_errors(&r, "discountUpdate"), [(field(&["targetIds", "1"]), "INVALID_ID".to_owned())]);
    assert_eq!(discount(&app, &staff, d["id"].as_str().unwrap()).await["targetIds"], json!([cup, mug]));
}

#[tokio::test]
async fn discount_update_can_turn_a_code_into_an_automatic_promotion() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let d = create(&app, &staff, ten_percent("CODE10", json!({}))).await;
    let r =
        app.gql_as(Some(&staff), ops::DISCOUNT_UPDATE, json!({ "id": d["id"], "input": { "automatic": true } })).await;
    assert_eq!(user_errors(&r, "discountUpdate"), [(field(&["code"]), "INVALID".to_owned())]);
    let r = app
        .gql_as(
            Some(&staff),
            ops::DISCOUNT_UPDATE,
            json!({ "id": d["id"], "input": { "automatic": true, "code": null } }),
        )
        .await;
    r.assert_no_errors();
    assert_eq!(r.get("discountUpdate.discount.code"), &Value::Null);
    assert_eq!(r.get("discountUpdate.discount.automatic"), &json!(true));
}

#[tokio::test]
async fn discount_update_with_bad_input_returns_user_errors_and_changes_nothing() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let d = create(&app, &staff, ten_percent("KEEP10", json!({ "startsAt": "2026-01-01T00:00:00Z" }))).await;
    create(&app, &staff, ten_percent("OTHER10", json!({}))).await;
    let id = d["id"].as_str().unwrap();
    let cases: Vec<(&str, Value, &str, Vec<&str>)> = vec![
        (id, json!({ "code": "other10" }), "TAKEN", vec!["code"]),
        (id, json!({ "code": null }), "REQUIRED", vec!["code"]),
        (id, json!({ "percentage": "101" }), "INVALID", vec!["percentage"]),
        (id, json!({ "percentage": "5", "amount": "5" }), "INVALID", vec!["amount"]),
        (id, json!({ "endsAt": "2025-12-31T00:00:00Z" }), "INVALID", vec!["endsAt"]),
        (id, json!({ "usageLimit": 0 }), "INVALID", vec!["usageLimit"]),
        (id, json!({ "target": "PRODUCTS" }), "REQUIRED", vec!["targetIds"]),
        (id, json!({ "vendorId": "garbage" }), "INVALID_ID", vec!["vendorId"]),
    ];
    let unknown = unknown_id("Discount");

    for (id, input, code, path) in
        cases.into_iter().chain([(unknown.as_str(), json!({ "percentage": "5" }), "NOT_FOUND", vec!["id"])])
    {
        // when
        let r = app.gql_as(Some(&staff), ops::DISCOUNT_UPDATE, json!({ "id": id, "input": input })).await;

        // then
        assert_eq!(user_errors(&r, "discountUpdate"), [(field(&path), code.to_owned())], "{input}");
        assert!(r.get("discountUpdate.discount").is_null());
    }
    assert_eq!(discount(&app, &staff, id).await, d, "nothing changed");

    // a malformed or wrongly typed ID argument is a request error
    let r = app.gql_as(Some(&staff), ops::DISCOUNT_UPDATE, json!({ "id": unknown_id("Product"), "input": {} })).await;
    assert_eq!(r.error_codes(), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn discount_deactivate_keeps_the_discount_inactive() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let d = create(&app, &staff, ten_percent("BYE10", json!({}))).await;

    let r = app.gql_as(Some(&staff), ops::DISCOUNT_DEACTIVATE, json!({ "id": d["id"] })).await;
    r.assert_no_errors();
    assert_eq!(r.get("discountDeactivate.discount.active"), &json!(false));
    assert_eq!(discount(&app, &staff, d["id"].as_str().unwrap()).await["active"], false);

    let r = app.gql_as(Some(&staff), ops::DISCOUNT_DEACTIVATE, json!({ "id": unknown_id("Discount") })).await;
    assert_eq!(user_errors(&r, "discountDeactivate"), [(field(&["id"]), "NOT_FOUND".to_owned())]);
}

#[tokio::test]
async fn discount_of_an_unknown_id_is_null() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let r = app.gql_as(Some(&staff), ops::DISCOUNT, json!({ "id": unknown_id("Discount") })).await;
    r.assert_no_errors();
    assert!(r.get("discount").is_null());
}

#[tokio::test]
async fn discount_operations_are_staff_only() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let customer = app.user("ann@example.com", Role::Customer).await;
    let d = create(&app, &staff, ten_percent("STAFF10", json!({}))).await;
    let operations = [
        (ops::DISCOUNT_CREATE, json!({ "input": ten_percent("NOPE10", json!({})) })),
        (ops::DISCOUNT_UPDATE, json!({ "id": d["id"], "input": { "percentage": "50" } })),
        (ops::DISCOUNT_DEACTIVATE, json!({ "id": d["id"] })),
        (ops::DISCOUNTS, json!({})),
        (ops::DISCOUNT, json!({ "id": d["id"] })),
    ];

    for (op, vars) in operations {
        // when / then
        assert_eq!(app.gql_as(Some(&customer), op, vars.clone()).await.error_codes(), ["FORBIDDEN"], "{op}");
        assert_eq!(app.gql(op, vars).await.error_codes(), ["UNAUTHENTICATED"], "{op}");
    }
    let all = discounts(&app, &staff).await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0], d, "nothing changed");
}
