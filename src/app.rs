//! Composition root: the HTTP server with its background jobs, on top of [`AppState`] (the
//! services, `state.rs`) and the schema (`graphql/schema.rs`). Start reading here.

use std::net::SocketAddr;

use anyhow::Context as _;

use crate::{
    graphql::schema::{AppSchema, build_schema},
    outbox::{Consumers, Relay, RelayConfig},
    payments::service::reconcile::Reconciler,
    state::AppState,
};

/// The work done outside requests: the outbox relay (with every slice's consumers) and the
/// payment reconciler. Built from the state; `App` runs them in the background, tests drive
/// them with `run_once`.
#[derive(Clone)]
pub struct Jobs {
    pub relay: Relay,
    pub reconciler: Reconciler,
}

impl Jobs {
    pub fn new(state: &AppState) -> Self {
        let mut consumers = Consumers::new();
        state.payments.register_consumers(&mut consumers);
        // Last, after every slice's consumers: each committed event goes to subscriptions.
        consumers.on_all(std::sync::Arc::new(crate::realtime::BusPublisher(state.bus.clone())));
        // Every event (after the bus, so a search outage does not hold back subscriptions): the search index re-reads whatever product, vendor or category it is about.
        consumers.on_all(crate::search::sync::SearchSync::new(state.search.clone()));
        let relay =
            Relay::new(state.db.clone(), state.clock.clone(), consumers, RelayConfig::from_settings(&state.settings));
        let reconciler = Reconciler::new(state.payments.clone(), state.settings.payments.call_lease_secs);
        Self { relay, reconciler }
    }
}

/// The HTTP server, bound and ready to run, with its background jobs.
pub struct App {
    listener: tokio::net::TcpListener,
    router: axum::Router,
    state: AppState,
    jobs: Jobs,
    /// The order sweeper, the relay and the reconciler (each unless its interval is 0).
    background: Vec<tokio::task::JoinHandle<()>>,
}

impl App {
    /// Binds the configured address (port 0 picks a free port) and builds the router.
    pub async fn build(state: AppState) -> anyhow::Result<Self> {
        let addr = state.settings.bind_addr()?;
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
        let schema = schema(&state);
        let router = crate::http::router(state.clone(), schema);
        let interval = std::time::Duration::from_millis(state.settings.checkout.sweeper_interval_ms.max(10));
        let mut background = vec![crate::orders::sweeper::spawn(state.orders.clone(), state.clock.clone(), interval)];
        let jobs = Jobs::new(&state);
        if state.settings.search.rebuild_on_start {
            background.push(spawn_search_check(state.search.clone()));
        }
        let payments = &state.settings.payments;
        if payments.relay_interval_ms > 0 {
            background.push(jobs.relay.spawn(std::time::Duration::from_millis(payments.relay_interval_ms)));
        }
        if payments.reconcile_interval_secs > 0 {
            background.push(jobs.reconciler.spawn(std::time::Duration::from_secs(payments.reconcile_interval_secs)));
        }
        Ok(Self { listener, router, state, jobs, background })
    }

    /// The relay and the reconciler this app runs.
    pub fn jobs(&self) -> &Jobs {
        &self.jobs
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `signal` resolves, then drains in-flight requests.
    pub async fn run_until_stopped(self, signal: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let result = axum::serve(self.listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(signal)
            .await;
        for task in &self.background {
            task.abort();
        }
        result?;
        Ok(())
    }
}

/// Applies the search engine's settings and rebuilds an empty or outdated index, in the
/// background (searches answer from the old index meanwhile).
fn spawn_search_check(search: crate::search::SearchService) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        match search.ensure_fresh().await {
            Ok(true) => tracing::info!(engine = search.engine(), "search index rebuilt at start"),
            Ok(false) => tracing::info!(engine = search.engine(), "search index up to date"),
            Err(e) => tracing::error!(error = %crate::error::chain(&e), "search index check failed at start"),
        }
    })
}

pub fn schema(state: &AppState) -> AppSchema {
    build_schema(Some(state.clone()), &state.settings.graphql)
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
    tracing::info!("shutdown signal received, draining connections");
}
