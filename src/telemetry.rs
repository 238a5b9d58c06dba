//! Logging: pretty in development, JSON when `telemetry.format = "json"`.
//! Tests stay silent unless `TEST_LOG=1`.
//!
//! Logs go to stderr, so a command's own output on stdout (`agora print-schema`) stays clean;
//! colours only when stderr is a terminal, so redirected logs have no escape codes.

use std::io::IsTerminal;

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::{LogFormat, TelemetrySettings};

/// Installs the global subscriber; a second call (tests) is a no-op.
pub fn init(settings: &TelemetrySettings) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.filter));
    let registry = tracing_subscriber::registry().with(filter);
    let layer = fmt::layer().with_writer(std::io::stderr);
    let _ = match settings.format {
        LogFormat::Json => registry.with(layer.json().with_current_span(true)).try_init(),
        LogFormat::Pretty => registry.with(layer.compact().with_ansi(std::io::stderr().is_terminal())).try_init(),
    };
}
