//! Cart writes under concurrency: every increment counts, updates and removals racing
//! additions lose nothing, and checkout orders exactly the cart it completes. On PostgreSQL the
//! calls are spread over two app instances on one database.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::{
    helpers::{
        Gql, TestApp,
        fixtures::{address, complete, instances, ready_cart, shop, stock},
    },
    ops,
};

fn add(app: &TestApp, cart: &str, variant: &str, quantity: u32) -> impl Future<Output = Gql> {
    app.gql(ops::CART_LINES_ADD, json!({ "cartId": cart, "lines": [{ "variantId": variant, "quantity": quantity }] }))
}

/// `variant id -> quantity` of the cart's lines, and how many lines it has.
async fn lines(app: &TestApp, cart: &str) -> (Vec<(String, i64)>, Gql) {
    let r = app.gql(ops::CART, json!({ "id": cart })).await;
    r.assert_no_errors();
    let lines = r
        .get("cart.lines")
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["variant"]["id"].as_str().unwrap().to_owned(), l["quantity"].as_i64().unwrap()))
        .collect();
    (lines, r)
}

fn quantity_of(lines: &[(String, i64)], variant: &str) -> Option<i64> {
    let found: Vec<i64> = lines.iter().filter(|(v, _)| v == variant).map(|(_, q)| *q).collect();
    assert!(found.len() <= 1, "one line per variant: {lines:?}");
    found.first().copied()
}

#[tokio::test]
async fn cart_lines_add_fifty_concurrent_increments_all_count() {
    // given: an empty cart and a variant with plenty of stock
    let (app, second) = instances().await;
    let apps: Vec<&TestApp> = std::iter::once(&app).chain(second.as_ref()).collect();
    let s = shop(&app, "3.00", &[1_000]).await;
    let cart = app.gql(ops::CART_CREATE, json!({})).await.str("cartCreate.cart.id");

    // when: 50 concurrent `cartLinesAdd` of one unit
    let results = join_all((0..50).map(|i| add(apps[i % apps.len()], &cart, &s.variants[0], 1))).await;

    // then: every call succeeded and the line holds 50
    for r in &results {
        r.assert_no_errors();
    }
    let (lines, _) = lines(&app, &cart).await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(quantity_of(&lines, &s.variants[0]), Some(50));
}

#[tokio::test]
async fn cart_lines_add_concurrently_past_the_stock_stops_at_the_stock() {
    // given: an empty cart and a variant with 10 units
    let (app, second) = instances().await;
    let apps: Vec<&TestApp> = std::iter::once(&app).chain(second.as_ref()).collect();
    let s = shop(&app, "3.00", &[10]).await;
    let cart = app.gql(ops::CART_CREATE, json!({})).await.str("cartCreate.cart.id");

    // when: 30 concurrent additions of one unit
    let results = join_all((0..30).map(|i| add(apps[i % apps.len()], &cart, &s.variants[0], 1))).await;

    // then: 10 succeeded, 20 answered INSUFFICIENT_STOCK, and the line holds 10
    let mut ok = 0;
    for r in &results {
        match r.user_error_codes("cartLinesAdd").as_slice() {
            [] => ok += 1,
            [code] => assert_eq!(code, "INSUFFICIENT_STOCK", "{}", r.body),
            _ => panic!("{}", r.body),
        }
    }
    assert_eq!(ok, 10);
    assert_eq!(quantity_of(&lines(&app, &cart).await.0, &s.variants[0]), Some(10));
}

