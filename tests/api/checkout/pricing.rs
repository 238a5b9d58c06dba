//! Discounts, shipping and tax as the buyer sees them, end to end.

use serde_json::{Value, json};

use super::{complete, ready_cart, shop};
use crate::{helpers::TestApp, ops};

/// Creates a discount as staff with `fields` over sensible defaults; returns its id.
pub async fn discount(app: &TestApp, staff: &str, fields: Value) -> String {
    let mut input = json!({ "target": "SUBTOTAL", "automatic": false, "combinesWithOthers": true, "active": true });
    for (k, v) in fields.as_object().unwrap() {
        input[k] = v.clone();
    }
    let r = app.gql_as(Some(staff), ops::DISCOUNT_CREATE, json!({ "input": input })).await;
    r.assert_no_errors();
    r.str("discountCreate.discount.id")
}

#[tokio::test]
async fn a_discount_code_shows_in_the_cart_and_is_kept_on_the_order() {
    let app = TestApp::spawn().await;
    let s = shop(&app, "20.00", &[10]).await;
    discount(&app, &s.staff, json!({ "code": "TENOFF", "percentage": "10" })).await;
    let cart = ready_cart(&app, None, &s, &[(&s.variants[0], 2)]).await;
    let unknown = app.gql(ops::CART_DISCOUNT_CODES_UPDATE, json!({ "cartId": cart, "discountCodes": ["NOPE"] })).await;
    assert_eq!(unknown.user_error_codes("cartDiscountCodesUpdate"), ["DISCOUNT_CODE_INVALID"]);
    assert_eq!(unknown.user_error_field("cartDiscountCodesUpdate", 0), ["discountCodes", "0"]);

    let r = app.gql(ops::CART_DISCOUNT_CODES_UPDATE, json!({ "cartId": cart, "discountCodes": ["tenoff"] })).await;
    r.assert_no_errors();
    let cost = r.get("cartDiscountCodesUpdate.cart.cost");
    assert_eq!(cost["discounts"]["amount"], "4.00");
    assert_eq!(cost["total"]["amount"], "41.00", "40.00 - 4.00 + 5.00 shipping");
    assert_eq!(r.get("cartDiscountCodesUpdate.cart.discountCodes"), &json!([{ "code": "TENOFF", "applicable": true }]));

    let order = complete(&app, None, &cart, "k").await;
    order.assert_no_errors();
    assert_eq!(
        order.get("checkoutComplete.order.appliedDiscounts"),
        &json!([{ "code": "TENOFF", "amount": { "amount": "4.00" } }])
    );
    assert_eq!(order.get("checkoutComplete.order.total.amount"), "41.00");
}

#[tokio::test]
async fn tax_at_the_destination_is_added_to_lines_and_shipping() {
    let app = TestApp::spawn().await;
    let s = shop(&app, "10.00", &[10]).await;
    let r = app
        .gql_as(
            Some(&s.staff),
            "mutation($input: TaxRateCreateInput!) { taxRateCreate(input: $input) { userErrors { field code message } } }",
            json!({ "input": { "country": "US", "taxClass": "standard", "name": "Sales tax 8%", "rate": "8" } }),
        )
        .await;
    r.assert_no_errors();
    let cart = ready_cart(&app, None, &s, &[(&s.variants[0], 3)]).await;
    let order = complete(&app, None, &cart, "k").await;
    order.assert_no_errors();
    let o = order.get("checkoutComplete.order");
    assert_eq!(o["subtotal"]["amount"], "30.00");
    assert_eq!(o["tax"]["amount"], "2.80", "8% of 30.00 plus 8% of 5.00 shipping");
    assert_eq!(o["total"]["amount"], "37.80");
    assert_eq!(o["lines"][0]["taxLines"][0]["name"], "Sales tax 8%");
    assert_eq!(o["vendorOrders"][0]["shippingTaxLines"][0]["amount"]["amount"], "0.40");
}
