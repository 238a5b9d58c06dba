//! `node(id:)` over catalog IDs, ID type checks on arguments, and the staff-only guards.

use agora::shared::role::Role;
use serde_json::{Value, json};

use super::*;

#[tokio::test]
async fn node_resolves_product_variant_category_and_vendor_ids_to_their_types() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let shirts = category(&app, &staff, "Shirts", None).await;
    let p = active_product(&app, &staff, &acme, "Linen Shirt", json!([variant("LS-M", "40.00", 1)])).await;
    let cases = [
        (id_of(&p), json!({ "__typename": "Product", "id": id_of(&p), "title": "Linen Shirt" })),
        (
            id_of(&p["variants"][0]),
            json!({ "__typename": "ProductVariant", "id": id_of(&p["variants"][0]), "sku": "LS-M" }),
        ),
        (shirts.clone(), json!({ "__typename": "Category", "id": shirts, "slug": "shirts" })),
        (acme.clone(), json!({ "__typename": "Vendor", "id": acme, "slug": "acme" })),
    ];

    for (id, expected) in cases {
        // when
        let r = app.gql(ops::NODE, json!({ "id": id })).await;

        // then
        r.assert_no_errors();
        assert_eq!(r.get("node"), &expected);
    }
    for type_name in ["Product", "ProductVariant", "Category", "Vendor", "User"] {
        let r = app.gql(ops::NODE, json!({ "id": super::unknown_id(type_name) })).await;
        r.assert_no_errors();
        assert!(r.get("node").is_null(), "unknown {type_name}");
    }
}

#[tokio::test]
async fn node_with_a_garbage_id_returns_bad_user_input() {
    // given
    let app = TestApp::spawn().await;

    for garbage in ["garbage!", "Z2FyYmFnZQ", ""] {
        // when
        let r = app.gql(ops::NODE, json!({ "id": garbage })).await;

        // then
        assert_eq!(r.error_codes(), ["BAD_USER_INPUT"], "{garbage:?}");
    }
}

#[tokio::test]
async fn node_for_a_draft_product_is_null_for_shoppers_and_visible_to_staff() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let customer = app.user("ann@example.com", Role::Customer).await;
    let acme = vendor(&app, &staff, "Acme").await;
    let p = draft_product(&app, &staff, &acme, "Linen Shirt", json!([variant("LS-M", "40.00", 1)])).await;
    let variant = id_of(&p["variants"][0]);

    for id in [id_of(&p), variant.clone()] {
        // when
        let anonymous = app.gql(ops::NODE, json!({ "id": id })).await;
        let as_customer = app.gql_as(Some(&customer), ops::NODE, json!({ "id": id })).await;
        let as_staff = app.gql_as(Some(&staff), ops::NODE, json!({ "id": id })).await;

        // then
        anonymous.assert_no_errors();
        assert!(anonymous.get("node").is_null(), "{}", anonymous.body);
        assert!(as_customer.get("node").is_null(), "{}", as_customer.body);
        assert_eq!(as_staff.str("node.id"), id);
    }
    assert!(app.gql(ops::VARIANT, json!({ "id": variant })).await.get("variant").is_null());
}

#[tokio::test]
async fn id_arguments_of_the_wrong_type_return_bad_user_input() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let p = active_product(&app, &staff, &acme, "Linen Shirt", json!([variant("LS-M", "40.00", 1)])).await;
    let variant = id_of(&p["variants"][0]);
    let cases = [
        ("productUpdate with a vendor ID", ops::PRODUCT_UPDATE, json!({ "id": acme, "input": { "title": "X" } })),
        ("productUpdate with garbage", ops::PRODUCT_UPDATE, json!({ "id": "garbage", "input": { "title": "X" } })),
        ("productArchive with a variant ID", ops::PRODUCT_ARCHIVE, json!({ "id": variant })),
        ("productVariantArchive with a product ID", ops::PRODUCT_VARIANT_ARCHIVE, json!({ "id": id_of(&p) })),
        ("categoryArchive with a product ID", ops::CATEGORY_ARCHIVE, json!({ "id": id_of(&p) })),
        ("product with a variant ID", ops::PRODUCT, json!({ "id": variant })),
        ("variant with a product ID", ops::VARIANT, json!({ "id": id_of(&p) })),
        ("product with both id and slug", ops::PRODUCT, json!({ "id": id_of(&p), "slug": "linen-shirt" })),
        ("product with neither id nor slug", ops::PRODUCT, json!({})),
        ("products filtered by a product ID as vendor", ops::PRODUCTS, json!({ "filter": { "vendorId": id_of(&p) } })),
    ];

    for (case, op, variables) in cases {
        // when
        let r = app.gql_as(Some(&staff), op, variables).await;

        // then
        assert_eq!(r.error_codes(), ["BAD_USER_INPUT"], "{case}: {}", r.body);
    }
    let unchanged = product_by_id(&app, None, &id_of(&p)).await;
    assert_eq!(unchanged.str("product.title"), "Linen Shirt");
    assert_eq!(unchanged.str("product.status"), "ACTIVE");
}

