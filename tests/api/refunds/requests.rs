//! `orderRefund`: amounts (in full, by amount, by lines), restock, refusals, idempotency, access.

use agora::shared::role::Role;
use serde_json::json;

use super::{notes, order_payments, paid_order, reference, refund, refund_keys};
use crate::helpers::{
    TestApp, field,
    fixtures::{complete, ready_cart, stock, unknown_id},
    user_errors,
};
use crate::ops;

#[tokio::test]
async fn order_refund_without_amount_or_lines_gives_everything_back_and_the_order_is_refunded() {
    // given: a paid order of 35.00
    let app = TestApp::spawn().await;
    let p = paid_order(&app, 3).await;
    let staff = &p.shop.staff;

    // when
    let r =
        refund(&app, staff, json!({ "orderId": p.order, "reason": "customer asked", "idempotencyKey": "full" })).await;

    // then
    r.assert_no_errors();
    assert_eq!(r.get("orderRefund.refund.status"), "SUCCEEDED");
    assert_eq!(r.get("orderRefund.refund.amount.amount"), "35.00");
    assert_eq!(r.get("orderRefund.refund.reason"), "customer asked");
    assert_eq!(r.get("orderRefund.order.paymentState"), "REFUNDED");
    assert_eq!(r.get("orderRefund.order.refundedAmount.amount"), "35.00");
    let order = order_payments(&app, staff, &p.order).await;
    assert_eq!(order.get("order.payments.0.status"), "REFUNDED");
    assert_eq!(order.get("order.refunds.0.attempts"), 1);
    let notes = notes(&order);
    assert!(notes.contains(&"refund of 35.00 USD requested: customer asked".to_owned()), "{notes:?}");
    assert!(notes.contains(&"refund of 35.00 USD succeeded".to_owned()), "{notes:?}");
    assert_eq!(app.payments.refunded(&reference(&app, &p.order).await), 3500);
}

#[tokio::test]
async fn order_refund_by_amount_is_partial_until_the_rest_is_refunded() {
    // given
    let app = TestApp::spawn().await;
    let p = paid_order(&app, 3).await;
    let staff = &p.shop.staff;

    // when: 10.00, then the rest
    let first = refund(&app, staff, json!({ "orderId": p.order, "amount": "10.00", "idempotencyKey": "a" })).await;
    let mid = order_payments(&app, staff, &p.order).await;
    let rest = refund(&app, staff, json!({ "orderId": p.order, "idempotencyKey": "b" })).await;

    // then
    first.assert_no_errors();
    assert_eq!(first.get("orderRefund.order.paymentState"), "PARTIALLY_REFUNDED");
    assert_eq!(first.get("orderRefund.order.refundedAmount.amount"), "10.00");
    assert_eq!(mid.get("order.payments.0.status"), "SUCCEEDED");
    rest.assert_no_errors();
    assert_eq!(rest.get("orderRefund.refund.amount.amount"), "25.00");
    assert_eq!(rest.get("orderRefund.order.paymentState"), "REFUNDED");
    let after = order_payments(&app, staff, &p.order).await;
    assert_eq!(after.get("order.payments.0.status"), "REFUNDED");
    assert_eq!(after.get("order.refunds").as_array().unwrap().len(), 2);
    assert_eq!(app.payments.refunded(&reference(&app, &p.order).await), 3500);
}

