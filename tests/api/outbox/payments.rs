//! Payment work done through the outbox after commit: an expired (or cancelled) order's live
//! attempt is cancelled at the provider, money taken after expiry is refunded (refund, not
//! restore), and the reconciler settles attempts a crash left PENDING.

use agora::{
    graphql::ids,
    payments::{
        model::Payment,
        provider::{PaymentProvider, ProviderStatus},
    },
    shared::ids::OrderId,
};
use chrono::TimeDelta;
use sea_orm::ConnectionTrait;
use serde_json::json;

use super::{advance, now, quiet_app};
use crate::{
    helpers::{
        Gql, TestApp,
        fixtures::{pay, placed_order, stock},
    },
    ops,
};

async fn order(app: &TestApp, order: &str) -> Gql {
    let r = app.gql(ops::ORDER, json!({ "id": order, "email": "ann@example.com" })).await;
    r.assert_no_errors();
    r
}

/// The order's attempts as stored (with the provider's reference, which the API does not show).
async fn attempts(app: &TestApp, order: &str) -> Vec<Payment> {
    let id = ids::decode::<OrderId>(order).unwrap();
    app.state.order_payments.by_order_ids(&[id]).await.unwrap().remove(&id).unwrap_or_default()
}

/// Past the guest reservation (900 s); the sweeper's work, run by hand.
async fn expire(app: &TestApp) {
    let later = advance(app, TimeDelta::seconds(901));
    assert_eq!(app.state.orders.expire_due(later).await.unwrap(), 1);
}

#[tokio::test]
async fn order_expiry_releases_stock_and_cancels_the_3ds_attempt_at_the_provider_after_commit() {
    // given: an unpaid order whose payment waits for 3-D Secure
    let app = quiet_app().await;
    let (s, id) = placed_order(&app).await;
    let r = pay(&app, &id, "pm_card_authenticationRequired").await;
    r.assert_no_errors();
    assert_eq!(r.get("orderPaymentCreate.payment.status"), "REQUIRES_ACTION");
    let attempt = attempts(&app, &id).await.remove(0);
    let reference = attempt.provider_ref.clone().unwrap();
    // the events of setting up and placing the order, which no payment job acts on
    app.jobs.relay.run_once(now(&app)).await.unwrap();

    // when: the reservation runs out
    expire(&app).await;

    // then: stock is back at once, whatever the provider says; the provider is not called
    // inside the expiry's transaction
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (10, 10));
    assert!(matches!(app.payments.retrieve(&reference).await.unwrap().status, ProviderStatus::RequiresAction { .. }));

    // when: the relay runs (order.expired, with the vendor order's and the stock's events)
    assert_eq!(app.jobs.relay.run_once(now(&app)).await.unwrap(), 3);

    // then: cancelled at the provider with the attempt's cancel key, and in the API
    assert_eq!(app.payments.retrieve(&reference).await.unwrap().status, ProviderStatus::Canceled);
    assert!(app.payments.keys_used().contains(&format!("{}_cancel", attempt.idempotency_key)));
    let after = order(&app, &id).await;
    assert_eq!(after.get("order.status"), "EXPIRED");
    assert_eq!(after.get("order.payments.0.status"), "CANCELED");
    assert_eq!(app.jobs.relay.run_once(advance(&app, TimeDelta::hours(2))).await.unwrap(), 0);
}

#[tokio::test]
async fn order_payment_confirm_after_expiry_does_not_resurrect_the_order_and_the_money_is_refunded() {
    // given: a 3-D Secure attempt on an order that then expired
    let app = quiet_app().await;
    let (s, id) = placed_order(&app).await;
    let r = pay(&app, &id, "pm_card_authenticationRequired").await;
    let payment = r.str("orderPaymentCreate.payment.id");
    let reference = attempts(&app, &id).await.remove(0).provider_ref.unwrap();
    expire(&app).await;

    // when: the buyer completes 3-D Secure before the relay cancelled the attempt
    let c = app
        .gql(ops::ORDER_PAYMENT_CONFIRM, json!({ "input": { "paymentId": payment, "email": "ann@example.com" } }))
        .await;

    // then: refused, the order stays expired and its stock released
    assert_eq!(c.user_error_codes("orderPaymentConfirm"), ["ORDER_NOT_PAYABLE"]);
    assert_eq!(order(&app, &id).await.get("order.status"), "EXPIRED");
    assert_eq!(app.payments.refunded(&reference), 0, "refunded after commit, by the relay");

    // when: the relay runs (order.expired finds the payment succeeded; payment.refund_due)
    app.jobs.relay.run_once(now(&app)).await.unwrap();

    // then: the money went back once, the order was not resurrected
    assert_eq!(app.payments.refunded(&reference), 1200);
    let after = order(&app, &id).await;
    assert_eq!(after.get("order.status"), "EXPIRED");
    assert_eq!(after.get("order.payments.0.status"), "REFUNDED");
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (10, 10));
    assert_eq!(app.jobs.relay.run_once(advance(&app, TimeDelta::hours(2))).await.unwrap(), 0);
    assert_eq!(app.payments.refunded(&reference), 1200);
}

