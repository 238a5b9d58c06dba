//! Vendor members edit their own vendor's catalog through the catalog mutations: OWNER and
//! EDITOR may, FULFILLMENT may not, nobody touches another vendor's products, and an inactive
//! vendor's members cannot edit. Categories stay staff only.

use agora::{shared::role::Role, vendors::model::MemberRole};
use serde_json::{Value, json};

use super::*;

/// A product as staff see it (title, status, variant SKUs and stock), to prove nothing changed.
async fn staff_view(app: &TestApp, staff: &str, id: &str) -> Value {
    let r = app
        .gql_as(
            Some(staff),
            "query($id: ID) { product(id: $id) { title status approvalStatus variants { sku price { amount } stockOnHand archived } } }",
            json!({ "id": id }),
        )
        .await;
    r.assert_no_errors();
    r.get("product").clone()
}

#[tokio::test]
async fn owners_and_editors_create_and_edit_their_vendors_products_variants_and_stock() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (acme, editor) = vendor_with_member(&app, &staff, "Acme", MemberRole::Editor).await;
    let owner = crate::helpers::fixtures::vendor_member(&app, &acme, "owner@acme.example", MemberRole::Owner).await;

    for (token, sku) in [(&editor, "ED-1"), (&owner, "OW-1")] {
        // when: create, update, add/update/archive a variant, adjust stock
        let p = member_product(&app, token, &acme, &format!("Mug {sku}"), json!([variant(sku, "9.00", 3)])).await;
        let id = id_of(&p);
        let u = app
            .gql_as(Some(token), ops::VENDOR_PRODUCT_UPDATE, json!({ "id": id, "input": { "title": "Big Mug" } }))
            .await;
        let vc = app
            .gql_as(
                Some(token),
                ops::PRODUCT_VARIANT_CREATE,
                json!({ "productId": id, "input": variant(&format!("{sku}-L"), "11.00", 1) }),
            )
            .await;
        let new_variant = vc.str("productVariantCreate.variant.id");
        let vu = app
            .gql_as(
                Some(token),
                ops::PRODUCT_VARIANT_UPDATE,
                json!({ "id": new_variant, "input": { "price": "12.00" } }),
            )
            .await;
        let va = app.gql_as(Some(token), ops::PRODUCT_VARIANT_ARCHIVE, json!({ "id": new_variant })).await;
        let s = app
            .gql_as(
                Some(token),
                ops::STOCK_ADJUST,
                json!({ "input": { "variantId": id_of(&p["variants"][0]), "delta": 4, "reason": "RECEIVED" } }),
            )
            .await;

        // then
        assert_eq!(p["approvalStatus"], "NOT_SUBMITTED", "a member's product waits to be submitted");
        assert_eq!(p["vendor"]["id"], acme.as_str());
        for (r, m) in [
            (&u, "productUpdate"),
            (&vc, "productVariantCreate"),
            (&vu, "productVariantUpdate"),
            (&va, "productVariantArchive"),
            (&s, "stockAdjust"),
        ] {
            assert_eq!(r.user_error_codes(m), Vec::<String>::new(), "{m}: {}", r.body);
        }
        let seen = staff_view(&app, &staff, &id).await;
        assert_eq!(seen["title"], "Big Mug");
        assert_eq!(seen["variants"][0]["stockOnHand"], 7);
        assert_eq!(seen["variants"][1]["price"]["amount"], "12.00");
        assert_eq!(seen["variants"][1]["archived"], true);
        let a = app.gql_as(Some(token), ops::PRODUCT_ARCHIVE, json!({ "id": id })).await;
        assert_eq!(a.str("productArchive.product.status"), "ARCHIVED");
    }
}

