use axum::{Json, extract::State, http::StatusCode};
use serde_json::{Value, json};

use super::HttpState;

/// The process is up.
pub async fn live() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The process can serve: the database answers. `search` reports the search engine (its
/// outage does not make the process unready: browsing still works).
pub async fn ready(State(s): State<HttpState>) -> (StatusCode, Json<Value>) {
    let search = s.app.search.status().await;
    if crate::infra::db::ping(&s.app.db).await {
        (StatusCode::OK, Json(json!({ "status": "ok", "database": "ok", "search": search })))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "database": "unreachable", "search": search })),
        )
    }
}