/// Each staff-only mutation with variables that would succeed for staff.
fn staff_mutations(vendor: &str, product: &str, variant: &str, category: &str) -> Vec<(&'static str, Value)> {
    vec![
        (ops::PRODUCT_CREATE, json!({ "input": { "vendorId": vendor, "title": "Sneaky", "slug": "sneaky" } })),
        (ops::PRODUCT_UPDATE, json!({ "id": product, "input": { "title": "Sneaky" } })),
        (ops::PRODUCT_ARCHIVE, json!({ "id": product })),
        (ops::PRODUCT_VARIANT_CREATE, json!({ "productId": product, "input": variant_input() })),
        (ops::PRODUCT_VARIANT_UPDATE, json!({ "id": variant, "input": { "price": "0.01" } })),
        (ops::PRODUCT_VARIANT_ARCHIVE, json!({ "id": variant })),
        (ops::CATEGORY_CREATE, json!({ "input": { "name": "Sneaky" } })),
        (ops::CATEGORY_UPDATE, json!({ "id": category, "input": { "name": "Sneaky" } })),
        (ops::CATEGORY_ARCHIVE, json!({ "id": category })),
        (ops::STOCK_ADJUST, json!({ "input": { "variantId": variant, "delta": -1, "reason": "LOST" } })),
        (ops::VENDOR_CREATE, json!({ "input": { "name": "Sneaky" } })),
    ]
}

fn variant_input() -> Value {
    super::variant("SNEAKY-1", "1.00", 1)
}

#[tokio::test]
async fn catalog_mutations_as_a_customer_are_forbidden_and_anonymously_unauthenticated() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let customer = app.user("ann@example.com", Role::Customer).await;
    let acme = vendor(&app, &staff, "Acme").await;
    let shirts = category(&app, &staff, "Shirts", None).await;
    let p = active_product(&app, &staff, &acme, "Linen Shirt", json!([variant("LS-M", "40.00", 3)])).await;
    let variant = id_of(&p["variants"][0]);

    for (op, variables) in staff_mutations(&acme, &id_of(&p), &variant, &shirts) {
        let name = op.split_whitespace().nth(1).unwrap_or(op);

        // when
        let as_customer = app.gql_as(Some(&customer), op, variables.clone()).await;
        let anonymous = app.gql(op, variables).await;

        // then
        assert_eq!(as_customer.error_codes(), ["FORBIDDEN"], "{name} as a customer: {}", as_customer.body);
        assert_eq!(anonymous.error_codes(), ["UNAUTHENTICATED"], "{name} anonymously: {}", anonymous.body);
    }
    // nothing changed
    let shown = product_by_id(&app, Some(&staff), &id_of(&p)).await;
    assert_eq!(shown.str("product.title"), "Linen Shirt");
    assert_eq!(shown.str("product.status"), "ACTIVE");
    assert_eq!(shown.get("product.variants").as_array().unwrap().len(), 1);
    assert_eq!(shown.get("product.variants.0.stockOnHand"), 3);
    assert_eq!(shown.str("product.variants.0.price.amount"), "40.00");
    assert_eq!(total_count(&products(&app, Some(&staff), json!({})).await), 1);
    let tree = app.gql_as(Some(&staff), ops::CATEGORIES, json!({})).await;
    assert_eq!(
        tree.get("categories"),
        &json!([{ "id": shirts, "name": "Shirts", "slug": "shirts", "position": 0, "children": [] }])
    );
}

#[tokio::test]
async fn variant_stock_movements_are_for_staff_only() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let customer = app.user("ann@example.com", Role::Customer).await;
    let acme = vendor(&app, &staff, "Acme").await;
    let p = active_product(&app, &staff, &acme, "Linen Shirt", json!([variant("LS-M", "40.00", 3)])).await;
    let variant = id_of(&p["variants"][0]);

    // when
    let as_customer = app.gql_as(Some(&customer), ops::STOCK_MOVEMENTS, json!({ "id": variant })).await;
    let anonymous = app.gql(ops::STOCK_MOVEMENTS, json!({ "id": variant })).await;
    let as_staff = app.gql_as(Some(&staff), ops::STOCK_MOVEMENTS, json!({ "id": variant })).await;

    // then
    assert_eq!(as_customer.error_codes(), ["FORBIDDEN"], "{}", as_customer.body);
    assert_eq!(anonymous.error_codes(), ["UNAUTHENTICATED"], "{}", anonymous.body);
    as_staff.assert_no_errors();
    assert_eq!(as_staff.get("variant.stockMovements").as_array().unwrap().len(), 1);
}
