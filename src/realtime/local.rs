//! The in-process bus: one `tokio::sync::broadcast` channel.

use std::sync::Arc;

use tokio::sync::broadcast;

use super::{BusEvent, BusMessage, BusUnavailable, EventBus};

pub struct LocalBus {
    tx: broadcast::Sender<BusMessage>,
}

impl LocalBus {
    /// A bus whose subscribers may fall `buffer` events behind before they are dropped.
    pub fn new(buffer: usize) -> Self {
        Self { tx: broadcast::channel(buffer.max(1)).0 }
    }
}

#[async_trait::async_trait]
impl EventBus for LocalBus {
    fn name(&self) -> &'static str {
        "local"
    }

    async fn publish(&self, event: &BusEvent) -> Result<(), BusUnavailable> {
        // No subscriber is not an error: nobody is listening.
        let _ = self.tx.send(BusMessage::Event(Arc::new(event.clone())));
        Ok(())
    }

    fn subscribe(&self) -> Result<broadcast::Receiver<BusMessage>, BusUnavailable> {
        Ok(self.tx.subscribe())
    }

    fn subscriber_count(&self) -> usize {
        self.tx.receiver_count()
    }
}
