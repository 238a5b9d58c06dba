//! B3: generated forgeries (tampered body, tampered signature, missing `v1`, timestamp outside
//! the 300 s tolerance either way, wrong secret, a moved timestamp, garbage headers) are all
//! rejected with nothing written; a header carrying old- and new-secret signatures passes.
//! 10,000 run at the verifier (fast, deterministic: a seeded generator), a few hundred
//! through HTTP against a real pending payment they would otherwise settle.

use agora::payments::webhook::{self, SignatureError};
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde_json::json;

use super::{
    OLD_SECRET, SECRET, deliver, deliver_signed, event, intent, now, order_view, payment_rows, pending_payments,
    recorded_events,
};
use crate::helpers::{TestApp, fixtures::shop};

const KINDS: usize = 8;

/// One forgery of the genuine delivery (`body` signed with `secret` at `now`): the body and
/// the `Stripe-Signature` header (none when `None`), and which kind it is.
fn forge(rng: &mut StdRng, body: &[u8], secret: &str, now: i64, kind: usize) -> (Vec<u8>, Option<String>) {
    let genuine = webhook::sign(body, &[secret], now);
    match kind {
        // the body changed after signing: one byte flipped, cut short, or something appended
        0 => {
            let mut b = body.to_vec();
            match rng.random_range(0..3) {
                0 => {
                    let i = rng.random_range(0..b.len());
                    b[i] ^= rng.random_range(1..=255u8);
                }
                1 => b.truncate(rng.random_range(0..b.len())),
                _ => b.extend_from_slice(b" "),
            }
            (b, Some(genuine))
        }
        // the signature changed: one hex digit replaced, or shortened
        1 => {
            let (head, sig) = genuine.split_once(",v1=").unwrap();
            let mut sig: Vec<u8> = sig.bytes().collect();
            if rng.random_bool(0.5) {
                let i = rng.random_range(0..sig.len());
                let digits = b"0123456789abcdef";
                let mut d = digits[rng.random_range(0..16)];
                while d == sig[i] {
                    d = digits[rng.random_range(0..16)];
                }
                sig[i] = d;
            } else {
                sig.truncate(rng.random_range(0..sig.len()));
            }
            (body.to_vec(), Some(format!("{head},v1={}", String::from_utf8(sig).unwrap())))
        }
        // no v1: only the timestamp, or the signature under another scheme
        2 => {
            let h = match rng.random_range(0..3) {
                0 => format!("t={now}"),
                1 => genuine.replace("v1=", "v0="),
                _ => genuine.replace("v1=", "v2="),
            };
            (body.to_vec(), Some(h))
        }
        // correctly signed, too long ago or too far ahead
        3 => (body.to_vec(), Some(webhook::sign(body, &[secret], now - 301 - rng.random_range(0..10_000_000)))),
        4 => (body.to_vec(), Some(webhook::sign(body, &[secret], now + 301 + rng.random_range(0..10_000_000)))),
        // signed with another secret
        5 => {
            let other: String = (0..32).map(|_| rng.sample(rand::distr::Alphanumeric) as char).collect();
            (body.to_vec(), Some(webhook::sign(body, &[format!("whsec_{other}")], now)))
        }
        // the genuine signature with a different (still tolerated) timestamp
        6 => {
            let sig = genuine.split_once(",v1=").unwrap().1;
            let t = now + rng.random_range(1..=300) * if rng.random_bool(0.5) { 1 } else { -1 };
            (body.to_vec(), Some(format!("t={t},v1={sig}")))
        }
        // garbage: no header, empty, random printable text, half a header
        _ => {
            let h = match rng.random_range(0..5) {
                0 => None,
                1 => Some(String::new()),
                2 => Some((0..rng.random_range(1..200)).map(|_| rng.random_range(0x20u8..0x7f) as char).collect()),
                3 => Some(format!("v1={}", genuine.split_once(",v1=").unwrap().1)),
                _ => Some(format!("t=,{}", genuine.split_once(',').unwrap().1)),
            };
            (body.to_vec(), h)
        }
    }
}

fn genuine_body(reference: &str) -> Vec<u8> {
    event("evt_genuine", "payment_intent.succeeded", intent(reference, None, "succeeded"))
}

