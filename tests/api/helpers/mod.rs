//! `TestApp`: the real server on port 0 with a fresh database, and a small GraphQL client
//! (`Gql`). Data the tests build through the API lives in `fixtures`.

pub mod fixtures;
pub mod meili;
#[cfg(feature = "stripe")]
pub mod stripe_mock;

use std::net::SocketAddr;

use std::sync::Arc;

use agora::{
    app::{App, Jobs},
    config::Settings,
    payments::test_provider::TestPaymentProvider,
    shared::clock::{ManualClock, SharedClock, SystemClock},
    shared::role::Role,
    state::AppState,
};
use serde_json::{Value, json};

pub struct TestApp {
    pub addr: SocketAddr,
    /// The database this app uses (a fresh SQLite file or PostgreSQL database).
    pub database_url: String,
    pub state: AppState,
    pub client: reqwest::Client,
    /// The built-in test payment provider this app uses, to count what it charged.
    pub payments: Arc<TestPaymentProvider>,
    /// Set by `spawn_with_manual_clock`: the app's clock, moved by the test.
    pub clock: Option<Arc<ManualClock>>,
    /// The app's outbox relay and payment reconciler. Their background loops are off in tests
    /// (`Settings::for_tests`): a test runs them with `run_once(now)`.
    pub jobs: Jobs,
    /// Set by `spawn_with_stripe`: the Stripe-shaped server the app's Stripe provider calls.
    #[cfg(feature = "stripe")]
    pub stripe: Option<stripe_mock::StripeMock>,
    _data_dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A fresh database: a temp SQLite file, or a new PostgreSQL database on `TEST_DATABASE_URL`.
async fn fresh_database(dir: &std::path::Path) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if base.starts_with("postgres") => {
            use sea_orm::ConnectionTrait;
            let name = format!("agora_t_{}", uuid::Uuid::new_v4().simple());
            let admin = sea_orm::Database::connect(&base).await.expect("connect to TEST_DATABASE_URL");
            admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
            admin.close().await.ok();
            let (prefix, _) = base.rsplit_once('/').expect("TEST_DATABASE_URL has a database path");
            format!("{prefix}/{name}")
        }
        _ => format!("sqlite://{}/test.sqlite?mode=rwc", dir.display()),
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(configure: impl FnOnce(&mut Settings)) -> Self {
        Self::start(configure, None, None).await
    }

    /// An app for counting SQL statements per request: its dataloaders gather keys for 250 ms
    /// instead of 1 ms, so a loaded CPU does not split one batch into several (50 ms was seen
    /// to split on 2 busy cores; the real fix is a loader that dispatches when resolvers yield).
    pub async fn spawn_for_statement_counts() -> Self {
        Self::spawn_with(|s| s.graphql.batch_window_ms = 250).await
    }

    /// An app whose clock only moves when the test says so (`app.clock`).
    pub async fn spawn_with_manual_clock(configure: impl FnOnce(&mut Settings)) -> Self {
        let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
        Self::start(configure, None, Some(clock)).await
    }

    /// An app whose payment provider is Stripe (chosen by `agora::state::payment_provider` from
    /// the settings, as in production), talking to a fresh Stripe-shaped server (`app.stripe`).
    #[cfg(feature = "stripe")]
    pub async fn spawn_with_stripe(configure: impl FnOnce(&mut Settings)) -> Self {
        let mock = stripe_mock::StripeMock::start().await;
        let stripe = mock.settings();
        let mut app = Self::start(
            |s| {
                s.stripe = stripe;
                configure(s);
            },
            None,
            None,
        )
        .await;
        app.stripe = Some(mock);
        app
    }

    /// The Stripe mock of an app from `spawn_with_stripe`.
    #[cfg(feature = "stripe")]
    pub fn stripe(&self) -> &stripe_mock::StripeMock {
        self.stripe.as_ref().expect("spawned with spawn_with_stripe")
    }

    /// A second app instance on the database of another (for multi-instance races).
    pub async fn spawn_on(database_url: &str) -> Self {
        Self::start(|_| {}, Some(database_url.to_owned()), None).await
    }

    /// As [`TestApp::spawn_on`], with settings.
    pub async fn spawn_on_with(database_url: &str, configure: impl FnOnce(&mut Settings)) -> Self {
        Self::start(configure, Some(database_url.to_owned()), None).await
    }