#[tokio::test]
async fn order_cancel_with_a_3ds_attempt_cancels_it_at_the_provider_and_retries_while_unavailable() {
    // given: an order waiting for 3-D Secure, cancelled by its buyer
    let app = quiet_app().await;
    let (_, id) = placed_order(&app).await;
    pay(&app, &id, "pm_card_authenticationRequired").await.assert_no_errors();
    let reference = attempts(&app, &id).await.remove(0).provider_ref.unwrap();
    app.jobs.relay.run_once(now(&app)).await.unwrap(); // the events of placing the order
    app.gql(ops::ORDER_CANCEL, json!({ "orderId": id, "email": "ann@example.com" })).await.assert_no_errors();

    // when: the provider is down for the relay's first try
    app.payments.fail_next(1, false);
    // (the vendor order's and the stock's events go out; order.cancelled fails)
    assert_eq!(app.jobs.relay.run_once(now(&app)).await.unwrap(), 2);

    // then: nothing changed yet; the job is retried after its backoff, with the same key
    assert!(matches!(app.payments.retrieve(&reference).await.unwrap().status, ProviderStatus::RequiresAction { .. }));
    assert_eq!(app.jobs.relay.run_once(advance(&app, TimeDelta::seconds(3))).await.unwrap(), 1);
    assert_eq!(app.payments.retrieve(&reference).await.unwrap().status, ProviderStatus::Canceled);
    let after = order(&app, &id).await;
    assert_eq!(after.get("order.status"), "CANCELLED");
    assert_eq!(after.get("order.payments.0.status"), "CANCELED");
}

#[tokio::test]
async fn reconciler_settles_an_attempt_left_pending_by_a_crash_with_one_charge_and_the_same_key() {
    // given: the provider charged the card but the answer was lost
    let app = quiet_app().await;
    let (_, id) = placed_order(&app).await;
    app.payments.fail_next(1, true);
    let _ = pay(&app, &id, "pm_card_visa").await;
    // A crash between the attempt's commit and the provider call leaves it PENDING without a
    // reference or lease (today a provider error marks it FAILED; put it back as a crash would
    // have left it).
    app.state
        .db
        .execute_unprepared(
            "UPDATE payments SET status = 'PENDING', provider_ref = NULL, failure_code = NULL, lease_until = NULL",
        )
        .await
        .unwrap();
    let key = attempts(&app, &id).await.remove(0).idempotency_key;

    // when / then: not before the call lease has passed (a call may still be under way)
    assert_eq!(app.jobs.reconciler.run_once(now(&app)).await.unwrap(), 0);
    assert_eq!(order(&app, &id).await.get("order.payments.0.status"), "PENDING");

    // when: the reconciler runs after the call lease (60 s)
    let later = advance(&app, TimeDelta::seconds(61));
    assert_eq!(app.jobs.reconciler.run_once(later).await.unwrap(), 1);

    // then: settled from the provider's state, charged once, with the attempt's one key
    let after = order(&app, &id).await;
    assert_eq!(after.get("order.status"), "PAID");
    assert_eq!(after.get("order.payments.0.status"), "SUCCEEDED");
    assert_eq!(app.payments.payments_created(), 1);
    assert_eq!(app.payments.keys_used(), [key.clone(), key]);
    assert_eq!(app.jobs.reconciler.run_once(advance(&app, TimeDelta::seconds(61))).await.unwrap(), 0);
}

#[tokio::test]
async fn reconciler_cancels_an_unsent_attempt_of_an_order_no_longer_payable_without_charging() {
    // given: an attempt a crash left PENDING without a reference, and the order expired
    let app = quiet_app().await;
    let (_, id) = placed_order(&app).await;
    app.payments.fail_next(1, false);
    let _ = pay(&app, &id, "pm_card_visa").await;
    app.state
        .db
        .execute_unprepared(
            "UPDATE payments SET status = 'PENDING', provider_ref = NULL, failure_code = NULL, lease_until = NULL",
        )
        .await
        .unwrap();
    expire(&app).await;

    // when
    assert_eq!(app.jobs.reconciler.run_once(now(&app)).await.unwrap(), 1);

    // then: nothing sent to the provider again
    assert_eq!(order(&app, &id).await.get("order.payments.0.status"), "CANCELED");
    assert_eq!(app.payments.payments_created(), 0);
    assert_eq!(app.payments.keys_used().len(), 0);
}
