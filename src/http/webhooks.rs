//! `POST /webhooks/stripe`: Stripe's event deliveries. No GraphQL, no bearer token: the
//! `Stripe-Signature` over the raw body is the credential.
//!
//! | answer | when | Stripe then |
//! |---|---|---|
//! | 200 `{"outcome":"applied"\|"duplicate"\|"ignored"}` | applied now, applied before, or not ours / a type we do not handle | done |
//! | 400 | no or bad signature, timestamp outside 300 s, unreadable event: nothing written | retries, then gives up |
//! | 413 | body over `server.body_limit_bytes` | retries |
//! | 500 / 503 | database error / provider unreachable for an ambiguous event | retries (up to three days) |
//! | 503 | no `stripe.webhook_secrets` configured (logged as an error) | retries, so nothing is lost while the secret is being set |

use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::json;

use crate::{
    context::RequestContext,
    payments::{PaymentError, webhook},
};

use super::HttpState;

fn reject(status: StatusCode) -> Response {
    (status, Json(json!({ "error": status.canonical_reason().unwrap_or("error") }))).into_response()
}

pub(super) async fn stripe(State(state): State<HttpState>, headers: HeaderMap, body: Bytes) -> Response {
    let secrets: Vec<&str> = state.app.settings.stripe.webhook_secrets.iter().map(|s| s.expose()).collect();
    if secrets.is_empty() {
        tracing::error!(
            "a Stripe webhook arrived but stripe.webhook_secrets is not set (AGORA_STRIPE__WEBHOOK_SECRETS)"
        );
        return reject(StatusCode::SERVICE_UNAVAILABLE);
    }
    let header = headers.get("stripe-signature").and_then(|v| v.to_str().ok());
    let now = state.app.clock.now().timestamp();
    if let Err(e) = webhook::verify(&body, header, &secrets, now) {
        tracing::warn!(reason = %e, "Stripe webhook rejected");
        return reject(StatusCode::BAD_REQUEST);
    }
    let event = match webhook::parse(&body) {
        Ok(event) => event,
        Err(e) => {
            tracing::error!(error = %e, "a signed Stripe webhook could not be read");
            return reject(StatusCode::BAD_REQUEST);
        }
    };
    let rcx = RequestContext {
        request_id: headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned(),
        ..RequestContext::system()
    };
    match state.app.payments.apply_event(&rcx, &event).await {
        Ok(outcome) => (StatusCode::OK, Json(json!({ "outcome": outcome.as_str() }))).into_response(),
        Err(e) => {
            tracing::error!(event_id = %event.id, error = %crate::error::chain(&e), "Stripe webhook not applied; Stripe will retry");
            match e {
                PaymentError::ProviderUnavailable => reject(StatusCode::SERVICE_UNAVAILABLE),
                _ => reject(StatusCode::INTERNAL_SERVER_ERROR),
            }
        }
    }
}