#[tokio::test]
async fn cart_line_updates_and_removals_racing_additions_lose_nothing() {
    // given: a cart with lines for variants a, b and c; d is not in the cart yet
    let (app, second) = instances().await;
    let apps: Vec<&TestApp> = std::iter::once(&app).chain(second.as_ref()).collect();
    let s = shop(&app, "3.00", &[1_000, 1_000, 1_000, 1_000]).await;
    let [a, b, c, d] = [0, 1, 2, 3].map(|i| s.variants[i].clone());
    let initial: Vec<Value> = [&a, &b, &c].iter().map(|v| json!({ "variantId": v, "quantity": 1 })).collect();
    let created = app.gql(ops::CART_CREATE, json!({ "input": { "lines": initial } })).await;
    created.assert_no_errors();
    let cart = created.str("cartCreate.cart.id");
    let line_of = |variant: &str| {
        created
            .get("cartCreate.cart.lines")
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["variant"]["id"] == variant)
            .map(|l| l["id"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let (line_b, line_c) = (line_of(&b), line_of(&c));

    // when: 20 additions to a, 10 updates of b to 5, the removal of c and 10 additions of d,
    // all at once
    let mut calls = Vec::new();
    for i in 0..20 {
        calls.push(Box::pin(add(apps[i % apps.len()], &cart, &a, 1)) as std::pin::Pin<Box<dyn Future<Output = Gql>>>);
    }
    for i in 0..10 {
        let app = apps[i % apps.len()];
        calls.push(Box::pin(
            app.gql(ops::CART_LINES_UPDATE, json!({ "cartId": cart, "lines": [{ "id": line_b, "quantity": 5 }] })),
        ));
        calls.push(Box::pin(add(app, &cart, &d, 1)));
    }
    calls.push(Box::pin(app.gql(ops::CART_LINES_REMOVE, json!({ "cartId": cart, "lineIds": [line_c] }))));
    let results = join_all(calls).await;

    // then: every call succeeded and every change is in the cart
    for r in &results {
        r.assert_no_errors();
    }
    let (lines, _) = lines(&app, &cart).await;
    assert_eq!(quantity_of(&lines, &a), Some(21), "{lines:?}");
    assert_eq!(quantity_of(&lines, &b), Some(5), "{lines:?}");
    assert_eq!(quantity_of(&lines, &c), None, "{lines:?}");
    assert_eq!(quantity_of(&lines, &d), Some(10), "{lines:?}");
}

#[tokio::test]
async fn cart_updates_of_different_fields_at_once_all_stick() {
    // given: a cart
    let (app, second) = instances().await;
    let other = second.as_ref().unwrap_or(&app);
    let cart = app.gql(ops::CART_CREATE, json!({})).await.str("cartCreate.cart.id");

    // when: the buyer's e-mail and the shipping address are set at the same time, many times
    let mut calls = Vec::new();
    for _ in 0..10 {
        calls.push(Box::pin(app.gql(
            ops::CART_BUYER_IDENTITY_UPDATE,
            json!({ "cartId": cart, "buyerIdentity": { "email": "ann@example.com" } }),
        )) as std::pin::Pin<Box<dyn Future<Output = Gql>>>);
        calls.push(Box::pin(
            other.gql(ops::CART_SHIPPING_ADDRESS_UPDATE, json!({ "cartId": cart, "address": address() })),
        ));
    }
    let results = join_all(calls).await;

    // then: both are set
    for r in &results {
        r.assert_no_errors();
    }
    let r = app.gql(ops::CART, json!({ "id": cart })).await;
    assert_eq!(r.get("cart.email"), "ann@example.com");
    assert_eq!(r.get("cart.shippingAddress.city"), "Springfield");
}

#[tokio::test]
async fn checkout_complete_racing_cart_edits_orders_exactly_the_cart_it_completes() {
    // given: a shop with plenty of stock
    let (app, second) = instances().await;
    let other = second.as_ref().unwrap_or(&app);
    let s = shop(&app, "4.00", &[10_000]).await;
    let variant = &s.variants[0];
    let mut reserved = 0;
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();

    for round in 0..10 {
        // when: a ready cart of one unit is checked out while eight more units are added to it
        let cart = ready_cart(&app, None, &s, &[(variant, 1)]).await;
        let key = format!("k{round}");
        let adds = join_all((0..8).map(|i| add(if i % 2 == 0 { other } else { &app }, &cart, variant, 1)));
        let (checkout, adds) = tokio::join!(complete(&app, None, &cart, &key), adds);

        // then: the order holds exactly the cart's final lines, and its stock is reserved; or
        // the checkout was refused with CART_CHANGED and nothing was ordered
        for r in &adds {
            let codes = r.user_error_codes("cartLinesAdd");
            assert!(codes.is_empty() || codes == ["CART_COMPLETED"], "{}", r.body);
        }
        let (lines, after) = lines(&app, &cart).await;
        let codes = checkout.user_error_codes("checkoutComplete");
        match codes.as_slice() {
            [] => {
                assert_eq!(after.get("cart.status"), "COMPLETED");
                let ordered = checkout.get("checkoutComplete.order.lines.0.quantity").as_i64().unwrap();
                assert_eq!(Some(ordered), quantity_of(&lines, variant), "round {round}: the order is the cart");
                reserved += ordered;
                *outcomes.entry("ordered".into()).or_default() += 1;
            }
            [code] if code == "CART_CHANGED" => {
                assert_eq!(after.get("cart.status"), "ACTIVE");
                *outcomes.entry(code.clone()).or_default() += 1;
            }
            _ => panic!("round {round}: {}", checkout.body),
        }
        let (on_hand, available) = stock(&app, &s.staff, variant).await;
        assert_eq!(on_hand - available, reserved, "round {round}: reserved units are the ordered ones");
    }
    eprintln!("checkout racing edits: {outcomes:?}");
}

#[tokio::test]
async fn products_in_stock_filter_counts_reserved_units_as_gone() {
    // given: two products; every unit of the first is reserved by an order awaiting payment
    let app = TestApp::spawn().await;
    let s = shop(&app, "4.00", &[2, 5]).await;
    let cart = ready_cart(&app, None, &s, &[(&s.variants[0], 2)]).await;
    complete(&app, None, &cart, "k").await.assert_no_errors();
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (2, 0));

    // when: the storefront lists products in stock
    let r = app.gql(ops::PRODUCTS, json!({ "filter": { "inStock": true } })).await;

    // then: only the second product is listed, matching its own inStock flag
    r.assert_no_errors();
    let titles: Vec<&str> =
        r.get("products.edges").as_array().unwrap().iter().map(|e| e["node"]["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Product 1"]);
    let all = app.gql(ops::PRODUCTS, json!({})).await;
    let first = all.get("products.edges").as_array().unwrap().iter().find(|e| e["node"]["title"] == "Product 0");
    assert_eq!(first.unwrap()["node"]["inStock"], false);
}
