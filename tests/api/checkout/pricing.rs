//! Discounts, shipping and tax as the buyer sees them, end to end.

use serde_json::json;

use crate::{
    helpers::{
        TestApp,
        fixtures::{address, complete, discount, ready_cart, shop},
    },
    ops,
};

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

#[tokio::test]
async fn an_automatic_promotion_applies_without_a_code() {
    let app = TestApp::spawn().await;
    let s = shop(&app, "50.00", &[10]).await;
    discount(&app, &s.staff, json!({ "automatic": true, "amount": "5.00", "minSubtotal": "60.00" })).await;
    let below = ready_cart(&app, None, &s, &[(&s.variants[0], 1)]).await;
    let r = app.gql(ops::CART, json!({ "id": below })).await;
    assert_eq!(r.get("cart.cost.discounts.amount"), "0.00", "minimum not reached");
    let above = ready_cart(&app, None, &s, &[(&s.variants[0], 2)]).await;
    let r = app.gql(ops::CART, json!({ "id": above })).await;
    assert_eq!(r.get("cart.cost.appliedDiscounts"), &json!([{ "code": null, "amount": { "amount": "5.00" } }]));
    let order = complete(&app, None, &above, "k").await;
    order.assert_no_errors();
    assert_eq!(order.get("checkoutComplete.order.total.amount"), "100.00", "100.00 - 5.00 + 5.00 shipping");
}

#[tokio::test]
async fn shipping_is_free_over_the_threshold_and_weight_tiers_price_heavier_groups() {
    let app = TestApp::spawn().await;
    let s = shop(&app, "30.00", &[10]).await;
    let zone = app
        .gql_as(
            Some(&s.staff),
            "mutation($input: ShippingZoneCreateInput!) { shippingZoneCreate(input: $input) { shippingZone { id } userErrors { code } } }",
            json!({ "input": { "name": "Germany", "areas": [{ "country": "DE" }] } }),
        )
        .await
        .str("shippingZoneCreate.shippingZone.id");
    let method = app
        .gql_as(
            Some(&s.staff),
            "mutation($input: ShippingMethodCreateInput!) { shippingMethodCreate(input: $input) { shippingMethod { id } userErrors { field code message } } }",
            json!({ "input": { "zoneId": zone, "name": "DHL", "freeOver": "80.00",
                "weightTiers": [{ "upToGrams": 1000, "price": "4.00" }, { "upToGrams": null, "price": "9.00" }] } }),
        )
        .await;
    method.assert_no_errors();
    let method = method.str("shippingMethodCreate.shippingMethod.id");
    let mut addr = address();
    addr["countryCode"] = json!("DE");
    addr["region"] = serde_json::Value::Null;
    let cost_for = |qty: u32| {
        let (app, s, addr, method) = (&app, &s, addr.clone(), method.clone());
        async move {
            let cart = app.gql(ops::CART_CREATE, json!({ "input": { "lines": [{ "variantId": s.variants[0], "quantity": qty }], "email": "a@example.com" } })).await.str("cartCreate.cart.id");
            app.gql(ops::CART_SHIPPING_ADDRESS_UPDATE, json!({ "cartId": cart, "address": addr }))
                .await
                .assert_no_errors();
            let r = app.gql(ops::CART_SHIPPING_METHODS_UPDATE, json!({ "cartId": cart, "shippingMethods": [{ "vendorId": s.vendors[0], "shippingMethodId": method }] })).await;
            r.assert_no_errors();
            r.get("cartShippingMethodsUpdate.cart.cost.shipping.amount").as_str().unwrap().to_owned()
        }
    };
    assert_eq!(cost_for(1).await, "4.00", "500 g: first tier");
    assert_eq!(cost_for(2).await, "4.00", "1,000 g: still the first tier (inclusive)");
    assert_eq!(cost_for(3).await, "0.00", "90.00 reaches the free-over threshold");
}

#[tokio::test]
async fn with_tax_inclusive_prices_the_tax_is_contained_not_added() {
    let app = TestApp::spawn_with(|s| s.shop.prices_include_tax = true).await;
    let s = shop(&app, "12.00", &[10]).await;
    app.gql_as(
        Some(&s.staff),
        "mutation($input: TaxRateCreateInput!) { taxRateCreate(input: $input) { userErrors { field code message } } }",
        json!({ "input": { "country": "US", "taxClass": "standard", "name": "VAT 20%", "rate": "20" } }),
    )
    .await
    .assert_no_errors();
    let cart = ready_cart(&app, None, &s, &[(&s.variants[0], 1)]).await;
    let r = app.gql(ops::CART, json!({ "id": cart })).await;
    let cost = r.get("cart.cost");
    assert_eq!(cost["pricesIncludeTax"], true);
    assert_eq!(cost["total"]["amount"], "17.00", "12.00 + 5.00 shipping, tax inside");
    assert_eq!(cost["tax"]["amount"], "2.83", "2.00 in 12.00 plus 0.83 in 5.00");
}
