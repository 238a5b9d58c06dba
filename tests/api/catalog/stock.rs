//! stockAdjust and a variant's stock movements.

use futures_util::future::join_all;
use serde_json::{Value, json};

use super::*;

/// An ACTIVE product with one variant holding `stock` units; returns the variant ID.
async fn stocked_variant(app: &TestApp, staff: &str, stock: i32) -> String {
    let acme = vendor(app, staff, "Acme").await;
    let p = active_product(app, staff, &acme, "Mug", json!([variant("MUG-1", "9.00", stock)])).await;
    id_of(&p["variants"][0])
}

async fn adjust(app: &TestApp, staff: &str, input: Value) -> Gql {
    app.gql_as(Some(staff), ops::STOCK_ADJUST, json!({ "input": input })).await
}

/// The stock on hand and the movements (newest first) of a variant, as staff.
async fn history(app: &TestApp, staff: &str, variant: &str) -> (i64, Value) {
    let r = app.gql_as(Some(staff), ops::STOCK_MOVEMENTS, json!({ "id": variant })).await;
    r.assert_no_errors();
    (r.get("variant.stockOnHand").as_i64().unwrap(), r.get("variant.stockMovements").clone())
}

#[tokio::test]
async fn stock_adjust_changes_stock_and_records_movements_newest_first() {
    // given: created with 4 units, which is the first RECEIVED movement
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let mug = stocked_variant(&app, &staff, 4).await;

    // when
    let received =
        adjust(&app, &staff, json!({ "variantId": mug, "delta": 5, "reason": "RECEIVED", "note": "PO 1042" })).await;
    let damaged = adjust(&app, &staff, json!({ "variantId": mug, "delta": -3, "reason": "DAMAGED" })).await;

    // then
    received.assert_no_errors();
    assert_eq!(received.get("stockAdjust.variant.stockOnHand"), 9);
    assert_eq!(received.get("stockAdjust.stockMovement.delta"), 5);
    assert_eq!(received.get("stockAdjust.stockMovement.quantityAfter"), 9);
    damaged.assert_no_errors();
    assert_eq!(damaged.get("stockAdjust.variant.stockOnHand"), 6);
    let m = damaged.get("stockAdjust.stockMovement");
    assert_eq!(m["delta"], -3);
    assert_eq!(m["quantityAfter"], 6);
    assert_eq!(m["reason"], "DAMAGED");
    assert!(m["note"].is_null());
    assert!(m["createdAt"].is_string());
    let (stock, movements) = history(&app, &staff, &mug).await;
    assert_eq!(stock, 6);
    assert_eq!(
        movements,
        json!([
            { "delta": -3, "quantityAfter": 6, "reason": "DAMAGED", "note": null },
            { "delta": 5, "quantityAfter": 9, "reason": "RECEIVED", "note": "PO 1042" },
            { "delta": 4, "quantityAfter": 4, "reason": "RECEIVED", "note": "initial stock" },
        ])
    );
    assert_eq!(app.gql(ops::VARIANT, json!({ "id": mug })).await.get("variant.stockOnHand"), 6);
}

#[tokio::test]
async fn stock_adjust_from_zero_to_two_records_only_the_adjustments() {
    // given: created without stock, so without a movement
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let mug = stocked_variant(&app, &staff, 0).await;
    assert_eq!(history(&app, &staff, &mug).await, (0, json!([])));

    // when
    adjust(&app, &staff, json!({ "variantId": mug, "delta": 5, "reason": "RECEIVED" })).await.assert_no_errors();
    adjust(&app, &staff, json!({ "variantId": mug, "delta": -3, "reason": "DAMAGED" })).await.assert_no_errors();

    // then
    let (stock, movements) = history(&app, &staff, &mug).await;
    assert_eq!(stock, 2);
    let deltas: Vec<(i64, i64)> = movements
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["delta"].as_i64().unwrap(), m["quantityAfter"].as_i64().unwrap()))
        .collect();
    assert_eq!(deltas, [(-3, 2), (5, 5)]);
}

