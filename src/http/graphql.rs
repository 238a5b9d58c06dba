//! GraphQL over HTTP (the GraphQL-over-HTTP spec), around `schema.execute`:
//! - POST needs `Content-Type: application/json` (else 415, which also closes the CSRF hole of
//!   "simple" cross-site requests, as Apollo's `csrfPrevention` does); a malformed body is 400;
//!   a JSON array is a batch of at most `graphql.max_batch` operations costing at most
//!   `graphql.max_cost` in sum (`COST_EXCEEDED`).
//! - GET runs queries only: a mutation on GET is 405.
//! - The response type follows `Accept`: `application/graphql-response+json` (then a request that
//!   fails before execution is 400) or `application/json` (always 200).
//! - A GET with an `Upgrade: websocket` header speaks `graphql-transport-ws` / `graphql-ws`.

use std::net::SocketAddr;

use async_graphql::{
    BatchRequest, BatchResponse, Request, Response as GqlResponse,
    http::ALL_WEBSOCKET_PROTOCOLS,
    parser::types::{DocumentOperations, OperationType},
};
use async_graphql_axum::GraphQLProtocol;
use axum::{
    body::Bytes,
    extract::{
        ConnectInfo, State, WebSocketUpgrade, rejection::BytesRejection, ws::rejection::WebSocketUpgradeRejection,
    },
    http::{HeaderMap, HeaderValue, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::{HttpState, auth};
use crate::{
    context::RequestContext,
    graphql::{cost, loaders::Loaders},
};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

#[derive(Clone, Copy, PartialEq, Eq)]
enum MediaType {
    GraphqlResponseJson,
    Json,
}

impl MediaType {
    fn as_str(self) -> &'static str {
        match self {
            MediaType::GraphqlResponseJson => GRAPHQL_RESPONSE_JSON,
            MediaType::Json => JSON,
        }
    }
}

/// Picks the response media type from `Accept`, in the client's order of preference.
/// No `Accept` header means `application/json` (what pre-spec clients expect).
fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(MediaType::Json);
    };
    let mut ranked: Vec<(f32, usize, MediaType)> = Vec::new();
    for (i, item) in accept.split(',').enumerate() {
        let mut parts = item.split(';').map(str::trim);
        let ty = parts.next().unwrap_or_default().to_ascii_lowercase();
        let q = parts.find_map(|p| p.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
        let media = match ty.as_str() {
            GRAPHQL_RESPONSE_JSON | "*/*" | "application/*" => MediaType::GraphqlResponseJson,
            JSON => MediaType::Json,
            _ => continue,
        };
        if q > 0.0 {
            ranked.push((q, i, media));
        }
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.first().map(|r| r.2)
}

/// A request refused before GraphQL ran: one error with its code and the request id (the
/// `x-request-id` header), as GraphQL errors carry them.
fn error_response(status: StatusCode, code: &str, message: &str, media: MediaType, request_id: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code, "requestId": request_id } }] });
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static(media.as_str()))], body.to_string()).into_response()
}

fn not_acceptable(request_id: &str) -> Response {
    error_response(
        StatusCode::NOT_ACCEPTABLE,
        "NOT_ACCEPTABLE",
        "Accept application/graphql-response+json or application/json",
        MediaType::Json,
        request_id,
    )
}

/// A request that failed before execution (parse, validation, limits) has no data and only
/// path-less errors.
fn failed_before_execution(resp: &GqlResponse) -> bool {
    resp.data == async_graphql::Value::Null && !resp.errors.is_empty() && resp.errors.iter().all(|e| e.path.is_empty())
}

