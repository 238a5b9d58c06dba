//! The storefront shows a product only when it is ACTIVE, APPROVED and its vendor ACTIVE: in
//! lists and search, `product`, `node`, cart adds and checkout. A suspended vendor's products
//! leave the storefront; carts show their lines as unavailable and checkout refuses them.

use agora::vendors::model::MemberRole;
use serde_json::json;

use super::*;
use crate::helpers::fixtures::{complete, ready_cart, shop};

#[tokio::test]
async fn a_suspended_vendors_products_leave_the_storefront_carts_and_checkout() {
    // given: a shop of two vendors, and a cart holding both vendors' variants
    let app = TestApp::spawn().await;
    let s = shop(&app, "7.00", &[10, 10]).await;
    let cart = ready_cart(&app, None, &s, &[(&s.variants[0], 1), (&s.variants[1], 1)]).await;
    let variant = app.gql(ops::VARIANT, json!({ "id": s.variants[0] })).await;
    let product = variant.str("variant.product.id");
    let slug = app.gql(ops::PRODUCT, json!({ "id": product })).await.str("product.slug");

    // when: vendor 0 is suspended
    set_vendor_status(&app, &s.staff, &s.vendors[0], "SUSPENDED").await;

    // then: off the storefront everywhere
    let listed = products(&app, None, json!({})).await;
    assert_eq!(titles(&listed), ["Product 1"]);
    assert_eq!(total_count(&listed), 1);
    let by_vendor = products(&app, None, json!({ "filter": { "vendorId": s.vendors[0] } })).await;
    assert_eq!(total_count(&by_vendor), 0);
    assert!(app.gql(ops::PRODUCT, json!({ "slug": slug })).await.get("product").is_null());
    assert!(app.gql(ops::PRODUCT, json!({ "id": product })).await.get("product").is_null());
    assert!(app.gql(ops::NODE, json!({ "id": product })).await.get("node").is_null());
    assert!(app.gql(ops::VARIANT, json!({ "id": s.variants[0] })).await.get("variant").is_null());
    // staff still see it
    let staff_view = app.gql_as(Some(&s.staff), ops::PRODUCT, json!({ "id": product })).await;
    assert_eq!(staff_view.str("product.id"), product);

    // the cart shows the line as unavailable
    let c = app.gql(ops::CART, json!({ "id": cart })).await;
    c.assert_no_errors();
    let line = c.str("cart.lines.0.id");
    assert_eq!(
        c.get("cart.problems"),
        &json!([{ "code": "VARIANT_UNAVAILABLE", "lineId": line, "available": null, "previousPrice": null, "currentPrice": null }])
    );

    // adding it again is refused
    let add = app
        .gql(ops::CART_LINES_ADD, json!({ "cartId": cart, "lines": [{ "variantId": s.variants[0], "quantity": 1 }] }))
        .await;
    assert_eq!(add.user_error_codes("cartLinesAdd"), ["VARIANT_UNAVAILABLE"]);

    // checkout refuses it, and no order is placed
    let done = complete(&app, None, &cart, "k1").await;
    assert_eq!(done.user_error_codes("checkoutComplete"), ["VARIANT_UNAVAILABLE"]);
    assert_eq!(crate::helpers::fixtures::order_count(&app, &s.staff).await, 0);

    // when: reinstated, it is back
    set_vendor_status(&app, &s.staff, &s.vendors[0], "ACTIVE").await;
    assert_eq!(total_count(&products(&app, None, json!({})).await), 2);
    let done = complete(&app, None, &cart, "k2").await;
    assert_eq!(done.user_error_codes("checkoutComplete"), Vec::<String>::new(), "{}", done.body);
}

#[tokio::test]
async fn products_not_approved_are_off_the_storefront_and_cannot_be_bought() {
    // given: a member's ACTIVE product, not yet approved, and a shipping method
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (acme, editor) = vendor_with_member(&app, &staff, "Acme", MemberRole::Editor).await;
    let p = member_product(&app, &editor, &acme, "Acme Mug", json!([variant("AC-1", "9.00", 3)])).await;
    let v = id_of(&p["variants"][0]);

    // when
    let cart = app.gql(ops::CART_CREATE, json!({ "input": { "lines": [{ "variantId": v, "quantity": 1 }] } })).await;
    let listed = products(&app, None, json!({ "filter": { "vendorId": acme } })).await;
    let staff_listed = products(&app, Some(&staff), json!({ "filter": { "vendorId": acme } })).await;
    let member_sees = app.gql_as(Some(&editor), ops::NODE, json!({ "id": id_of(&p) })).await;

    // then
    assert_eq!(cart.user_error_codes("cartCreate"), ["VARIANT_UNAVAILABLE"]);
    assert_eq!(total_count(&listed), 0);
    assert_eq!(total_count(&staff_listed), 1, "staff see all");
    assert_eq!(member_sees.str("node.id"), id_of(&p), "the vendor's members see their own product");
}