#[test]
fn verifier_rejects_10_000_generated_forgeries_and_accepts_the_genuine_delivery() {
    // given
    let mut rng = StdRng::seed_from_u64(11);
    let now = 1_800_000_000;
    let body = genuine_body("pi_3Ab");
    assert_eq!(webhook::verify(&body, Some(&webhook::sign(&body, &[SECRET], now)), &[SECRET], now), Ok(()));

    // when
    let mut rejected_by_kind = [0; KINDS];
    let mut reasons = std::collections::BTreeSet::new();
    for i in 0..10_000 {
        let kind = i % KINDS;
        let (b, header) = forge(&mut rng, &body, SECRET, now, kind);
        let verdict = webhook::verify(&b, header.as_deref(), &[SECRET, OLD_SECRET], now);

        // then
        let reason = verdict.expect_err(&format!("forgery #{i} (kind {kind}) passed: {header:?}"));
        reasons.insert(format!("{reason:?}"));
        rejected_by_kind[kind] += 1;
    }
    assert_eq!(rejected_by_kind, [1_250; KINDS]);
    for r in [SignatureError::Missing, SignatureError::Malformed, SignatureError::NoSignature] {
        assert!(reasons.contains(&format!("{r:?}")), "{reasons:?}");
    }
    assert!(reasons.contains("Timestamp") && reasons.contains("Mismatch"), "{reasons:?}");
}

#[tokio::test]
async fn stripe_webhook_forgeries_over_http_are_400_and_write_nothing() {
    // given: a payment the genuine event would settle
    let app = super::webhook_app().await;
    let s = shop(&app, "7.00", &[5]).await;
    let p = pending_payments(&app, &s, 1).await.remove(0);
    let body = genuine_body(&p.reference);
    let (events_before, payments_before) = (recorded_events(&app).await, payment_rows(&app).await);
    let mut rng = StdRng::seed_from_u64(12);

    // when
    for i in 0..320 {
        let (b, header) = forge(&mut rng, &body, SECRET, now(&app), i % KINDS);
        let (status, answer) = super::deliver(&app, &b, header.as_deref()).await;

        // then
        assert_eq!(status, 400, "forgery #{i} (kind {}): {header:?} → {answer}", i % KINDS);
    }
    assert_eq!(recorded_events(&app).await, events_before);
    assert_eq!(payment_rows(&app).await, payments_before);
    let order = order_view(&app, &p).await;
    assert_eq!(
        (order["status"].as_str(), order["payments"][0]["status"].as_str()),
        (Some("PAYMENT_PENDING"), Some("REQUIRES_ACTION"))
    );
    // and the genuine delivery still passes (the forgeries were one change away from it)
    assert_eq!(deliver_signed(&app, &body).await, "applied");
    assert_eq!(order_view(&app, &p).await["status"], "PAID");
}

#[tokio::test]
async fn stripe_webhook_timestamps_are_checked_against_the_app_clock_both_ways() {
    let app = super::webhook_app().await;
    let body = event("evt_clock", "customer.created", json!({ "id": "cus_1" }));
    let at = |dt: i64| webhook::sign(&body, &[SECRET], now(&app) + dt);
    for (dt, expected) in [(-300, 200), (300, 200), (-301, 400), (301, 400)] {
        assert_eq!(deliver(&app, &body, Some(&at(dt))).await.0, expected, "signed at now {dt:+}");
    }
    // a delivery signed now is stale once the app's clock moved on 301 s
    let signed_now = at(0);
    app.clock.as_ref().unwrap().advance(chrono::Duration::seconds(301));
    assert_eq!(deliver(&app, &body, Some(&signed_now)).await.0, 400);
}

#[tokio::test]
async fn stripe_webhook_signed_with_old_and_new_secrets_passes_during_a_rotation() {
    let body = event("evt_rotation", "customer.created", json!({ "id": "cus_1" }));
    for configured in [vec![SECRET], vec![OLD_SECRET], vec![OLD_SECRET, SECRET]] {
        // given
        let app = TestApp::spawn_with_manual_clock(|s| {
            s.stripe.webhook_secrets = configured.iter().map(|c| agora::config::Secret::new(*c)).collect();
        })
        .await;
        let both = webhook::sign(&body, &[OLD_SECRET, SECRET], now(&app));

        // then
        assert_eq!(deliver(&app, &body, Some(&both)).await.0, 200, "configured: {configured:?}");
        let old_only = webhook::sign(&body, &[OLD_SECRET], now(&app));
        let expected = if configured.contains(&OLD_SECRET) { 200 } else { 400 };
        assert_eq!(deliver(&app, &body, Some(&old_only)).await.0, expected, "configured: {configured:?}");
    }
}
