//! The relay: only committed events, at least once, in order per aggregate, never by two
//! relays at once, retried with backoff, given up and kept for staff.

use std::sync::{Arc, atomic::Ordering};

use chrono::TimeDelta;
use sea_orm::TransactionTrait;

use super::{Plan, Probe, advance, append, now, quiet, quiet_app, relay};
use crate::helpers::TestApp;

#[tokio::test]
async fn relay_delivers_a_committed_event_once_and_a_rolled_back_one_never() {
    // given: one event in a transaction rolled back, one committed
    let app = quiet_app().await;
    let t = now(&app);
    let txn = app.state.db.begin().await.unwrap();
    append(&txn, "rolled-back", 1, t).await;
    txn.rollback().await.unwrap();
    let txn = app.state.db.begin().await.unwrap();
    append(&txn, "committed", 1, t).await;
    txn.commit().await.unwrap();
    let probe = Arc::new(Probe::default());
    let relay = relay(&app, &probe, 5);

    // when: the relay runs, then again later
    let first = relay.run_once(t).await.unwrap();
    let again = relay.run_once(t + TimeDelta::hours(2)).await.unwrap();

    // then
    assert_eq!((first, again), (1, 0));
    assert_eq!(probe.handled(), [("committed".to_owned(), 1)]);
    assert_eq!(probe.calls(), 1);
}

#[tokio::test]
async fn relay_stopped_mid_batch_delivers_every_event_after_the_lease_in_order() {
    // given: two aggregates of three events; a relay claimed the first of each and died; the
    // consumer panics on a's second event once
    let app = quiet_app().await;
    let t = now(&app);
    for n in 1..=3 {
        append(&app.state.db, "a", n, t).await;
        append(&app.state.db, "b", n, t).await;
    }
    let dead_relay_lease = t + TimeDelta::seconds(60);
    let claimed = agora::outbox::repo::claim(&app.state.db, t, dead_relay_lease, 10).await.unwrap();
    assert_eq!(claimed.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 1], "one head per aggregate");
    let probe = Arc::new(Probe::default());
    probe.plan("a", 2, Plan::PanicOnce);
    let restarted = relay(&app, &probe, 5);

    // when / then: nothing moves while the dead relay's lease holds
    assert_eq!(restarted.run_once(t + TimeDelta::seconds(59)).await.unwrap(), 0);
    assert_eq!(probe.calls(), 0);

    // when / then: after the lease: a1, b1..b3 delivered; a2 panicked, so a3 waits
    let after_lease = t + TimeDelta::seconds(61);
    assert_eq!(restarted.run_once(after_lease).await.unwrap(), 4);
    assert_eq!(probe.handled_of("a"), [1]);
    assert_eq!(probe.handled_of("b"), [1, 2, 3]);

    // when / then: after a2's backoff (at most 2 s), a2 and a3 follow, in order
    assert_eq!(restarted.run_once(after_lease + TimeDelta::seconds(3)).await.unwrap(), 2);
    assert_eq!(probe.handled_of("a"), [1, 2, 3]);
    assert_eq!(probe.calls(), 7, "six events, one of them handed over twice");
    assert_eq!(restarted.run_once(after_lease + TimeDelta::days(1)).await.unwrap(), 0);
}

