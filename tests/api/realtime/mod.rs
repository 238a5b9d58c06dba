//! Real-time over a real WebSocket client, on both protocols: authentication at
//! `connection_init` (`auth.rs`), the subscriptions and their filtering (`subscriptions.rs`),
//! per-operation dataloaders and limits (`socket.rs`), two instances sharing Redis
//! (`scale_out.rs`). The apps here run their outbox relay in the background (every 20 ms, as
//! production does every second), so committed events reach subscribers without the test
//! driving anything; tests wait for messages, with a generous deadline, never for time.

mod auth;
mod scale_out;
mod socket;
mod subscriptions;

use std::time::Duration;

use agora::config::Settings;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream,
    tungstenite::{Message, client::IntoClientRequest},
};

use crate::helpers::TestApp;

/// How long a test waits for a message it expects (never a pass condition on its own).
const PATIENCE: Duration = Duration::from_secs(30);

/// The two GraphQL-over-WebSocket protocols.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proto {
    /// `graphql-transport-ws` (graphql-ws library).
    TransportWs,
    /// The legacy `graphql-ws` (subscriptions-transport-ws).
    Legacy,
}

impl Proto {
    pub const BOTH: [Proto; 2] = [Proto::TransportWs, Proto::Legacy];

    fn header(self) -> &'static str {
        match self {
            Proto::TransportWs => "graphql-transport-ws",
            Proto::Legacy => "graphql-ws",
        }
    }
}

/// The background relay on, delivering every 20 ms.
pub fn live(s: &mut Settings) {
    s.payments.relay_interval_ms = 20;
}

pub async fn live_app() -> TestApp {
    TestApp::spawn_with(live).await
}

/// What the server sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    Json(Value),
    Closed(Option<u16>),
}

pub struct Ws {
    inner: WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>,
    pub proto: Proto,
}

impl Ws {
    pub async fn connect(app: &TestApp, proto: Proto) -> Self {
        let mut req = format!("ws://{}/graphql", app.addr).into_client_request().unwrap();
        req.headers_mut().insert("sec-websocket-protocol", proto.header().parse().unwrap());
        let (inner, resp) = tokio_tungstenite::connect_async(req).await.expect("upgrade");
        assert_eq!(resp.headers()["sec-websocket-protocol"], proto.header());
        Self { inner, proto }
    }

    /// Connects and sends `connection_init` (with `Authorization: Bearer <token>` when given);
    /// returns the server's answer.
    pub async fn open(app: &TestApp, proto: Proto, token: Option<&str>) -> (Self, Frame) {
        let mut ws = Self::connect(app, proto).await;
        let payload = match token {
            Some(t) => json!({ "Authorization": format!("Bearer {t}") }),
            None => json!({}),
        };
        ws.send(json!({ "type": "connection_init", "payload": payload })).await;
        let answer = ws.frame().await;
        (ws, answer)
    }

    /// [`Ws::open`], expecting `connection_ack`.
    pub async fn ready(app: &TestApp, proto: Proto, token: Option<&str>) -> Self {
        let (ws, answer) = Self::open(app, proto, token).await;
        assert_eq!(answer, Frame::Json(json!({ "type": "connection_ack" })), "{proto:?}");
        ws
    }

    pub async fn send(&mut self, v: Value) {
        self.inner.send(Message::text(v.to_string())).await.expect("send");
    }

    /// The next JSON message or the close (keep-alives skipped), within [`PATIENCE`].
    pub async fn frame(&mut self) -> Frame {
        loop {
            let next = tokio::time::timeout(PATIENCE, self.inner.next()).await.expect("a message in time");
            match next {
                Some(Ok(Message::Text(t))) => {
                    let v: Value = serde_json::from_str(&t).unwrap();
                    if v["type"] == "ka" || v["type"] == "ping" || v["type"] == "pong" {
                        continue;
                    }
                    return Frame::Json(v);
                }
                Some(Ok(Message::Close(frame))) => return Frame::Closed(frame.map(|f| u16::from(f.code))),
                None | Some(Err(_)) => return Frame::Closed(None),
                Some(Ok(_)) => continue,
            }
        }
    }

    /// Starts operation `id` (a subscription, or a query).
    pub async fn start(&mut self, id: &str, query: &str, variables: Value) {
        let ty = if self.proto == Proto::TransportWs { "subscribe" } else { "start" };
        self.send(json!({ "id": id, "type": ty, "payload": { "query": query, "variables": variables } })).await;
    }

    /// The next result of operation `id` (`next` / `data`): its payload (`data`, `errors`);
    /// panics on anything else (a completion, a close, another operation's message).
    pub async fn next_of(&mut self, id: &str) -> Value {
        match self.frame().await {
            Frame::Json(v) if v["id"] == id && (v["type"] == "next" || v["type"] == "data") => v["payload"].clone(),
            other => panic!("expected a result of {id}, got {other:?}"),
        }
    }

    /// The next event of subscription `id` (its `data.<field>`), skipping `PLACED` events: an
    /// order placed just before the subscription started may be delivered just after it (the
    /// relay runs in the background). Panics on an error.
    pub async fn change(&mut self, id: &str, field: &str) -> Value {
        loop {
            let r = self.next_of(id).await;
            assert!(r.get("errors").is_none(), "{r}");
            let e = r["data"][field].clone();
            if e["type"] != "PLACED" {
                return e;
            }
        }
    }

    /// Expects operation `id` to complete now.
    pub async fn complete_of(&mut self, id: &str) {
        match self.frame().await {
            Frame::Json(v) if v["id"] == id && v["type"] == "complete" => {}
            other => panic!("expected {id} to complete, got {other:?}"),
        }
    }

    /// Runs a query as operation `id` and returns its one result (then the completion).
    pub async fn query(&mut self, id: &str, query: &str, variables: Value) -> Value {
        self.start(id, query, variables).await;
        let r = self.next_of(id).await;
        self.complete_of(id).await;
        r
    }
}

/// Waits until `app` has `n` live subscriptions on its bus (each subscribes when the server
/// has checked its access, a moment after `subscribe`): events committed before would not
/// reach them.
pub async fn subscribed(app: &TestApp, n: usize) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while app.state.bus.subscriber_count() < n {
        assert!(tokio::time::Instant::now() < deadline, "{n} subscriptions did not start");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Waits until `app` has at most `n` live subscriptions (closed ones are let go).
pub async fn subscribed_at_most(app: &TestApp, n: usize) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while app.state.bus.subscriber_count() > n {
        assert!(tokio::time::Instant::now() < deadline, "subscriptions were not let go");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The `extensions.code` of a result's first error.
pub fn error_code(payload: &Value) -> String {
    payload["errors"][0]["extensions"]["code"].as_str().unwrap_or("<none>").to_owned()
}