fn respond(batch: BatchResponse, media: MediaType) -> Response {
    let status = match (&batch, media) {
        (BatchResponse::Single(r), MediaType::GraphqlResponseJson) if failed_before_execution(r) => {
            StatusCode::BAD_REQUEST
        }
        _ => StatusCode::OK,
    };
    match serde_json::to_vec(&batch) {
        Ok(body) => (status, [(header::CONTENT_TYPE, HeaderValue::from_static(media.as_str()))], body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "serialising a GraphQL response");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The request context, or the response when it cannot be built: 401 for a presented access
/// token that is invalid, expired or whose user is blocked; 500 (logged) when the user could
/// not be looked up.
async fn context(
    s: &HttpState,
    headers: &HeaderMap,
    addr: SocketAddr,
    media: MediaType,
) -> Result<RequestContext, Response> {
    let request_id = auth::request_id(headers);
    auth::request_context(&s.app.accounts, headers, Some(addr.ip())).await.map_err(|e| match e {
        auth::AuthError::InvalidToken => invalid_token(media, &request_id),
        auth::AuthError::Internal(e) => {
            tracing::error!(error = %crate::error::chain(&e), "authenticating a request");
            let msg = "Internal server error";
            error_response(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR", msg, media, &request_id)
        }
    })
}

fn invalid_token(media: MediaType, request_id: &str) -> Response {
    let msg = "The access token is invalid or expired";
    error_response(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", msg, media, request_id)
}

fn with_request_data(req: Request, rcx: &RequestContext, loaders: &Loaders) -> Request {
    let mut req = req.data(rcx.clone());
    loaders.insert_into(&mut req.data);
    req
}

pub async fn post(
    State(s): State<HttpState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let request_id = auth::request_id(&headers);
    let Some(media) = negotiate(&headers) else { return not_acceptable(&request_id) };
    let body = match body {
        Ok(body) => body,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let max = s.app.settings.server.body_limit_bytes;
            let msg = format!("The request body is larger than the limit of {max} bytes");
            return error_response(StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", &msg, media, &request_id);
        }
        Err(_) => {
            let msg = "The request body could not be read";
            return error_response(StatusCode::BAD_REQUEST, "BAD_REQUEST", msg, media, &request_id);
        }
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if essence != JSON {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "POST requests must have Content-Type: application/json",
            media,
            &request_id,
        );
    }
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(_) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "The body is not a valid GraphQL request (JSON)",
                media,
                &request_id,
            );
        }
    };
    let max = s.app.settings.graphql.max_batch;
    if let BatchRequest::Batch(list) = &batch
        && (list.is_empty() || list.len() > max)
    {
        let msg = format!("A batch must hold between 1 and {max} operations");
        return error_response(StatusCode::BAD_REQUEST, "BATCH_LIMIT", &msg, media, &request_id);
    }
    if let BatchRequest::Batch(list) = &batch {
        let model = crate::graphql::schema::cost_model();
        let total: u64 = list
            .iter()
            .filter_map(|r| {
                let doc = async_graphql::parser::parse_query(&r.query).ok()?;
                Some(cost::cost(&model, &doc, r.operation_name.as_deref(), &r.variables, None))
            })
            .sum();
        let max_cost = s.app.settings.graphql.max_cost;
        if total > max_cost {
            let msg = format!("The batch costs {total} in sum, over the limit of {max_cost} per request");
            return error_response(StatusCode::BAD_REQUEST, "COST_EXCEEDED", &msg, media, &request_id);
        }
    }
    let rcx = match context(&s, &headers, addr, media).await {
        Ok(rcx) => rcx,
        Err(resp) => return resp,
    };
    let loaders = Loaders::new(&s.app, &rcx);
    let batch = match batch {
        BatchRequest::Single(r) => BatchRequest::Single(with_request_data(r, &rcx, &loaders)),
        BatchRequest::Batch(v) => {
            BatchRequest::Batch(v.into_iter().map(|r| with_request_data(r, &rcx, &loaders)).collect())
        }
    };
    respond(s.schema.execute_batch(batch).await, media)
}

/// Whether the operation a GET would run is a mutation (or subscription): those need POST/WS.
fn is_mutation(req: &Request) -> bool {
    let Ok(doc) = async_graphql::parser::parse_query(&req.query) else { return false };
    let ty = match &doc.operations {
        DocumentOperations::Single(op) => Some(op.node.ty),
        DocumentOperations::Multiple(ops) => match &req.operation_name {
            Some(name) => ops.get(name.as_str()).map(|op| op.node.ty),
            None => None,
        },
    };
    matches!(ty, Some(OperationType::Mutation | OperationType::Subscription))
}

pub async fn get(
    State(s): State<HttpState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    uri: Uri,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    protocol: Result<GraphQLProtocol, StatusCode>,
) -> Response {
    if let Ok(ws) = ws {
        return match protocol {
            Ok(protocol) => websocket(s, &headers, addr, ws, protocol),
            Err(_) => (StatusCode::BAD_REQUEST, "Sec-WebSocket-Protocol must be graphql-transport-ws or graphql-ws")
                .into_response(),
        };
    }
    let request_id = auth::request_id(&headers);
    let Some(media) = negotiate(&headers) else { return not_acceptable(&request_id) };
    let req = match async_graphql::http::parse_query_string(uri.query().unwrap_or_default()) {
        Ok(r) => r,
        Err(_) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "Pass `query` (and optionally `variables`, `operationName`) in the query string",
                media,
                &request_id,
            );
        }
    };
    if is_mutation(&req) {
        let mut resp = error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "Mutations must be sent with POST",
            media,
            &request_id,
        );
        resp.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return resp;
    }
    let rcx = match context(&s, &headers, addr, media).await {
        Ok(rcx) => rcx,
        Err(resp) => return resp,
    };
    let loaders = Loaders::new(&s.app, &rcx);
    let req = with_request_data(req, &rcx, &loaders);
    respond(BatchResponse::Single(s.schema.execute(req).await), media)
}

