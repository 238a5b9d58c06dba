//! Refunds tracked to completion: an unreachable provider (the outbox consumer retries with
//! the same key), a provider that refuses, reports from the provider (webhooks), the refund of a
//! cancelled paid order, and the automatic refund of money taken for an order no longer payable.

use agora::{
    graphql::ids,
    payments::provider::{PaymentProvider, ProviderRefundStatus, RefundRequest},
    shared::{
        ids::{OrderId, PaymentId, RefundId},
        money::{Currency, Money},
    },
};
use serde_json::json;

use super::{deliver_refund_requested, notes, order_payments, paid_order, reference, refund, refund_keys};
use crate::{
    helpers::{TestApp, fixtures::stock},
    ops,
};

#[tokio::test]
async fn a_refund_the_provider_cannot_take_stays_pending_and_the_consumer_completes_it_with_the_same_key() {
    for lost_answer in [false, true] {
        // given: a paid order of 35.00; the provider's next call fails (before or after doing it)
        let app = TestApp::spawn().await;
        let p = paid_order(&app, 3).await;
        let staff = &p.shop.staff;
        app.payments.fail_next(1, lost_answer);

        // when
        let r = refund(&app, staff, json!({ "orderId": p.order, "amount": "10.00", "idempotencyKey": "down" })).await;

        // then: pending, its amount held against new refunds
        r.assert_no_errors();
        assert_eq!(r.get("orderRefund.refund.status"), "PENDING");
        assert_eq!(r.get("orderRefund.order.paymentState"), "PAID");
        let too_much =
            refund(&app, staff, json!({ "orderId": p.order, "amount": "25.01", "idempotencyKey": "more" })).await;
        assert_eq!(too_much.user_error_codes("orderRefund"), ["AMOUNT_TOO_LARGE"]);

        // when: the relay delivers `refund.requested`
        let id = r.str("orderRefund.refund.id");
        deliver_refund_requested(&app, &id).await.expect("the consumer completes the refund");

        // then: done once, with the stored key (the provider sees a call that failed before
        // doing anything as no call at all)
        let order = order_payments(&app, staff, &p.order).await;
        assert_eq!(order.get("order.refunds.0.status"), "SUCCEEDED", "lost answer: {lost_answer}");
        assert_eq!(order.get("order.refunds.0.attempts"), 2);
        assert_eq!(order.get("order.paymentState"), "PARTIALLY_REFUNDED");
        assert_eq!(app.payments.refunded(&reference(&app, &p.order).await), 1000);
        let order_uuid = ids::decode::<OrderId>(&p.order).unwrap();
        let calls = if lost_answer { 2 } else { 1 };
        assert_eq!(refund_keys(&app), vec![format!("refund_{order_uuid}_down"); calls]);

        // and: a second delivery changes nothing
        deliver_refund_requested(&app, &id).await.expect("a final refund is a no-op");
        assert_eq!(refund_keys(&app).len(), calls);
    }
}

#[tokio::test]
async fn a_refund_the_provider_refuses_fails_visibly_and_gives_its_amount_back() {
    // given: a paid order of 35.00, of which 10.00 was refunded at the provider directly (its
    // dashboard), so the provider refuses a full refund
    let app = TestApp::spawn().await;
    let p = paid_order(&app, 3).await;
    let staff = &p.shop.staff;
    let outside = RefundRequest {
        payment_reference: reference(&app, &p.order).await,
        amount: Money::from_minor(1000, Currency::USD),
        idempotency_key: "dashboard".into(),
        refund_id: "dashboard".into(),
    };
    app.payments.refund(&outside).await.expect("refund at the provider");

    // when
    let r = refund(&app, staff, json!({ "orderId": p.order, "idempotencyKey": "full" })).await;

    // then: FAILED with the provider's code, on the order and in its history; nothing refunded
    r.assert_no_errors();
    assert_eq!(r.get("orderRefund.refund.status"), "FAILED");
    assert_eq!(r.get("orderRefund.refund.failureCode"), "charge_already_refunded");
    assert_eq!(r.get("orderRefund.order.paymentState"), "PAID");
    let order = order_payments(&app, staff, &p.order).await;
    assert_eq!(order.get("order.refunds.0.status"), "FAILED");
    assert!(notes(&order).contains(&"refund of 35.00 USD failed: charge_already_refunded".to_owned()));

    // and: its claim was released, so staff can refund what is left
    let rest = refund(&app, staff, json!({ "orderId": p.order, "amount": "25.00", "idempotencyKey": "rest" })).await;
    rest.assert_no_errors();
    assert_eq!(rest.get("orderRefund.refund.status"), "SUCCEEDED");
    assert_eq!(rest.get("orderRefund.order.refundedAmount.amount"), "25.00");
}

