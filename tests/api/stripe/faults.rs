//! Lost answers, 429/5xx, timeouts and the rate limit: the adapter retries with the caller's key
//! (so Stripe's replay makes one intent), never retries a 4xx, and never starts more calls than
//! the limit allows.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use agora::payments::{
    provider::{PaymentProvider, ProviderError, ProviderStatus},
    stripe::{
        StripeProvider,
        limiter::{Admission, RateLimit},
    },
};
use governor::clock::{Clock, FakeRelativeClock};
use rand::Rng;

use super::{provider, request};
use crate::helpers::stripe_mock::{Fault, StripeMock};

/// 200 attempts, each losing 1 to 3 answers after Stripe did the work (the adapter has 4 tries),
/// and every 10th losing all 4 and retried later by the caller with its stored key: every attempt
/// ends with one PaymentIntent, the one its key made.
#[tokio::test]
async fn two_hundred_attempts_with_lost_answers_make_one_intent_each() {
    let mock = StripeMock::start().await;
    let stripe = provider(&mock);
    let mut rng = rand::rng();
    for i in 0..200 {
        let req = request(&format!("order_{i}_attempt_1"), Some("pm_card_visa"));
        if i % 10 == 0 {
            mock.drop_next(4);
            assert!(matches!(stripe.create(&req).await, Err(ProviderError::Unavailable(_))), "attempt {i}");
        } else {
            mock.drop_next(rng.random_range(1..=3));
        }
        let pi = stripe.create(&req).await.unwrap_or_else(|e| panic!("attempt {i}: {e:?}"));
        assert_eq!(pi.status, ProviderStatus::Succeeded);
        let intent = mock.intent(&pi.reference).unwrap();
        assert_eq!(intent["metadata"]["agora_payment_id"], req.payment_id.to_string(), "attempt {i}");
    }
    assert_eq!(mock.intents_created(), 200);
    let seen = mock.requests();
    assert!(seen.iter().all(|r| r.idempotency_key.is_some()));
    // Every retry replayed the first answer under the same key.
    let dropped = seen.iter().filter(|r| r.fault == Some(Fault::DropAfterCommit)).count();
    assert!(dropped >= 200 + 20 * 3);
    assert_eq!(seen.iter().filter(|r| !r.replayed).count(), 200);
    mock.assert_wire_clean();
}

#[tokio::test]
async fn a_429_or_500_is_retried_with_the_same_key_and_a_4xx_is_not() {
    let mock = StripeMock::start().await;
    let stripe = provider(&mock);
    mock.fail_next(2, 429);
    mock.fail_next(1, 500);
    let pi = stripe.create(&request("k1", Some("pm_card_visa"))).await.unwrap();
    assert_eq!(pi.status, ProviderStatus::Succeeded);
    let statuses: Vec<_> = mock.requests().iter().map(|r| (r.status, r.idempotency_key.clone().unwrap())).collect();
    assert_eq!(statuses, [(429, "k1".into()), (429, "k1".into()), (500, "k1".into()), (200, "k1".into())]);
    assert_eq!(mock.intents_created(), 1);
    // 4 failures spend the 4 tries: unknown outcome, nothing created.
    mock.fail_next(4, 503);
    assert!(matches!(stripe.create(&request("k2", Some("pm_card_visa"))).await, Err(ProviderError::Unavailable(_))));
    assert_eq!(mock.intents_created(), 1);
    // A 4xx is the same answer next time: one request.
    assert!(matches!(
        stripe.create(&request("k3", Some("pm_card_bogus"))).await,
        Err(ProviderError::InvalidPaymentMethod)
    ));
    assert_eq!(mock.requests().iter().filter(|r| r.idempotency_key.as_deref() == Some("k3")).count(), 1);
    // The same key with other parameters is Stripe's idempotency_error, not retried.
    let mut other = request("k1", Some("pm_card_visa"));
    other.amount = agora::shared::money::Money::from_minor(999, agora::shared::money::Currency::USD);
    assert!(
        matches!(stripe.create(&other).await, Err(ProviderError::Rejected { code }) if code == "idempotency_error")
    );
    mock.assert_wire_clean();
}

#[tokio::test]
async fn a_call_with_no_answer_times_out_and_is_retried_with_the_same_key() {
    let mock = StripeMock::start().await;
    let mut settings = mock.settings();
    settings.timeout_secs = 1;
    let stripe =
        StripeProvider::new(&settings).unwrap().with_backoff(Duration::from_millis(1), Duration::from_millis(1));
    mock.hang_next(1);
    let pi = stripe.create(&request("slow", Some("pm_card_visa"))).await.unwrap();
    assert_eq!(pi.status, ProviderStatus::Succeeded);
    let seen = mock.requests();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].fault, Some(Fault::Hang));
    assert!(seen[1].replayed, "the hung call had done the work; the retry replays it");
    assert_eq!(mock.intents_created(), 1);
    mock.assert_wire_clean();
}

