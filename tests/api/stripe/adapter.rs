//! Each `PaymentProvider` call of the Stripe adapter: what it sends and how it reads Stripe's
//! answers.

use agora::{
    payments::provider::{PaymentProvider, ProviderError, ProviderRefundStatus, ProviderStatus, RefundRequest},
    shared::money::{Currency, Money},
};

use super::{provider, request};
use crate::helpers::stripe_mock::StripeMock;

fn refund_request(reference: &str, key: &str, minor: i64) -> RefundRequest {
    RefundRequest {
        payment_reference: reference.to_owned(),
        amount: Money::from_minor(minor, Currency::USD),
        idempotency_key: key.to_owned(),
        refund_id: format!("refund-{key}"),
    }
}

#[tokio::test]
async fn create_with_a_good_card_confirms_server_side_with_the_wire_stripe_expects() {
    // given
    let mock = StripeMock::start().await;
    let stripe = provider(&mock);
    let req = request("order_1_attempt_1", Some("pm_card_visa"));
    // when
    let pi = stripe.create(&req).await.unwrap();
    // then
    assert_eq!(pi.status, ProviderStatus::Succeeded);
    assert!(pi.reference.starts_with("pi_"));
    let seen = mock.requests();
    assert_eq!(seen.len(), 1);
    let r = &seen[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/v1/payment_intents"));
    assert_eq!(r.idempotency_key.as_deref(), Some("order_1_attempt_1"));
    for (name, value) in [
        ("amount", "1200"),
        ("currency", "usd"),
        ("confirm", "true"),
        ("payment_method", "pm_card_visa"),
        ("automatic_payment_methods[enabled]", "true"),
        ("automatic_payment_methods[allow_redirects]", "never"),
        ("metadata[agora_flow]", "server"),
    ] {
        assert_eq!(r.param(name), Some(value), "{name}");
    }
    assert_eq!(r.param("metadata[agora_order_id]"), Some(req.order_id.to_string().as_str()));
    assert_eq!(r.param("metadata[agora_payment_id]"), Some(req.payment_id.to_string().as_str()));
    assert_eq!(stripe.publishable_key().as_deref(), Some(crate::helpers::stripe_mock::PUBLISHABLE_KEY));
    assert_eq!(stripe.name(), "stripe");
    mock.assert_wire_clean();
}

#[tokio::test]
async fn create_without_a_payment_method_waits_for_the_storefront_to_confirm() {
    let mock = StripeMock::start().await;
    let stripe = provider(&mock);
    let pi = stripe.create(&request("k", None)).await.unwrap();
    let intent = mock.intent(&pi.reference).unwrap();
    assert_eq!(
        pi.status,
        ProviderStatus::RequiresPaymentMethod { client_secret: intent["client_secret"].as_str().unwrap().into() }
    );
    assert_eq!(mock.requests()[0].param("confirm"), None);
    assert_eq!(mock.requests()[0].param("metadata[agora_flow]"), Some("client"));
    // A decline in Stripe.js leaves the intent usable: not a failure of the attempt.
    mock.client_confirm(&pi.reference, "pm_card_chargeDeclined");
    assert!(matches!(
        stripe.retrieve(&pi.reference).await.unwrap().status,
        ProviderStatus::RequiresPaymentMethod { .. }
    ));
    mock.client_confirm(&pi.reference, "pm_card_visa");
    assert_eq!(stripe.retrieve(&pi.reference).await.unwrap().status, ProviderStatus::Succeeded);
    let gets: Vec<_> = mock.requests().into_iter().filter(|r| r.method == "GET").collect();
    assert_eq!(gets.len(), 2);
    assert!(
        gets.iter().all(|r| r.idempotency_key.is_none() && r.path == format!("/v1/payment_intents/{}", pi.reference))
    );
    mock.assert_wire_clean();
}

#[tokio::test]
async fn declines_are_failed_attempts_with_stripes_code_and_unknown_methods_are_invalid() {
    let mock = StripeMock::start().await;
    let stripe = provider(&mock);
    for (method, code) in [
        ("pm_card_chargeDeclined", "card_declined"),
        ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card"),
    ] {
        let pi = stripe.create(&request(method, Some(method))).await.unwrap();
        assert_eq!(pi.status, ProviderStatus::Failed { code: code.into() }, "{method}");
        assert_eq!(stripe.retrieve(&pi.reference).await.unwrap().status, ProviderStatus::Failed { code: code.into() });
    }
    assert!(matches!(
        stripe.create(&request("bogus", Some("pm_card_bogus"))).await,
        Err(ProviderError::InvalidPaymentMethod)
    ));
    assert_eq!(mock.intents_created(), 3, "an unknown payment method creates no intent");
    assert!(matches!(stripe.retrieve("pi_unknown").await, Err(ProviderError::UnknownPayment)));
    mock.assert_wire_clean();
}

#[tokio::test]
async fn three_d_secure_is_completed_by_confirm_which_posts_only_when_stripe_waits_for_it() {
    let mock = StripeMock::start().await;
    let stripe = provider(&mock);
    // Stripe.js confirms automatically after the buyer's step: confirm only reads.
    let a = stripe.create(&request("a", Some("pm_card_authenticationRequired"))).await.unwrap();
    let secret = mock.intent(&a.reference).unwrap()["client_secret"].as_str().unwrap().to_owned();
    assert_eq!(a.status, ProviderStatus::RequiresAction { client_secret: secret.clone() });
    assert_eq!(
        stripe.confirm(&a.reference, "a_confirm").await.unwrap().status,
        ProviderStatus::RequiresAction { client_secret: secret }
    );
    mock.buyer_completes_action(&a.reference);
    assert_eq!(stripe.confirm(&a.reference, "a_confirm").await.unwrap().status, ProviderStatus::Succeeded);
    assert!(mock.requests().iter().all(|r| !r.path.ends_with("/confirm")));
    // An intent left in requires_confirmation is confirmed with the caller's key.
    let b = stripe.create(&request("b", Some("pm_card_threeDSecure2Required"))).await.unwrap();
    mock.buyer_completes_action_pending_confirmation(&b.reference);
    assert_eq!(stripe.confirm(&b.reference, "b_confirm").await.unwrap().status, ProviderStatus::Succeeded);
    let posts: Vec<_> = mock.requests().into_iter().filter(|r| r.path.ends_with("/confirm")).collect();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].path, format!("/v1/payment_intents/{}/confirm", b.reference));
    assert_eq!(posts[0].idempotency_key.as_deref(), Some("b_confirm"));
    // A failed step ends a server-side attempt.
    let c = stripe.create(&request("c", Some("pm_card_authenticationRequired"))).await.unwrap();
    mock.buyer_fails_action(&c.reference);
    assert_eq!(
        stripe.confirm(&c.reference, "c_confirm").await.unwrap().status,
        ProviderStatus::Failed { code: "payment_intent_authentication_failure".into() }
    );
    mock.assert_wire_clean();
}