#[tokio::test]
async fn relay_retries_a_failing_event_after_its_backoff_then_gives_up_and_keeps_it_for_staff() {
    // given: a's first event always fails (3 tries allowed); a's second waits behind it
    let app = quiet_app().await;
    let t = now(&app);
    append(&app.state.db, "a", 1, t).await;
    append(&app.state.db, "a", 2, t).await;
    let probe = Arc::new(Probe::default());
    probe.plan("a", 1, Plan::AlwaysRetry);
    let relay = relay(&app, &probe, 3);

    // when / then: first try fails; the backoff after it is between 1 and 2 s
    assert_eq!(relay.run_once(t).await.unwrap(), 0);
    assert_eq!(probe.calls(), 1);
    assert_eq!(relay.run_once(t + TimeDelta::milliseconds(999)).await.unwrap(), 0);
    assert_eq!(probe.calls(), 1, "not retried before its available_at");

    // when / then: second try after at most 2 s; the third after at most 4 s more
    let t2 = t + TimeDelta::seconds(2);
    relay.run_once(t2).await.unwrap();
    assert_eq!(probe.calls(), 2);
    relay.run_once(t2 + TimeDelta::milliseconds(1_999)).await.unwrap();
    assert_eq!(probe.calls(), 2, "the second backoff is at least 2 s");
    let t3 = t2 + TimeDelta::seconds(4);
    // the third failure gives up; a2 is no longer held back
    assert_eq!(relay.run_once(t3).await.unwrap(), 1);
    assert_eq!(probe.calls(), 4);
    assert_eq!(probe.handled(), [("a".to_owned(), 2)]);
    assert_eq!(relay.run_once(t3 + TimeDelta::days(30)).await.unwrap(), 0);
    assert_eq!(probe.calls(), 4, "a dead event is not tried again");

    // then: staff find it, with why, and may revive it
    let dead = agora::outbox::dead(&app.state.db, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!((dead[0].event.aggregate_id.as_str(), dead[0].event.seq), ("a", 1));
    assert!(dead[0].last_error.as_deref().unwrap().starts_with("gave up after 3 attempts"), "{dead:?}");
    probe.plan("a", 1, Plan::Retry(0));
    assert!(agora::outbox::revive(&app.state.db, dead[0].event.id, t3).await.unwrap());
    assert_eq!(relay.run_once(t3).await.unwrap(), 1);
    assert!(agora::outbox::dead(&app.state.db, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn relay_gives_up_at_once_when_a_consumer_says_so() {
    let app = quiet_app().await;
    let t = now(&app);
    append(&app.state.db, "a", 1, t).await;
    let probe = Arc::new(Probe::default());
    probe.plan("a", 1, Plan::GiveUp);
    let relay = relay(&app, &probe, 10);

    assert_eq!(relay.run_once(t).await.unwrap(), 0);
    assert_eq!(relay.run_once(t + TimeDelta::days(1)).await.unwrap(), 0);

    assert_eq!(probe.calls(), 1);
    let dead = agora::outbox::dead(&app.state.db, 10).await.unwrap();
    assert!(dead[0].last_error.as_deref().unwrap().starts_with("gave up after 1 attempts"), "{dead:?}");
}

#[tokio::test]
async fn relay_prunes_delivered_events_after_the_retention() {
    let app = quiet_app().await;
    let t = now(&app);
    append(&app.state.db, "a", 1, t).await;
    append(&app.state.db, "b", 1, t).await;
    let probe = Arc::new(Probe::default());
    probe.plan("b", 1, Plan::AlwaysRetry);
    let relay = relay(&app, &probe, 100);
    relay.run_once(t).await.unwrap();

    assert_eq!(relay.prune(t + TimeDelta::days(6)).await.unwrap(), 0);
    assert_eq!(relay.prune(t + TimeDelta::days(8)).await.unwrap(), 1, "only the delivered event goes");
    let later = advance(&app, TimeDelta::days(8));
    assert_eq!(relay.run_once(later).await.unwrap(), 0, "the undelivered one is still tried");
    assert_eq!(probe.calls(), 3);
}

#[tokio::test]
async fn two_relays_never_deliver_one_event_twice_and_keep_each_aggregates_order() {
    // given: 200 events over 20 aggregates; a second instance on the same database
    // (PostgreSQL), or a second relay on the one connection (SQLite has one writer)
    let app = quiet_app().await;
    let second = if app.database_url.starts_with("postgres") {
        Some(TestApp::spawn_on_with(&app.database_url, quiet).await)
    } else {
        None
    };
    let t = now(&app);
    for n in 1..=10 {
        for a in 0..20 {
            append(&app.state.db, &format!("agg-{a}"), n, t).await;
        }
    }
    let probe = Arc::new(Probe::default());
    let one = relay(&app, &probe, 5);
    let two = relay(second.as_ref().unwrap_or(&app), &probe, 5);

    // when: both run at once until everything is delivered
    let mut delivered = 0;
    for _ in 0..50 {
        let (a, b) = tokio::join!(one.run_once(t), two.run_once(t));
        delivered += a.unwrap() + b.unwrap();
        if delivered >= 200 {
            break;
        }
    }

    // then: each event handled once, never by both at once, in order per aggregate
    assert_eq!(delivered, 200);
    assert_eq!(probe.calls(), 200, "no event handed over twice");
    assert!(!probe.overlapped.load(Ordering::SeqCst));
    for a in 0..20 {
        assert_eq!(probe.handled_of(&format!("agg-{a}")), (1..=10).collect::<Vec<_>>());
    }
}
