//! The transactional outbox and the work it drives: the relay's delivery guarantees
//! (`relay.rs`), and the payment jobs behind it — cancelling an expired order's attempt,
//! refunding money taken too late, reconciling attempts left live (`payments.rs`). Every test
//! runs its relay and reconciler by hand (`run_once(now)`) on a manual clock; the background
//! loops are off.

mod events;
mod payments;
mod relay;

use std::{
    collections::{HashMap, HashSet},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use agora::{
    config::Settings,
    outbox::{Consumer, Consumers, JobError, NewEvent, OutboxEvent, Relay, RelayConfig},
};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::helpers::TestApp;

/// Background relay and reconciler off (as `Settings::for_tests` has them; said again here
/// because these tests depend on it): the test runs them.
pub fn quiet(s: &mut Settings) {
    s.payments.relay_interval_ms = 0;
    s.payments.reconcile_interval_secs = 0;
}

/// An app on a manual clock with the relay and reconciler driven by the test.
pub async fn quiet_app() -> TestApp {
    TestApp::spawn_with_manual_clock(quiet).await
}

pub fn now(app: &TestApp) -> DateTime<Utc> {
    app.state.clock.now()
}

pub fn advance(app: &TestApp, by: chrono::TimeDelta) -> DateTime<Utc> {
    app.clock.as_ref().expect("a manual clock").advance(by);
    now(app)
}

/// Appends event number `n` of aggregate `aggregate` (type `test`) on `conn`.
pub async fn append(conn: &impl ConnectionTrait, aggregate: &str, n: u32, at: DateTime<Utc>) {
    agora::outbox::append_in(
        conn,
        NewEvent {
            aggregate_type: "test",
            aggregate_id: aggregate.to_owned(),
            event_type: "test.happened",
            version: 1,
            payload: serde_json::json!({ "n": n }),
            occurred_at: at,
        },
    )
    .await
    .expect("append");
}

/// What a [`Probe`] does with an event, by `(aggregate, seq)`.
#[derive(Clone, Copy)]
pub enum Plan {
    /// Fail with `Retry` this many times, then succeed.
    Retry(u32),
    /// Fail with `Retry` every time.
    AlwaysRetry,
    GiveUp,
    /// Panic once, then succeed.
    PanicOnce,
}

/// A consumer that records what it is handed, fails as planned, and notices an event handled
/// by two relays at once.
#[derive(Default)]
pub struct Probe {
    pub calls: Mutex<Vec<OutboxEvent>>,
    pub handled: Mutex<Vec<OutboxEvent>>,
    plans: Mutex<HashMap<(String, i64), Plan>>,
    in_flight: Mutex<HashSet<uuid::Uuid>>,
    pub overlapped: AtomicBool,
}

impl Probe {
    pub fn plan(&self, aggregate: &str, seq: i64, plan: Plan) {
        self.plans.lock().unwrap().insert((aggregate.to_owned(), seq), plan);
    }

    pub fn calls(&self) -> usize {
        self.calls.lock().unwrap().len()
    }

    /// `(aggregate, seq)` of the events handled successfully, in order.
    pub fn handled(&self) -> Vec<(String, i64)> {
        self.handled.lock().unwrap().iter().map(|e| (e.aggregate_id.clone(), e.seq)).collect()
    }

    /// The seqs handled successfully for one aggregate, in order.
    pub fn handled_of(&self, aggregate: &str) -> Vec<i64> {
        self.handled().into_iter().filter(|(a, _)| a == aggregate).map(|(_, s)| s).collect()
    }
}

#[async_trait::async_trait]
impl Consumer for Probe {
    fn name(&self) -> &'static str {
        "test.probe"
    }

    async fn handle(&self, event: &OutboxEvent) -> Result<(), JobError> {
        self.calls.lock().unwrap().push(event.clone());
        if !self.in_flight.lock().unwrap().insert(event.id) {
            self.overlapped.store(true, Ordering::SeqCst);
        }
        // Give a concurrent relay the chance to (wrongly) take the same event.
        tokio::time::sleep(Duration::from_millis(1)).await;
        self.in_flight.lock().unwrap().remove(&event.id);
        let key = (event.aggregate_id.clone(), event.seq);
        let plan = self.plans.lock().unwrap().get(&key).copied();
        match plan {
            Some(Plan::Retry(n)) if n > 0 => {
                self.plans.lock().unwrap().insert(key, Plan::Retry(n - 1));
                return Err(JobError::retry(anyhow::anyhow!("planned failure")));
            }
            Some(Plan::AlwaysRetry) => return Err(JobError::retry(anyhow::anyhow!("planned failure"))),
            Some(Plan::GiveUp) => return Err(JobError::give_up(anyhow::anyhow!("planned refusal"))),
            Some(Plan::PanicOnce) => {
                self.plans.lock().unwrap().remove(&key);
                panic!("planned panic in a consumer");
            }
            _ => {}
        }
        self.handled.lock().unwrap().push(event.clone());
        Ok(())
    }
}

/// A relay on `app`'s database handing every event to `probe`.
pub fn relay(app: &TestApp, probe: &Arc<Probe>, max_attempts: u32) -> Relay {
    let mut consumers = Consumers::new();
    consumers.on_all(probe.clone());
    Relay::new(
        app.state.db.clone(),
        app.state.clock.clone(),
        consumers,
        RelayConfig {
            max_attempts,
            claim_lease: Duration::from_secs(60),
            batch_size: 8,
            retention: chrono::TimeDelta::days(7),
        },
    )
}
