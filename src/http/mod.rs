//! The HTTP surface: `/graphql` (POST, GET, WebSocket), `/health/*`, `/webhooks/stripe`, the playground and the
//! front page (`playground.rs`), and the cross-cutting
//! layers (request ids, tracing, CORS, body limit).

mod auth;
mod graphql;
mod health;
mod playground;
mod webhooks;

use axum::{Router, extract::DefaultBodyLimit, http::HeaderValue, routing::get};
use tower_http::{
    cors::{AllowOrigin, Any, CorsLayer},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

use crate::{config::ServerSettings, graphql::schema::AppSchema, state::AppState};

#[derive(Clone)]
pub(crate) struct HttpState {
    pub app: AppState,
    pub schema: AppSchema,
}

pub fn router(state: AppState, schema: AppSchema) -> Router {
    let server = state.settings.server.clone();
    let http_state = HttpState { app: state, schema };
    let redirect_browsers = axum::middleware::from_fn_with_state(http_state.clone(), playground::redirect_browsers);
    Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post).layer(redirect_browsers))
        .route("/", get(playground::root))
        .route("/schema.graphql", get(playground::schema))
        .route("/playground", get(playground::page))
        .route("/playground/operations.json", get(playground::operations))
        .route("/playground/assets/{*path}", get(playground::assets))
        .route("/health/live", get(health::live))
        .route("/health/ready", get(health::ready))
        .route("/webhooks/stripe", axum::routing::post(webhooks::stripe))
        .with_state(http_state)
        .layer(DefaultBodyLimit::max(server.body_limit_bytes))
        // A request still running after the deadline gets 503; its work is dropped (a database
        // transaction in flight rolls back). WebSocket upgrades answer at once, so live
        // subscriptions are not cut.
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            std::time::Duration::from_secs(server.request_timeout_secs),
        ))
        .layer(cors(&server))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let request_id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %request_id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

fn cors(server: &ServerSettings) -> CorsLayer {
    let origins = &server.cors_allowed_origins;
    let layer = CorsLayer::new()
        .allow_methods([axum::http::Method::GET, axum::http::Method::POST])
        .allow_headers([
            axum::http::header::CONTENT_TYPE,
            axum::http::header::AUTHORIZATION,
            axum::http::header::ACCEPT,
        ])
        .expose_headers([axum::http::HeaderName::from_static("x-request-id")]);
    if origins.iter().any(|o| o == "*") {
        layer.allow_origin(Any)
    } else {
        let list: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
        layer.allow_origin(AllowOrigin::list(list))
    }
}