#[tokio::test]
async fn provider_reports_move_a_pending_refund_once_and_a_failure_releases_its_amount() {
    // given: a pending refund of 35.00 (the provider was unreachable)
    let app = TestApp::spawn().await;
    let p = paid_order(&app, 3).await;
    let staff = &p.shop.staff;
    app.payments.fail_next(1, false);
    let r = refund(&app, staff, json!({ "orderId": p.order, "idempotencyKey": "full" })).await;
    let id = ids::decode::<RefundId>(&r.str("orderRefund.refund.id")).unwrap().to_string();
    let report = async |status: ProviderRefundStatus| {
        let payments = &app.state.payments;
        payments.refund_reported_in(&app.state.db, "re_reported", Some(&id), status, None).await.expect("recorded")
    };

    // when: the provider reports it failed, then (late, out of order) succeeded
    let failed = report(ProviderRefundStatus::Failed { code: "expired_or_canceled_card".into() }).await;
    let late = report(ProviderRefundStatus::Succeeded).await;

    // then: FAILED stays; the amount can be refunded again
    assert_eq!(failed.map(|r| r.failure_code), Some(Some("expired_or_canceled_card".into())));
    assert_eq!(late.map(|r| r.status.as_str()), Some("FAILED"));
    deliver_refund_requested(&app, &r.str("orderRefund.refund.id")).await.expect("a failed refund is final");
    assert_eq!(app.payments.refunded(&reference(&app, &p.order).await), 0);
    let again = refund(&app, staff, json!({ "orderId": p.order, "idempotencyKey": "again" })).await;
    assert_eq!(again.get("orderRefund.refund.status"), "SUCCEEDED");
    assert_eq!(again.get("orderRefund.order.paymentState"), "REFUNDED");
}

/// A refund whose provider call failed, and whose outbox job is not run (it gave up during a
/// long outage), is completed by the reconciler under the same key.
#[tokio::test]
async fn the_reconciler_completes_a_refund_left_pending() {
    let app = TestApp::spawn().await;
    let p = paid_order(&app, 3).await;
    let staff = &p.shop.staff;
    app.payments.fail_next(1, false);
    let r = refund(&app, staff, json!({ "orderId": p.order, "amount": "10.00", "idempotencyKey": "down" })).await;
    assert_eq!(r.get("orderRefund.refund.status"), "PENDING");

    let now = chrono::Utc::now();
    assert_eq!(app.jobs.reconciler.run_once(now).await.unwrap(), 0, "not stale yet");
    let later = now + chrono::TimeDelta::seconds(app.state.settings.payments.call_lease_secs as i64 + 1);
    assert_eq!(app.jobs.reconciler.run_once(later).await.unwrap(), 1);

    let view = order_payments(&app, staff, &p.order).await;
    assert_eq!(view.get("order.refunds.0.status"), "SUCCEEDED");
    assert_eq!(view.get("order.paymentState"), "PARTIALLY_REFUNDED");
    assert_eq!(app.payments.refunded(&reference(&app, &p.order).await), 1000);
    let keys = refund_keys(&app);
    assert!(!keys.is_empty() && keys.iter().all(|k| k.ends_with("_down")), "the stored key: {keys:?}");
}