#[tokio::test]
async fn cancel_is_idempotent_and_answers_the_state_of_a_finished_intent() {
    let mock = StripeMock::start().await;
    let stripe = provider(&mock);
    let open = stripe.create(&request("open", None)).await.unwrap();
    assert_eq!(stripe.cancel(&open.reference, "cancel_1").await.unwrap().status, ProviderStatus::Canceled);
    assert_eq!(mock.intent(&open.reference).unwrap()["cancellation_reason"], "abandoned");
    let cancel = mock.requests().into_iter().find(|r| r.path.ends_with("/cancel")).unwrap();
    assert_eq!(cancel.idempotency_key.as_deref(), Some("cancel_1"));
    // Cancelling again (another key): Stripe refuses, the adapter answers the state.
    assert_eq!(stripe.cancel(&open.reference, "cancel_2").await.unwrap().status, ProviderStatus::Canceled);
    let paid = stripe.create(&request("paid", Some("pm_card_visa"))).await.unwrap();
    assert_eq!(stripe.cancel(&paid.reference, "cancel_3").await.unwrap().status, ProviderStatus::Succeeded);
    let busy = stripe.create(&request("busy", None)).await.unwrap();
    mock.set_intent_status(&busy.reference, "processing");
    assert!(matches!(stripe.cancel(&busy.reference, "cancel_4").await, Err(ProviderError::Rejected { .. })));
    assert!(matches!(stripe.cancel("pi_unknown", "cancel_5").await, Err(ProviderError::UnknownPayment)));
    mock.assert_wire_clean();
}

#[tokio::test]
async fn intent_statuses_map_to_provider_statuses() {
    let mock = StripeMock::start().await;
    let stripe = provider(&mock);
    let pi = stripe.create(&request("m", None)).await.unwrap();
    for (status, expected) in [
        ("processing", ProviderStatus::Processing),
        ("requires_capture", ProviderStatus::Processing),
        ("canceled", ProviderStatus::Canceled),
        ("succeeded", ProviderStatus::Succeeded),
    ] {
        mock.set_intent_status(&pi.reference, status);
        assert_eq!(stripe.retrieve(&pi.reference).await.unwrap().status, expected, "{status}");
    }
    mock.set_intent_status(&pi.reference, "requires_confirmation");
    assert!(matches!(stripe.retrieve(&pi.reference).await.unwrap().status, ProviderStatus::RequiresAction { .. }));
    mock.assert_wire_clean();
}