#[tokio::test]
async fn stock_adjust_below_zero_returns_insufficient_stock_and_changes_nothing() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let mug = stocked_variant(&app, &staff, 2).await;

    // when
    let r = adjust(&app, &staff, json!({ "variantId": mug, "delta": -10, "reason": "LOST" })).await;

    // then
    assert_eq!(user_errors(&r, "stockAdjust"), [(field(&["delta"]), "INSUFFICIENT_STOCK".to_owned())]);
    assert!(r.get("stockAdjust.variant").is_null());
    assert!(r.get("stockAdjust.stockMovement").is_null());
    let (stock, movements) = history(&app, &staff, &mug).await;
    assert_eq!(stock, 2);
    assert_eq!(movements.as_array().unwrap().len(), 1, "only the initial movement: {movements}");
    // exactly down to zero is fine
    let r = adjust(&app, &staff, json!({ "variantId": mug, "delta": -2, "reason": "LOST" })).await;
    r.assert_no_errors();
    assert_eq!(r.get("stockAdjust.variant.stockOnHand"), 0);
}

#[tokio::test]
async fn stock_adjust_with_bad_input_returns_the_code_and_field() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let mug = stocked_variant(&app, &staff, 2).await;
    let product = app.gql(ops::VARIANT, json!({ "id": mug })).await.str("variant.product.id");
    let cases = [
        ("zero delta", json!({ "variantId": mug, "delta": 0, "reason": "CORRECTION" }), "INVALID", field(&["delta"])),
        (
            "note over 500 characters",
            json!({ "variantId": mug, "delta": 1, "reason": "CORRECTION", "note": "x".repeat(501) }),
            "INVALID",
            field(&["note"]),
        ),
        (
            "malformed variant ID",
            json!({ "variantId": "garbage", "delta": 1, "reason": "RECEIVED" }),
            "INVALID_ID",
            field(&["variantId"]),
        ),
        (
            "product ID as the variant ID",
            json!({ "variantId": product, "delta": 1, "reason": "RECEIVED" }),
            "INVALID_ID",
            field(&["variantId"]),
        ),
        (
            "unknown variant",
            json!({ "variantId": super::unknown_id("ProductVariant"), "delta": 1, "reason": "RECEIVED" }),
            "NOT_FOUND",
            field(&["variantId"]),
        ),
    ];

    for (case, input, code, path) in cases {
        // when
        let r = adjust(&app, &staff, input).await;

        // then
        assert_eq!(user_errors(&r, "stockAdjust"), [(path, code.to_owned())], "{case}: {}", r.body);
    }
    assert_eq!(history(&app, &staff, &mug).await.0, 2);
}

#[tokio::test]
async fn stock_adjust_under_concurrency_never_loses_an_update_nor_goes_below_zero() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let mug = stocked_variant(&app, &staff, 10).await;
    let input = json!({ "input": { "variantId": mug, "delta": -1, "reason": "CORRECTION" } });

    // when
    let results = join_all((0..20).map(|_| app.gql_as(Some(&staff), ops::STOCK_ADJUST, input.clone()))).await;

    // then
    let mut applied = 0;
    let mut refused = 0;
    for r in &results {
        match r.user_error_codes("stockAdjust").as_slice() {
            [] => applied += 1,
            [code] if code == "INSUFFICIENT_STOCK" => refused += 1,
            other => panic!("unexpected outcome {other:?}: {}", r.body),
        }
    }
    assert_eq!((applied, refused), (10, 10));
    let mut after: Vec<i64> =
        results.iter().filter_map(|r| r.get("stockAdjust.variant.stockOnHand").as_i64()).collect();
    after.sort_unstable();
    assert_eq!(after, (0..10).collect::<Vec<_>>(), "each success saw its own quantity");
    let (stock, movements) = history(&app, &staff, &mug).await;
    assert_eq!(stock, 0);
    assert_eq!(movements.as_array().unwrap().len(), 11, "10 adjustments and the initial stock");
}

#[tokio::test]
async fn stock_adjust_beyond_the_largest_stock_returns_invalid_and_changes_nothing() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let mug = stocked_variant(&app, &staff, 5).await;

    // when
    let r = adjust(&app, &staff, json!({ "variantId": mug, "delta": i32::MAX, "reason": "RECEIVED" })).await;

    // then
    assert_eq!(user_errors(&r, "stockAdjust"), [(field(&["delta"]), "INVALID".to_owned())], "{}", r.body);
    assert_eq!(history(&app, &staff, &mug).await.0, 5);
}
