//! Composition root: the HTTP server with its background jobs, on top of [`AppState`] (the
//! services, `state.rs`) and the schema (`graphql/schema.rs`). Start reading here.

use std::net::SocketAddr;

use anyhow::Context as _;

use crate::{
    graphql::schema::{AppSchema, build_schema},
    state::AppState,
};

/// The HTTP server, bound and ready to run, with its background jobs.
pub struct App {
    listener: tokio::net::TcpListener,
    router: axum::Router,
    state: AppState,
    sweeper: tokio::task::JoinHandle<()>,
}

impl App {
    /// Binds the configured address (port 0 picks a free port) and builds the router.
    pub async fn build(state: AppState) -> anyhow::Result<Self> {
        let addr = state.settings.bind_addr()?;
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
        let schema = schema(&state);
        let router = crate::http::router(state.clone(), schema);
        let interval = std::time::Duration::from_millis(state.settings.checkout.sweeper_interval_ms.max(10));
        let sweeper = crate::orders::sweeper::spawn(state.orders.clone(), state.clock.clone(), interval);
        Ok(Self { listener, router, state, sweeper })
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
        self.sweeper.abort();
        result?;
        Ok(())
    }
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