/// Records the fake-clock instant of every admission.
struct Recorded {
    limit: RateLimit<FakeRelativeClock>,
    clock: FakeRelativeClock,
    admitted_at: Mutex<Vec<u64>>,
}

impl Admission for Recorded {
    fn try_admit(&self) -> Result<(), Duration> {
        self.limit.try_admit()?;
        self.admitted_at.lock().unwrap().push(self.clock.now().as_u64());
        Ok(())
    }
}

/// 500 calls at once through the adapter with a limit of 100/s on a fake clock that a driver
/// moves: no simulated second ever starts more than 100 requests, and every request the mock saw
/// was admitted.
#[tokio::test]
async fn a_burst_of_500_calls_keeps_under_the_rate_limit_on_a_fake_clock() {
    let mock = StripeMock::start().await;
    let clock = FakeRelativeClock::default();
    let admission = Arc::new(Recorded {
        limit: RateLimit::with_clock(100, clock.clone()).unwrap(),
        clock: clock.clone(),
        admitted_at: Mutex::default(),
    });
    let stripe = Arc::new(StripeProvider::with_admission(&mock.settings(), admission.clone()).unwrap());
    let pi = stripe.create(&request("burst", None)).await.unwrap();
    let calls: Vec<_> = (0..500)
        .map(|_| {
            let (stripe, reference) = (stripe.clone(), pi.reference.clone());
            tokio::spawn(async move { stripe.retrieve(&reference).await.map(|_| ()) })
        })
        .collect();
    let driver = {
        let clock = clock.clone();
        tokio::spawn(async move {
            loop {
                clock.advance(Duration::from_millis(10));
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
    };
    for call in calls {
        call.await.unwrap().unwrap();
    }
    driver.abort();
    let admitted = admission.admitted_at.lock().unwrap().clone();
    assert_eq!(admitted.len(), 501);
    assert_eq!(mock.requests().len(), 501, "every request was admitted first");
    let mut per_second = std::collections::BTreeMap::<u64, usize>::new();
    for t in &admitted {
        *per_second.entry(t / 1_000_000_000).or_default() += 1;
    }
    assert!(per_second.values().all(|&n| n <= 100), "{per_second:?}");
    let mut sorted = admitted.clone();
    sorted.sort_unstable();
    assert!(sorted.windows(101).all(|w| w[100] - w[0] >= 1_000_000_000), "101 calls within one simulated second");
    assert!(sorted[500] - sorted[0] >= 4_990_000_000, "500 calls need about 5 simulated seconds");
    mock.assert_wire_clean();
}

/// A call refused by the limit does not reach Stripe until the (fake) clock allows it.
#[tokio::test]
async fn a_call_over_the_limit_waits_for_the_clock() {
    let mock = StripeMock::start().await;
    let clock = FakeRelativeClock::default();
    let limit = Arc::new(RateLimit::with_clock(1, clock.clone()).unwrap());
    let stripe = Arc::new(StripeProvider::with_admission(&mock.settings(), limit.clone()).unwrap());
    let pi = stripe.create(&request("one", None)).await.unwrap();
    let second = {
        let (stripe, reference) = (stripe.clone(), pi.reference.clone());
        tokio::spawn(async move { stripe.retrieve(&reference).await.map(|_| ()) })
    };
    while limit.refused() == 0 {
        tokio::task::yield_now().await;
    }
    assert_eq!(mock.requests().len(), 1, "the second call was refused and has not been sent");
    clock.advance(Duration::from_secs(1));
    second.await.unwrap().unwrap();
    assert_eq!(mock.requests().len(), 2);
    assert_eq!(limit.admitted(), 2);
    mock.assert_wire_clean();
}

#[tokio::test]
async fn a_slow_answer_within_the_timeout_is_not_retried() {
    let mock = StripeMock::start().await;
    let stripe = provider(&mock);
    mock.delay_next(1, Duration::from_millis(200));
    assert_eq!(stripe.create(&request("slow", Some("pm_card_visa"))).await.unwrap().status, ProviderStatus::Succeeded);
    assert_eq!(mock.requests().len(), 1);
    mock.assert_wire_clean();
}

#[tokio::test]
async fn a_refused_api_key_is_not_retried_and_leaves_the_outcome_open() {
    let mock = StripeMock::start().await;
    let mut settings = mock.settings();
    settings.secret_key = Some(agora::config::Secret::new("sk_test_wrong"));
    let stripe = StripeProvider::new(&settings).unwrap();
    assert!(matches!(stripe.create(&request("k", Some("pm_card_visa"))).await, Err(ProviderError::Unavailable(_))));
    assert_eq!(mock.requests().len(), 1);
    assert_eq!(mock.requests()[0].status, 401);
    assert_eq!(mock.intents_created(), 0);
    assert!(mock.violations()[0].contains("Authorization"), "the mock checks the key: {:?}", mock.violations());
}