#[tokio::test]
async fn order_refund_by_lines_refunds_their_value_and_restocks_shipped_units_once() {
    // given: 3 units at 10.00 (+ 5.00 shipping), 2 of them shipped
    let app = TestApp::spawn().await;
    let p = paid_order(&app, 3).await;
    let (staff, variant) = (&p.shop.staff, &p.shop.variants[0]);
    let shipped = json!({ "orderId": p.order, "lines": [{ "lineId": p.line, "quantity": 2 }] });
    app.gql_as(Some(staff), ops::ORDER_FULFIL, shipped).await.assert_no_errors();
    assert_eq!(stock(&app, staff, variant).await, (8, 7));

    // when: one returned unit, then two more (only one of them was shipped), with restock
    let one = json!({ "orderId": p.order, "lines": [{ "orderLineId": p.line, "quantity": 1 }], "restock": true,
        "idempotencyKey": "one" });
    let one = refund(&app, staff, one).await;
    let after_one = stock(&app, staff, variant).await;
    let two = json!({ "orderId": p.order, "lines": [{ "orderLineId": p.line, "quantity": 2 }], "restock": true,
        "idempotencyKey": "two" });
    let two = refund(&app, staff, two).await;

    // then: each refund is worth its units; the shelf gets the shipped units back, once
    one.assert_no_errors();
    assert_eq!(one.get("orderRefund.refund.amount.amount"), "10.00");
    assert_eq!(one.get("orderRefund.refund.lines.0.restocked"), 1);
    assert_eq!(one.get("orderRefund.order.paymentState"), "PARTIALLY_REFUNDED");
    assert_eq!(after_one, (9, 8));
    two.assert_no_errors();
    assert_eq!(two.get("orderRefund.refund.amount.amount"), "20.00");
    assert_eq!(two.get("orderRefund.refund.lines.0.quantity"), 2);
    assert_eq!(two.get("orderRefund.refund.lines.0.restocked"), 1, "the third unit was never shipped");
    assert_eq!(two.get("orderRefund.order.refundedAmount.amount"), "30.00");
    assert_eq!(two.get("orderRefund.order.paymentState"), "PARTIALLY_REFUNDED", "shipping is part of no line");
    assert_eq!(stock(&app, staff, variant).await, (10, 9));

    // and: no unit is left to refund, but the shipping is
    let more =
        json!({ "orderId": p.order, "lines": [{ "orderLineId": p.line, "quantity": 1 }], "idempotencyKey": "x" });
    assert_eq!(refund(&app, staff, more).await.user_error_codes("orderRefund"), ["QUANTITY_TOO_LARGE"]);
    let shipping = refund(&app, staff, json!({ "orderId": p.order, "idempotencyKey": "shipping" })).await;
    assert_eq!(shipping.get("orderRefund.refund.amount.amount"), "5.00");
    assert_eq!(shipping.get("orderRefund.order.paymentState"), "REFUNDED");
}

#[tokio::test]
async fn order_refund_refusals_have_codes_and_write_nothing() {
    // given: a paid order of 35.00 (3 units), and an unpaid one
    let app = TestApp::spawn().await;
    let p = paid_order(&app, 3).await;
    let staff = &p.shop.staff;
    let cart = ready_cart(&app, None, &p.shop, &[(&p.shop.variants[0], 1)]).await;
    let unpaid = complete(&app, None, &cart, "unpaid").await.str("checkoutComplete.order.id");
    let line = |id: &str, q: i64| json!({ "orderLineId": id, "quantity": q });
    let cases = [
        (json!({ "orderId": unknown_id("Order") }), field(&["orderId"]), "ORDER_NOT_FOUND"),
        (json!({ "orderId": p.shop.vendors[0] }), field(&["orderId"]), "INVALID_ID"),
        (json!({ "orderId": unpaid }), field(&["orderId"]), "NOT_REFUNDABLE"),
        (json!({ "orderId": p.order, "amount": "35.01" }), field(&["amount"]), "AMOUNT_TOO_LARGE"),
        (json!({ "orderId": p.order, "amount": "0" }), field(&["amount"]), "INVALID_AMOUNT"),
        (json!({ "orderId": p.order, "amount": "-1.00" }), field(&["amount"]), "INVALID_AMOUNT"),
        (json!({ "orderId": p.order, "amount": "1.001" }), field(&["amount"]), "INVALID_AMOUNT"),
        (
            json!({ "orderId": p.order, "lines": [line(&p.line, 4)] }),
            field(&["lines", "0", "quantity"]),
            "QUANTITY_TOO_LARGE",
        ),
        (
            json!({ "orderId": p.order, "lines": [line(&p.line, 0)] }),
            field(&["lines", "0", "quantity"]),
            "INVALID_LINE",
        ),
        (
            json!({ "orderId": p.order, "lines": [line(&unknown_id("OrderLine"), 1)] }),
            field(&["lines", "0", "orderLineId"]),
            "INVALID_LINE",
        ),
        (
            json!({ "orderId": p.order, "lines": [line(&p.line, 1), line(&p.line, 1)] }),
            field(&["lines", "1", "orderLineId"]),
            "INVALID_LINE",
        ),
        (
            json!({ "orderId": p.order, "lines": [line(&p.order, 1)] }),
            field(&["lines", "0", "orderLineId"]),
            "INVALID_ID",
        ),
        (json!({ "orderId": p.order, "idempotencyKey": "" }), field(&["idempotencyKey"]), "INVALID_IDEMPOTENCY_KEY"),
    ];

    for (i, (input, at, code)) in cases.into_iter().enumerate() {
        // when
        let mut input = input;
        if input.get("idempotencyKey").is_none() {
            input["idempotencyKey"] = json!(format!("refused-{i}"));
        }
        let r = refund(&app, staff, input.clone()).await;

        // then
        assert_eq!(user_errors(&r, "orderRefund"), [(at, code.to_owned())], "{input}");
    }
    let order = order_payments(&app, staff, &p.order).await;
    assert_eq!(order.get("order.refunds"), &json!([]));
    assert_eq!(order.get("order.paymentState"), "PAID");
    assert_eq!(order.get("order.refundedAmount.amount"), "0.00");
    assert_eq!(stock(&app, staff, &p.shop.variants[0]).await, (10, 6));
    assert_eq!(app.payments.refunded(&reference(&app, &p.order).await), 0);
    assert_eq!(refund_keys(&app), Vec::<String>::new());
}

