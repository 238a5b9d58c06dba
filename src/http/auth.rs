//! Resolves the viewer once per request, from `Authorization: Bearer <access token>` (HTTP) or
//! the `Authorization` key of the WebSocket `connection_init` payload.

use std::net::IpAddr;

use axum::http::HeaderMap;

use crate::{
    accounts::AccountService,
    context::{RequestContext, Viewer},
};

/// A presented but unusable token: the client must refresh or sign in again.
#[derive(Debug)]
pub struct InvalidToken;

/// The viewer of an `Authorization` value; `Ok(None)` when there is none.
pub fn viewer_from_authorization(
    accounts: &AccountService,
    value: Option<&str>,
) -> Result<Option<Viewer>, InvalidToken> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    let token = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")).ok_or(InvalidToken)?;
    accounts.authenticate(token.trim()).map(Some).ok_or(InvalidToken)
}

pub fn request_context(
    accounts: &AccountService,
    headers: &HeaderMap,
    client_ip: Option<IpAddr>,
) -> Result<RequestContext, InvalidToken> {
    let authorization = headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    Ok(RequestContext {
        viewer: viewer_from_authorization(accounts, authorization)?,
        request_id: headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned(),
        client_ip,
        system: false,
    })
}