/// Stripe may report a refund `failed` after it `succeeded` (the buyer's card was closed and the
/// money came back): the refund ends FAILED, the payment is refundable again, staff see a note.
#[tokio::test]
async fn a_succeeded_refund_reported_failed_later_is_refundable_again() {
    // given: a paid order of 35.00 refunded in full
    let app = TestApp::spawn().await;
    let p = paid_order(&app, 3).await;
    let staff = &p.shop.staff;
    let r = refund(&app, staff, json!({ "orderId": p.order, "idempotencyKey": "all" })).await;
    assert_eq!(r.get("orderRefund.order.paymentState"), "REFUNDED");
    let id = ids::decode::<RefundId>(&r.str("orderRefund.refund.id")).unwrap().to_string();

    // when: it fails at the provider, which reports it (twice: a replayed report), then a
    // stale "succeeded" arrives
    let re = r.str("orderRefund.refund.providerReference");
    assert!(app.payments.fail_refund_later(&re, "expired_or_canceled_card"));
    let payments = &app.state.payments;
    for _ in 0..2 {
        let failed = ProviderRefundStatus::Failed { code: "expired_or_canceled_card".into() };
        payments.refund_reported_in(&app.state.db, &re, Some(&id), failed, None).await.expect("recorded");
    }
    let stale = ProviderRefundStatus::Succeeded;
    payments.refund_reported_in(&app.state.db, &re, Some(&id), stale, None).await.expect("recorded");

    // then: FAILED for good, the order paid again, one note, and the money refundable again
    let view = order_payments(&app, staff, &p.order).await;
    assert_eq!(view.get("order.refunds.0.status"), "FAILED");
    assert_eq!(view.get("order.refunds.0.failureCode"), "expired_or_canceled_card");
    assert_eq!(view.get("order.paymentState"), "PAID");
    assert_eq!(view.get("order.payments.0.status"), "SUCCEEDED");
    let late_notes = notes(&view).into_iter().filter(|n| n.contains("failed after succeeding")).count();
    assert_eq!(late_notes, 1);
    let again = refund(&app, staff, json!({ "orderId": p.order, "idempotencyKey": "again" })).await;
    again.assert_no_errors();
    assert_eq!(again.get("orderRefund.order.paymentState"), "REFUNDED");
}

#[tokio::test]
async fn cancelling_a_paid_order_refunds_it_through_the_refund_path() {
    for provider_down in [false, true] {
        // given
        let app = TestApp::spawn().await;
        let p = paid_order(&app, 3).await;
        let staff = &p.shop.staff;
        if provider_down {
            app.payments.fail_next(1, false);
        }

        // when
        let r = app.gql(ops::ORDER_CANCEL, json!({ "orderId": p.order, "email": "ann@example.com" })).await;

        // then: cancelled, stock back, and a refund of everything on the order
        r.assert_no_errors();
        assert_eq!(r.get("orderCancel.order.status"), "CANCELLED");
        assert_eq!(stock(&app, staff, &p.shop.variants[0]).await, (10, 10));
        let order = order_payments(&app, staff, &p.order).await;
        assert_eq!(order.get("order.refunds.0.amount.amount"), "35.00");
        assert_eq!(order.get("order.refunds.0.reason"), "order cancelled");
        if provider_down {
            assert_eq!(order.get("order.refunds.0.status"), "PENDING");
            assert_eq!(order.get("order.paymentState"), "PAID");
            deliver_refund_requested(&app, &order.str("order.refunds.0.id")).await.expect("completed");
        }
        let payment = ids::decode::<PaymentId>(&p.payment).unwrap();
        assert_eq!(refund_keys(&app), [format!("refund_cancel_{payment}")]);
        let order = order_payments(&app, staff, &p.order).await;
        assert_eq!(order.get("order.refunds.0.status"), "SUCCEEDED");
        assert_eq!(order.get("order.payments.0.status"), "REFUNDED");
        assert_eq!(order.get("order.paymentState"), "REFUNDED");
        assert_eq!(app.payments.refunded(&reference(&app, &p.order).await), 3500);
    }
}

#[tokio::test]
async fn refund_due_refunds_the_rest_of_a_payment_once_however_often_it_runs() {
    // given: a paid order of 15.00 with 5.00 refunded by staff
    let app = TestApp::spawn().await;
    let p = paid_order(&app, 1).await;
    let staff = &p.shop.staff;
    refund(&app, staff, json!({ "orderId": p.order, "amount": "5.00", "idempotencyKey": "part" }))
        .await
        .assert_no_errors();
    let payment = ids::decode::<PaymentId>(&p.payment).unwrap();

    // when: the job runs twice (a redelivery)
    let first = app.state.payments.refund_due(payment, "order_not_payable").await.expect("refund_due");
    let second = app.state.payments.refund_due(payment, "order_not_payable").await.expect("refund_due");

    // then: one refund of the rest, under the payment's key
    let first = first.expect("a refund");
    assert_eq!(first.amount.to_minor(), Ok(1000));
    assert_eq!(second.map(|r| r.id), Some(first.id));
    assert_eq!(refund_keys(&app).last(), Some(&format!("refund_due_{payment}")));
    let order = order_payments(&app, staff, &p.order).await;
    assert_eq!(order.get("order.refunds").as_array().unwrap().len(), 2);
    assert_eq!(order.get("order.paymentState"), "REFUNDED");
    assert_eq!(app.payments.refunded(&reference(&app, &p.order).await), 1500);
}