#[tokio::test]
async fn a_member_can_never_touch_another_vendors_products() {
    // given: an owner of Beta, and Acme's product with a variant
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let (_beta, beta_owner) = vendor_with_member(&app, &staff, "Beta", MemberRole::Owner).await;
    let p = active_product(&app, &staff, &acme, "Acme Mug", json!([variant("AC-1", "9.00", 3)])).await;
    let (id, variant_id) = (id_of(&p), id_of(&p["variants"][0]));
    let before = staff_view(&app, &staff, &id).await;

    let attempts = [
        (ops::PRODUCT_CREATE, json!({ "input": { "vendorId": acme, "title": "Sneaky" } })),
        (ops::PRODUCT_UPDATE, json!({ "id": id, "input": { "title": "Hacked" } })),
        (ops::PRODUCT_ARCHIVE, json!({ "id": id })),
        (ops::PRODUCT_VARIANT_CREATE, json!({ "productId": id, "input": variant("HACK-1", "1.00", 1) })),
        (ops::PRODUCT_VARIANT_UPDATE, json!({ "id": variant_id, "input": { "price": "0.01" } })),
        (ops::PRODUCT_VARIANT_ARCHIVE, json!({ "id": variant_id })),
        (ops::STOCK_ADJUST, json!({ "input": { "variantId": variant_id, "delta": -3, "reason": "LOST" } })),
        (ops::PRODUCT_SUBMIT_FOR_REVIEW, json!({ "id": id })),
    ];
    for (op, vars) in attempts {
        // when
        let r = app.gql_as(Some(&beta_owner), op, vars).await;

        // then
        assert_eq!(r.error_codes(), ["FORBIDDEN"], "{op}: {}", r.body);
    }
    assert_eq!(staff_view(&app, &staff, &id).await, before, "nothing written");
    let r = products(&app, Some(&staff), json!({ "filter": { "query": "Sneaky" } })).await;
    assert_eq!(total_count(&r), 0);
}

#[tokio::test]
async fn fulfilment_members_customers_and_anonymous_callers_cannot_edit_the_catalog() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (acme, fulfil) = vendor_with_member(&app, &staff, "Acme", MemberRole::Fulfillment).await;
    let customer = app.user("ann@example.com", Role::Customer).await;
    let p = active_product(&app, &staff, &acme, "Acme Mug", json!([variant("AC-1", "9.00", 3)])).await;
    let id = id_of(&p);

    for (token, expected) in [(Some(&fulfil), "FORBIDDEN"), (Some(&customer), "FORBIDDEN"), (None, "UNAUTHENTICATED")] {
        // when
        let create = app
            .gql_as(
                token.map(String::as_str),
                ops::PRODUCT_CREATE,
                json!({ "input": { "vendorId": acme, "title": "X" } }),
            )
            .await;
        let update = app
            .gql_as(token.map(String::as_str), ops::PRODUCT_UPDATE, json!({ "id": id, "input": { "title": "X" } }))
            .await;
        let stock = app
            .gql_as(
                token.map(String::as_str),
                ops::STOCK_ADJUST,
                json!({ "input": { "variantId": id_of(&p["variants"][0]), "delta": 1, "reason": "RECEIVED" } }),
            )
            .await;

        // then
        for r in [create, update, stock] {
            assert_eq!(r.error_codes(), [expected], "{}", r.body);
        }
    }
    assert_eq!(staff_view(&app, &staff, &id).await["title"], "Acme Mug");
}