#[tokio::test]
async fn order_refund_replayed_with_its_key_returns_the_same_refund_and_another_request_is_refused() {
    // given: a refund of 5.00 under key `k`
    let app = TestApp::spawn().await;
    let p = paid_order(&app, 1).await;
    let staff = &p.shop.staff;
    let input = json!({ "orderId": p.order, "amount": "5.00", "reason": "scratched", "idempotencyKey": "k" });
    let first = refund(&app, staff, input.clone()).await;
    first.assert_no_errors();

    // when
    let again = refund(&app, staff, input.clone()).await;
    let other_amount = refund(
        &app,
        staff,
        json!({ "orderId": p.order, "amount": "6.00", "reason": "scratched",
        "idempotencyKey": "k" }),
    )
    .await;
    let no_amount =
        refund(&app, staff, json!({ "orderId": p.order, "reason": "scratched", "idempotencyKey": "k" })).await;

    // then
    again.assert_no_errors();
    assert_eq!(again.get("orderRefund.refund.id"), first.get("orderRefund.refund.id"));
    assert_eq!(again.get("orderRefund.refund.status"), "SUCCEEDED");
    assert_eq!(other_amount.user_error_codes("orderRefund"), ["IDEMPOTENCY_KEY_REUSED"]);
    assert_eq!(no_amount.user_error_codes("orderRefund"), ["IDEMPOTENCY_KEY_REUSED"]);
    let order = order_payments(&app, staff, &p.order).await;
    assert_eq!(order.get("order.refunds").as_array().unwrap().len(), 1);
    assert_eq!(app.payments.refunded(&reference(&app, &p.order).await), 500);
    let order_uuid = agora::graphql::ids::decode::<agora::shared::ids::OrderId>(&p.order).unwrap();
    assert_eq!(refund_keys(&app), [format!("refund_{order_uuid}_k")]);
}

#[tokio::test]
async fn order_refund_is_for_staff_only() {
    // given
    let app = TestApp::spawn().await;
    let p = paid_order(&app, 1).await;
    let customer = app.user("cus@example.com", Role::Customer).await;
    let input = json!({ "orderId": p.order, "idempotencyKey": "mine" });

    // when
    let as_customer = refund(&app, &customer, input.clone()).await;
    let anonymous = app.gql(ops::ORDER_REFUND, json!({ "input": input })).await;

    // then
    assert_eq!(as_customer.error_codes(), ["FORBIDDEN"]);
    assert_eq!(anonymous.error_codes(), ["UNAUTHENTICATED"]);
    assert_eq!(app.payments.refunded(&reference(&app, &p.order).await), 0);
}