#[tokio::test]
async fn refunds_carry_the_key_and_metadata_and_never_exceed_the_charge() {
    let mock = StripeMock::start().await;
    let stripe = provider(&mock);
    let pi = stripe.create(&request("paid", Some("pm_card_visa"))).await.unwrap();
    let first = stripe.refund(&refund_request(&pi.reference, "r1", 500)).await.unwrap();
    assert_eq!(first.status, ProviderRefundStatus::Succeeded);
    assert_eq!(stripe.refund(&refund_request(&pi.reference, "r1", 500)).await.unwrap(), first, "replayed");
    assert_eq!(mock.refunds_created(), 1);
    let r = mock.requests().into_iter().find(|r| r.path == "/v1/refunds").unwrap();
    assert_eq!(r.idempotency_key.as_deref(), Some("r1"));
    assert_eq!(r.param("payment_intent"), Some(pi.reference.as_str()));
    assert_eq!(r.param("amount"), Some("500"));
    assert_eq!(r.param("metadata[agora_refund_id]"), Some("refund-r1"));
    // Beyond what is left: refused, and not retried.
    assert_eq!(
        stripe.refund(&refund_request(&pi.reference, "r2", 701)).await.unwrap_err().to_string(),
        "the payment provider refused the request (amount_too_large)"
    );
    assert_eq!(mock.requests().iter().filter(|r| r.idempotency_key.as_deref() == Some("r2")).count(), 1);
    // Pending, then failed at the bank.
    mock.next_refund_status("pending");
    let pending = stripe.refund(&refund_request(&pi.reference, "r3", 700)).await.unwrap();
    assert_eq!(pending.status, ProviderRefundStatus::Pending);
    mock.settle_refund(&pending.reference, "failed", Some("lost_or_stolen_card"));
    assert_eq!(
        stripe.retrieve_refund(&pending.reference).await.unwrap().status,
        ProviderRefundStatus::Failed { code: "lost_or_stolen_card".into() }
    );
    assert!(matches!(stripe.retrieve_refund("re_unknown").await, Err(ProviderError::UnknownPayment)));
    let open = stripe.create(&request("open", None)).await.unwrap();
    assert!(matches!(
        stripe.refund(&refund_request(&open.reference, "r4", 100)).await,
        Err(ProviderError::Rejected { .. })
    ));
    mock.assert_wire_clean();
}

#[tokio::test]
async fn amounts_follow_stripes_currency_table() {
    let mock = StripeMock::start().await;
    let stripe = provider(&mock);
    let mut req = request("jpy", Some("pm_card_visa"));
    req.amount = Money::from_minor(1500, Currency::parse("JPY").unwrap());
    stripe.create(&req).await.unwrap();
    let mut req = request("kwd", Some("pm_card_visa"));
    req.amount = Money::from_minor(5120, Currency::parse("KWD").unwrap());
    stripe.create(&req).await.unwrap();
    let mut req = request("isk", Some("pm_card_visa"));
    req.amount = Money::from_minor(5, Currency::parse("ISK").unwrap());
    stripe.create(&req).await.unwrap();
    let sent: Vec<_> = mock
        .requests()
        .iter()
        .map(|r| (r.param("currency").unwrap().to_owned(), r.param("amount").unwrap().to_owned()))
        .collect();
    assert_eq!(sent, [("jpy".into(), "1500".into()), ("kwd".into(), "5120".into()), ("isk".into(), "500".into())]);
    // 5.124 KWD cannot be sent: refused before any request.
    let mut req = request("kwd2", Some("pm_card_visa"));
    req.amount = Money::from_minor(5124, Currency::parse("KWD").unwrap());
    assert!(
        matches!(stripe.create(&req).await, Err(ProviderError::Rejected { code }) if code == "amount_not_representable")
    );
    assert_eq!(mock.requests().len(), 3);
    mock.assert_wire_clean();
}

#[tokio::test]
async fn a_stripe_event_from_the_mock_parses_as_async_stripe_reads_webhooks() {
    let mock = StripeMock::start().await;
    let stripe = provider(&mock);
    let pi = stripe.create(&request("e", Some("pm_card_visa"))).await.unwrap();
    let event = mock.intent_event("payment_intent.succeeded", &pi.reference);
    let parsed = stripe_webhook::Webhook::insecure(&event.to_string()).expect("a Stripe event");
    assert!(
        matches!(parsed.data.object, stripe_webhook::EventObject::PaymentIntentSucceeded(ref p) if p.id.as_str() == pi.reference)
    );
    let re = stripe.refund(&refund_request(&pi.reference, "r", 100)).await.unwrap();
    let event = mock.refund_event("refund.updated", &re.reference);
    stripe_webhook::Webhook::insecure(&event.to_string()).expect("a Stripe refund event");
}