#[tokio::test]
async fn members_of_a_vendor_that_is_not_active_cannot_edit_its_catalog_but_staff_can() {
    for status in ["PENDING", "REJECTED", "SUSPENDED"] {
        // given
        let app = TestApp::spawn().await;
        let staff = app.staff().await;
        let (acme, editor) = vendor_with_member(&app, &staff, "Acme", MemberRole::Editor).await;
        let p = member_product(&app, &editor, &acme, "Acme Mug", json!([variant("AC-1", "9.00", 3)])).await;
        let id = id_of(&p);
        set_vendor_status(&app, &staff, &acme, status).await;

        // when
        let create = app
            .gql_as(Some(&editor), ops::PRODUCT_CREATE, json!({ "input": { "vendorId": acme, "title": "Another" } }))
            .await;
        let update =
            app.gql_as(Some(&editor), ops::PRODUCT_UPDATE, json!({ "id": id, "input": { "title": "X" } })).await;
        let stock = app
            .gql_as(
                Some(&editor),
                ops::STOCK_ADJUST,
                json!({ "input": { "variantId": id_of(&p["variants"][0]), "delta": 1, "reason": "RECEIVED" } }),
            )
            .await;
        let submit = app.gql_as(Some(&editor), ops::PRODUCT_SUBMIT_FOR_REVIEW, json!({ "id": id })).await;
        let by_staff =
            app.gql_as(Some(&staff), ops::PRODUCT_UPDATE, json!({ "id": id, "input": { "title": "Fixed" } })).await;

        // then
        assert_eq!(
            user_errors(&create, "productCreate"),
            [(field(&["vendorId"]), "VENDOR_NOT_ACTIVE".into())],
            "{status}"
        );
        assert_eq!(update.user_error_codes("productUpdate"), ["VENDOR_NOT_ACTIVE"], "{status}");
        assert_eq!(stock.user_error_codes("stockAdjust"), ["VENDOR_NOT_ACTIVE"], "{status}");
        assert_eq!(submit.user_error_codes("productSubmitForReview"), ["VENDOR_NOT_ACTIVE"], "{status}");
        assert_eq!(by_staff.user_error_codes("productUpdate"), Vec::<String>::new(), "staff still edit");
        let seen = staff_view(&app, &staff, &id).await;
        assert_eq!((seen["title"].as_str(), seen["variants"][0]["stockOnHand"].as_i64()), (Some("Fixed"), Some(3)));
        let r = products(&app, Some(&staff), json!({ "filter": { "query": "Another" } })).await;
        assert_eq!(total_count(&r), 0, "nothing created");
    }
}

#[tokio::test]
async fn unknown_vendor_and_bad_input_from_a_member_are_user_errors_with_nothing_written() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (acme, editor) = vendor_with_member(&app, &staff, "Acme", MemberRole::Editor).await;

    // when
    let unknown = app
        .gql_as(
            Some(&editor),
            ops::PRODUCT_CREATE,
            json!({ "input": { "vendorId": unknown_id("Vendor"), "title": "X" } }),
        )
        .await;
    let bad = app
        .gql_as(
            Some(&editor),
            ops::PRODUCT_CREATE,
            json!({ "input": { "vendorId": acme, "title": "Mug", "variants": [variant("OK-1", "1.00", 1), variant("OK-2", "-1", 1)] } }),
        )
        .await;
    let unknown_product = app
        .gql_as(Some(&editor), ops::PRODUCT_UPDATE, json!({ "id": unknown_id("Product"), "input": { "title": "X" } }))
        .await;

    // then
    assert_eq!(user_errors(&unknown, "productCreate"), [(field(&["vendorId"]), "NOT_FOUND".into())]);
    assert_eq!(user_errors(&bad, "productCreate"), [(field(&["variants", "1", "price"]), "NEGATIVE_PRICE".into())]);
    assert_eq!(user_errors(&unknown_product, "productUpdate"), [(field(&["id"]), "NOT_FOUND".into())]);
    let r = app.gql_as(Some(&editor), ops::VENDOR_PRODUCTS, json!({ "vendorId": acme })).await;
    r.assert_no_errors();
    assert_eq!(r.get("vendorProducts.totalCount"), 0);
}

#[tokio::test]
async fn categories_stay_staff_only() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (_acme, owner) = vendor_with_member(&app, &staff, "Acme", MemberRole::Owner).await;

    // when
    let r = app.gql_as(Some(&owner), ops::CATEGORY_CREATE, json!({ "input": { "name": "Mugs" } })).await;

    // then
    assert_eq!(r.error_codes(), ["FORBIDDEN"]);
}