    async fn start(
        configure: impl FnOnce(&mut Settings),
        database_url: Option<String>,
        manual: Option<Arc<ManualClock>>,
    ) -> Self {
        if std::env::var_os("TEST_LOG").is_some() {
            agora::telemetry::init(&Default::default());
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let url = match database_url {
            Some(u) => u,
            None => fresh_database(dir.path()).await,
        };
        let mut settings = Settings::for_tests(dir.path().to_path_buf(), url.clone());
        configure(&mut settings);
        let payments = Arc::new(TestPaymentProvider::default());
        let clock: SharedClock = match &manual {
            Some(m) => m.clone(),
            None => Arc::new(SystemClock),
        };
        // The test provider unless the settings name Stripe (then selected as in production).
        let provider: Arc<dyn agora::payments::provider::PaymentProvider> = if settings.stripe.secret_key.is_some() {
            agora::state::payment_provider(&settings).expect("payment provider")
        } else {
            payments.clone()
        };
        let state = AppState::connect_with(settings, clock, provider).await.expect("app state");
        let app = App::build(state.clone()).await.expect("app");
        let addr = app.local_addr();
        let jobs = app.jobs().clone();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until_stopped(async {
            let _ = rx.await;
        }));
        Self {
            addr,
            database_url: url,
            state,
            client: reqwest::Client::new(),
            payments,
            clock: manual,
            jobs,
            #[cfg(feature = "stripe")]
            stripe: None,
            _data_dir: dir,
            stop: Some(tx),
        }
    }

    /// SQL statements executed so far through the app's connection.
    pub fn sql_statements(&self) -> u64 {
        self.state.sql_stats.statements()
    }

    /// Loads the demo catalog (3 vendors, 8 categories, 60 products, 150 variants).
    pub async fn seed_demo(&self) {
        assert!(agora::seed::seed_demo(&self.state).await.expect("seed"), "the database was not empty");
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// POSTs a GraphQL operation as an anonymous caller.
    pub async fn gql(&self, query: &str, variables: Value) -> Gql {
        self.gql_as(None, query, variables).await
    }

    /// POSTs a GraphQL operation with an optional access token.
    pub async fn gql_as(&self, token: Option<&str>, query: &str, variables: Value) -> Gql {
        let mut req = self.client.post(self.url("/graphql")).json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.expect("json body");
        Gql { status, body }
    }

    /// Registers and signs in a user with the given role; returns the access token.
    pub async fn user(&self, email: &str, role: Role) -> String {
        let password = "a long and unusual passphrase";
        let r =
            self.gql(crate::ops::ACCOUNT_REGISTER, json!({ "input": { "email": email, "password": password } })).await;
        r.assert_no_errors();
        if role != Role::Customer {
            self.state.accounts.set_role(email, role).await.expect("set role");
        }
        let r = self.gql(crate::ops::TOKEN_CREATE, json!({ "input": { "email": email, "password": password } })).await;
        r.str("tokenCreate.tokens.accessToken")
    }

    pub async fn staff(&self) -> String {
        self.user("staff@example.com", Role::Staff).await
    }
}

/// A GraphQL response with helpers for assertions.
#[derive(Debug)]
pub struct Gql {
    pub status: u16,
    pub body: Value,
}

impl Gql {
    /// The value at a dotted path under `data` (numbers index arrays).
    pub fn get(&self, path: &str) -> &Value {
        let mut v = &self.body["data"];
        for part in path.split('.') {
            v = match part.parse::<usize>() {
                Ok(i) => &v[i],
                Err(_) => &v[part],
            };
        }
        v
    }

    pub fn str(&self, path: &str) -> String {
        self.get(path).as_str().unwrap_or_else(|| panic!("{path} is not a string in {}", self.body)).to_owned()
    }

    pub fn assert_no_errors(&self) {
        assert!(self.body.get("errors").is_none(), "unexpected errors: {}", self.body);
        for (_, payload) in self.body["data"].as_object().into_iter().flatten() {
            if let Some(ue) = payload.get("userErrors") {
                assert_eq!(ue, &json!([]), "unexpected userErrors: {}", self.body);
            }
        }
    }

    /// The codes of `<mutation>.userErrors`.
    pub fn user_error_codes(&self, mutation: &str) -> Vec<String> {
        assert!(self.body.get("errors").is_none(), "unexpected top-level errors: {}", self.body);
        self.body["data"][mutation]["userErrors"]
            .as_array()
            .unwrap_or_else(|| panic!("no userErrors in {}", self.body))
            .iter()
            .map(|e| e["code"].as_str().unwrap().to_owned())
            .collect()
    }

    /// The `field` path of `<mutation>.userErrors[i]`.
    pub fn user_error_field(&self, mutation: &str, i: usize) -> Vec<String> {
        serde_json::from_value(self.body["data"][mutation]["userErrors"][i]["field"].clone()).unwrap_or_default()
    }

    /// The `extensions.code` of each top-level error.
    pub fn error_codes(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("no errors in {}", self.body))
            .iter()
            .map(|e| e["extensions"]["code"].as_str().unwrap_or("<none>").to_owned())
            .collect()
    }
}

/// The `(field, code)` of every user error of `mutation`, for table-driven assertions.
pub fn user_errors(r: &Gql, mutation: &str) -> Vec<(Vec<String>, String)> {
    let codes = r.user_error_codes(mutation);
    codes.into_iter().enumerate().map(|(i, c)| (r.user_error_field(mutation, i), c)).collect()
}

/// A field path from string segments.
pub fn field(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|p| (*p).to_owned()).collect()
}