/// What the server says when `connection_init` carries an unusable token.
const INVALID_TOKEN: &str = "The access token is invalid or expired";
/// What it says when the user has `realtime.max_sockets_per_principal` sockets open already.
const TOO_MANY_SOCKETS: &str = "Too many open connections for this user";

/// GraphQL over WebSocket (`graphql-transport-ws`, legacy `graphql-ws`), around async-graphql's
/// protocol state machine, which we drive ourselves (as `async_graphql_axum::GraphQLWebSocket::
/// serve` does) to add what it lacks:
/// - `connection_init` authenticates like HTTP (`Authorization: Bearer …` in its payload); an
///   invalid, expired or blocked user's token closes the socket with 4403 on
///   `graphql-transport-ws` (the legacy protocol gets its `connection_error` message, then the
///   close). The token's expiry ends the connection's subscriptions (`SessionExpiry`).
/// - No `connection_init` within `realtime.connection_init_timeout_secs`: close 4408.
/// - More than `realtime.max_subscriptions_per_socket` operations running at once on the
///   socket, or more than `realtime.max_sockets_per_principal` sockets of one user: close 4429
///   with the reason.
/// - Each operation gets its own dataloaders (`graphql::loaders::PerOperationLoaders`), never
///   the connection's.
fn websocket(
    s: HttpState,
    headers: &HeaderMap,
    addr: SocketAddr,
    ws: WebSocketUpgrade,
    _protocol: GraphQLProtocol,
) -> Response {
    use async_graphql::http::WebSocketProtocols;
    use axum::extract::ws::{CloseFrame, Message};
    use futures_util::{SinkExt, StreamExt, future};

    // The protocol `GraphQLProtocol` accepted: the first supported one the client offered.
    let protocol = headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').find_map(|p| p.trim().parse::<WebSocketProtocols>().ok()))
        .unwrap_or(WebSocketProtocols::GraphQLWS);

    let request_id = auth::request_id(headers);
    ws.protocols(ALL_WEBSOCKET_PROTOCOLS).on_upgrade(move |socket| async move {
        let app = s.app.clone();
        let realtime = &app.settings.realtime;
        let init_timeout = std::time::Duration::from_secs(realtime.connection_init_timeout_secs.max(1));
        let max_operations = realtime.max_subscriptions_per_socket.max(1);
        let (mut sink, input) = socket.split();
        // The operations running on this socket: started by the client, ended by either side.
        let running = std::sync::Arc::new(std::sync::Mutex::new(std::collections::HashSet::<String>::new()));
        let over_limit = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (r, over) = (running.clone(), over_limit.clone());
        let input = input
            .take_while(|res| future::ready(res.is_ok()))
            .filter_map(|msg| {
                future::ready(match msg {
                    Ok(m @ (Message::Text(_) | Message::Binary(_))) => Some(m.into_data()),
                    _ => None,
                })
            })
            .take_while(move |bytes| {
                let msg: serde_json::Value = serde_json::from_slice(bytes).unwrap_or_default();
                let id = msg["id"].as_str().map(str::to_owned);
                let mut running = r.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                match (msg["type"].as_str(), id) {
                    (Some("subscribe" | "start"), Some(id)) => {
                        running.insert(id);
                    }
                    (Some("complete" | "stop"), Some(id)) => {
                        running.remove(&id);
                    }
                    _ => {}
                }
                let within = running.len() <= max_operations;
                if !within {
                    over.store(true, std::sync::atomic::Ordering::SeqCst);
                }
                future::ready(within)
            });
        let on_init = move |payload: serde_json::Value| async move {
            let authorization =
                payload.get("Authorization").or_else(|| payload.get("authorization")).and_then(|v| v.as_str());
            let session = auth::session_from_authorization(&app.accounts, authorization).await.map_err(|e| {
                if let auth::AuthError::Internal(e) = &e {
                    tracing::error!(error = %crate::error::chain(e), "authenticating a WebSocket connection");
                }
                async_graphql::Error::new(INVALID_TOKEN)
            })?;
            let viewer = session.map(|(v, _)| v);
            let slot = match viewer {
                Some(v) => {
                    Some(app.sockets.acquire(v.user_id).ok_or_else(|| async_graphql::Error::new(TOO_MANY_SOCKETS))?)
                }
                None => None,
            };
            let rcx = RequestContext { viewer, request_id, client_ip: Some(addr.ip()), system: false };
            let mut data = async_graphql::Data::default();
            data.insert(rcx);
            data.insert(crate::realtime::graphql::SessionExpiry(session.map(|(_, exp)| exp)));
            if let Some(slot) = slot {
                data.insert(std::sync::Arc::new(slot)); // held while the connection lives
            }
            Ok(data)
        };
        let transport_ws = protocol == WebSocketProtocols::GraphQLWS;
        let out = async_graphql::http::WebSocket::new(s.schema.clone(), input, protocol)
            .on_connection_init(on_init)
            .map(move |msg| match msg {
                async_graphql::http::WsMessage::Text(text) => Message::Text(text.into()),
                async_graphql::http::WsMessage::Close(code, reason) => {
                    let (code, reason) = match reason.as_str() {
                        INVALID_TOKEN if transport_ws && code == 1002 => (4403, "Forbidden".to_owned()),
                        TOO_MANY_SOCKETS if code == 1002 => (4429, reason),
                        _ => (code, reason),
                    };
                    Message::Close(Some(CloseFrame { code, reason: reason.into() }))
                }
            });
        futures_util::pin_mut!(out);
        let deadline = tokio::time::sleep(init_timeout);
        tokio::pin!(deadline);
        let mut acknowledged = false;
        loop {
            let next = if acknowledged {
                out.next().await
            } else {
                tokio::select! {
                    m = out.next() => m,
                    () = &mut deadline => {
                        let frame = CloseFrame { code: 4408, reason: "Connection initialisation timeout".into() };
                        let _ = sink.send(Message::Close(Some(frame))).await;
                        break;
                    }
                }
            };
            let Some(msg) = next else {
                if over_limit.load(std::sync::atomic::Ordering::SeqCst) {
                    let reason = format!("Too many operations on this socket (at most {max_operations})");
                    let _ = sink.send(Message::Close(Some(CloseFrame { code: 4429, reason: reason.into() }))).await;
                }
                break;
            };
            if let Message::Text(t) = &msg
                && t.as_str().contains("\"complete\"")
                && let Ok(v) = serde_json::from_str::<serde_json::Value>(t.as_str())
                && let Some(id) = v["id"].as_str()
            {
                running.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(id);
            }
            if let Message::Text(t) = &msg
                && !acknowledged
            {
                acknowledged = t.as_str().contains("\"connection_ack\"");
            }
            let closing = matches!(msg, Message::Close(_));
            if sink.send(msg).await.is_err() || closing {
                break;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn accept_header_picks_the_response_media_type() {
        assert!(matches!(negotiate(&HeaderMap::new()), Some(MediaType::Json)));
        assert!(matches!(negotiate(&accept("application/json")), Some(MediaType::Json)));
        assert!(matches!(
            negotiate(&accept("application/graphql-response+json")),
            Some(MediaType::GraphqlResponseJson)
        ));
        assert!(matches!(
            negotiate(&accept("application/graphql-response+json, application/json;q=0.9")),
            Some(MediaType::GraphqlResponseJson)
        ));
        assert!(matches!(
            negotiate(&accept("application/json, application/graphql-response+json;q=0.5")),
            Some(MediaType::Json)
        ));
        assert!(matches!(negotiate(&accept("*/*")), Some(MediaType::GraphqlResponseJson)));
        assert!(negotiate(&accept("text/html")).is_none());
    }
}
