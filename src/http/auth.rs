//! Resolves the viewer once per request, from `Authorization: Bearer <access token>` (HTTP) or
//! the `Authorization` key of the WebSocket `connection_init` payload. A token verifies only if
//! its user still exists and is not blocked (a database read per authenticated request, so a
//! block applies at once on every instance).

use std::net::IpAddr;

use axum::http::HeaderMap;

use crate::{
    accounts::AccountService,
    context::{RequestContext, Viewer},
};

/// Why no request context could be built.
#[derive(Debug)]
pub enum AuthError {
    /// A presented but unusable token (malformed, expired, its user blocked or gone): the client
    /// must refresh or sign in again.
    InvalidToken,
    /// The user could not be looked up (database failure); logged, answered as internal.
    Internal(sea_orm::DbErr),
}

/// The viewer of an `Authorization` value; `Ok(None)` when there is none.
pub async fn viewer_from_authorization(
    accounts: &AccountService,
    value: Option<&str>,
) -> Result<Option<Viewer>, AuthError> {
    Ok(session_from_authorization(accounts, value).await?.map(|(viewer, _)| viewer))
}

/// The viewer of an `Authorization` value and when its token expires (a WebSocket session's
/// subscriptions end then); `Ok(None)` when there is none.
pub async fn session_from_authorization(
    accounts: &AccountService,
    value: Option<&str>,
) -> Result<Option<(Viewer, chrono::DateTime<chrono::Utc>)>, AuthError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    let token =
        value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")).ok_or(AuthError::InvalidToken)?;
    match accounts.authenticate_until(token.trim()).await {
        Ok(Some(session)) => Ok(Some(session)),
        Ok(None) => Err(AuthError::InvalidToken),
        Err(e) => Err(AuthError::Internal(e)),
    }
}

/// The request id the request carries (`x-request-id`, set by the HTTP layer when the client
/// sent none), at most 128 characters.
pub fn request_id(headers: &HeaderMap) -> String {
    headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().chars().take(128).collect()
}

pub async fn request_context(
    accounts: &AccountService,
    headers: &HeaderMap,
    client_ip: Option<IpAddr>,
) -> Result<RequestContext, AuthError> {
    let authorization = headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    Ok(RequestContext {
        viewer: viewer_from_authorization(accounts, authorization).await?,
        request_id: request_id(headers),
        client_ip,
        system: false,
    })
}
