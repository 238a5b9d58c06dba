//! The Redis bus: events are published (`PUBLISH`) on one channel; each instance keeps one
//! subscribed connection and fans the messages out in process through a broadcast channel.
//!
//! The subscribed connection is watched: when it ends (Redis stopped, network cut), every local
//! subscriber gets [`BusMessage::Down`] and new subscriptions are refused until a new connection
//! is subscribed again (retried with backoff, up to 5 s apart). Publishing goes through a
//! `ConnectionManager` (reconnects by itself); a publish that fails is reported to the relay,
//! which keeps the event in the outbox and retries it.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use futures_util::StreamExt;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::{Mutex, broadcast};

use super::{BusEvent, BusMessage, BusUnavailable, EventBus};

/// The channel every instance publishes to and reads.
pub const CHANNEL: &str = "agora:events";

pub struct RedisBus {
    client: redis::Client,
    publisher: Mutex<Option<ConnectionManager>>,
    tx: broadcast::Sender<BusMessage>,
    /// Whether the subscribed connection is up (set by the reader task).
    up: Arc<AtomicBool>,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for RedisBus {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

impl RedisBus {
    /// The channel every instance publishes to and reads.
    pub const CHANNEL: &'static str = CHANNEL;

    /// Parses the URL and starts the reader task (which connects, and reconnects, by itself).
    ///
    /// # Errors
    /// A URL the client cannot parse.
    pub fn start(url: &str, buffer: usize) -> anyhow::Result<Self> {
        let client = redis::Client::open(url).map_err(|e| anyhow::anyhow!("redis.url: {e}"))?;
        let tx = broadcast::channel(buffer.max(1)).0;
        let up = Arc::new(AtomicBool::new(false));
        let reader = tokio::spawn(read_loop(client.clone(), tx.clone(), up.clone()));
        Ok(Self { client, publisher: Mutex::new(None), tx, up, reader })
    }

    /// Waits (up to `timeout`) until the subscribed connection is up; `false` when it is not.
    pub async fn wait_until_up(&self, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        while !self.up.load(Ordering::SeqCst) {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        true
    }

    async fn publisher(&self) -> Result<ConnectionManager, BusUnavailable> {
        let mut guard = self.publisher.lock().await;
        if let Some(c) = guard.as_ref() {
            return Ok(c.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(1);
        let c = ConnectionManager::new_with_config(self.client.clone(), config)
            .await
            .map_err(|e| BusUnavailable(e.to_string()))?;
        *guard = Some(c.clone());
        Ok(c)
    }
}

/// Keeps one subscribed connection, forwarding its messages; says `Down` when it ends.
async fn read_loop(client: redis::Client, tx: broadcast::Sender<BusMessage>, up: Arc<AtomicBool>) {
    let mut delay = Duration::from_millis(100);
    let mut said_down = false;
    loop {
        match subscribed(&client).await {
            Ok(mut pubsub) => {
                delay = Duration::from_millis(100);
                said_down = false;
                up.store(true, Ordering::SeqCst);
                tracing::info!(channel = CHANNEL, "event bus: subscribed to Redis");
                let mut messages = pubsub.on_message();
                while let Some(msg) = messages.next().await {
                    let Ok(text) = msg.get_payload::<String>() else { continue };
                    match serde_json::from_str::<BusEvent>(&text) {
                        Ok(event) => {
                            let _ = tx.send(BusMessage::Event(Arc::new(event)));
                        }
                        Err(e) => tracing::warn!(error = %e, "event bus: unreadable message on the Redis channel"),
                    }
                }
                up.store(false, Ordering::SeqCst);
                tracing::error!("event bus: the Redis subscription ended; subscriptions are told, reconnecting");
                let _ = tx.send(BusMessage::Down(Arc::from("the event bus lost its Redis connection")));
            }
            Err(e) => {
                up.store(false, Ordering::SeqCst);
                if !said_down {
                    tracing::error!(error = %e, "event bus: cannot subscribe to Redis; retrying");
                    let _ = tx.send(BusMessage::Down(Arc::from("the event bus cannot reach Redis")));
                    said_down = true;
                }
            }
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

async fn subscribed(client: &redis::Client) -> redis::RedisResult<redis::aio::PubSub> {
    let mut pubsub = tokio::time::timeout(Duration::from_secs(2), client.get_async_pubsub())
        .await
        .map_err(|_| redis::RedisError::from((redis::ErrorKind::Io, "connect timed out")))??;
    pubsub.subscribe(CHANNEL).await?;
    Ok(pubsub)
}

#[async_trait::async_trait]
impl EventBus for RedisBus {
    fn name(&self) -> &'static str {
        "redis"
    }

    async fn publish(&self, event: &BusEvent) -> Result<(), BusUnavailable> {
        let text = serde_json::to_string(event).map_err(|e| BusUnavailable(e.to_string()))?;
        let mut conn = self.publisher().await?;
        redis::cmd("PUBLISH")
            .arg(CHANNEL)
            .arg(text)
            .query_async::<i64>(&mut conn)
            .await
            .map(|_| ())
            .map_err(|e| BusUnavailable(e.to_string()))
    }

    fn subscribe(&self) -> Result<broadcast::Receiver<BusMessage>, BusUnavailable> {
        if !self.up.load(Ordering::SeqCst) {
            return Err(BusUnavailable("the event bus is not connected to Redis".into()));
        }
        Ok(self.tx.subscribe())
    }

    fn subscriber_count(&self) -> usize {
        self.tx.receiver_count()
    }
}