#[tokio::test]
async fn vendor_products_lists_every_state_of_a_vendors_own_products_to_its_members_and_staff() {
    // given: Acme has a draft and an unsubmitted active product, Beta an approved one
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (acme, editor) = vendor_with_member(&app, &staff, "Acme", MemberRole::Editor).await;
    let fulfil =
        crate::helpers::fixtures::vendor_member(&app, &acme, "ship@acme.example", MemberRole::Fulfillment).await;
    let (beta, beta_owner) = vendor_with_member(&app, &staff, "Beta", MemberRole::Owner).await;
    let customer = app.user("ann@example.com", Role::Customer).await;
    member_product(&app, &editor, &acme, "Active Mug", json!([variant("AC-1", "9.00", 3)])).await;
    draft_product(&app, &staff, &acme, "Draft Mug", json!([])).await;
    active_product(&app, &staff, &beta, "Beta Mug", json!([])).await;

    for token in [&editor, &fulfil, &staff] {
        // when
        let r = app
            .gql_as(Some(token), ops::VENDOR_PRODUCTS, json!({ "vendorId": acme, "filter": { "vendorId": beta } }))
            .await;

        // then: Acme's products only, in every state
        r.assert_no_errors();
        let mut seen: Vec<(String, String)> = r
            .get("vendorProducts.edges")
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (e["node"]["title"].as_str().unwrap().into(), e["node"]["approvalStatus"].as_str().unwrap().into())
            })
            .collect();
        seen.sort();
        assert_eq!(seen, [("Active Mug".into(), "NOT_SUBMITTED".into()), ("Draft Mug".into(), "APPROVED".into())]);
        assert_eq!(r.get("vendorProducts.totalCount"), 2);
    }
    let drafts = app
        .gql_as(Some(&editor), ops::VENDOR_PRODUCTS, json!({ "vendorId": acme, "filter": { "status": ["DRAFT"] } }))
        .await;
    assert_eq!(drafts.get("vendorProducts.totalCount"), 1);
    for token in [Some(&beta_owner), Some(&customer)] {
        let r = app.gql_as(token.map(String::as_str), ops::VENDOR_PRODUCTS, json!({ "vendorId": acme })).await;
        assert_eq!(r.error_codes(), ["FORBIDDEN"], "{}", r.body);
    }
    let anonymous = app.gql(ops::VENDOR_PRODUCTS, json!({ "vendorId": acme })).await;
    assert_eq!(anonymous.error_codes(), ["UNAUTHENTICATED"]);
    let unknown = app.gql_as(Some(&staff), ops::VENDOR_PRODUCTS, json!({ "vendorId": unknown_id("Vendor") })).await;
    assert_eq!(unknown.error_codes(), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn approval_state_is_in_no_input_type() {
    // given
    let app = TestApp::spawn().await;

    // when
    let r = app.gql("{ __schema { types { name kind inputFields { name } } } }", json!({})).await;

    // then
    r.assert_no_errors();
    for t in r.get("__schema.types").as_array().unwrap() {
        if t["kind"] != "INPUT_OBJECT" {
            continue;
        }
        for f in t["inputFields"].as_array().unwrap() {
            let name = f["name"].as_str().unwrap().to_lowercase();
            assert!(!name.contains("approval"), "{}.{} is privileged", t["name"], f["name"]);
        }
    }
}

#[tokio::test]
async fn stock_history_is_for_staff_and_the_vendors_members() {
    // given: a member's product with stock
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (acme, editor) = vendor_with_member(&app, &staff, "Acme", MemberRole::Editor).await;
    let (_beta, beta_owner) = vendor_with_member(&app, &staff, "Beta", MemberRole::Owner).await;
    let customer = app.user("ann@example.com", Role::Customer).await;
    let p = member_product(&app, &editor, &acme, "Acme Mug", json!([variant("AC-1", "9.00", 3)])).await;
    let v = id_of(&p["variants"][0]);
    let query = "query($id: ID!) { product(id: $id) { variants { stockMovements { delta reason } } } }";

    // when / then
    for token in [&editor, &staff] {
        let r = app.gql_as(Some(token), query, json!({ "id": id_of(&p) })).await;
        r.assert_no_errors();
        assert_eq!(r.get("product.variants.0.stockMovements"), &json!([{ "delta": 3, "reason": "RECEIVED" }]));
    }
    // approved and on the storefront, so others reach the variant, but not its stock history
    set_vendor_trusted(&app, &staff, &acme).await;
    app.gql_as(Some(&editor), ops::PRODUCT_SUBMIT_FOR_REVIEW, json!({ "id": id_of(&p) })).await.assert_no_errors();
    for token in [&beta_owner, &customer] {
        let r = app.gql_as(Some(token), ops::STOCK_MOVEMENTS, json!({ "id": v })).await;
        assert_eq!(r.error_codes(), ["FORBIDDEN"], "{}", r.body);
    }
    assert_eq!(app.gql(ops::STOCK_MOVEMENTS, json!({ "id": v })).await.error_codes(), ["UNAUTHENTICATED"]);
}
