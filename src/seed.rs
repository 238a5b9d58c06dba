//! The demo catalog seeded on first start.

use crate::app::AppState;

/// Seeds the demo catalog into an empty database; returns whether it seeded.
pub async fn seed_demo(_state: &AppState) -> anyhow::Result<bool> {
    // TODO(#2): the demo catalog lands with the catalog domain.
    Ok(false)
}
