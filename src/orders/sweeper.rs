//! The background task that expires unpaid orders after their reservation.

use std::time::Duration;

use crate::{orders::OrderService, shared::clock::SharedClock};

/// Runs `expire_due` every `interval` until the returned handle is aborted or the runtime stops.
pub fn spawn(orders: OrderService, clock: SharedClock, interval: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match orders.expire_due(clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(expired = n, "released the stock of unpaid orders"),
                Err(e) => tracing::error!(error = %crate::error::chain(&e), "order sweeper failed"),
            }
        }
    })
}
