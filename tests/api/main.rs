//! The black-box API suite: one binary, real HTTP and WebSocket against `TestApp::spawn()`.
//! SQLite by default; PostgreSQL when `TEST_DATABASE_URL` is set.

mod accounts;
mod architecture;
mod authz;
mod bench;
mod catalog;
mod checkout;
mod cli;
mod cost;
mod errors;
mod first_run;
mod fulfilment;
mod helpers;
mod http;
mod input_limits;
mod loaders;
mod marketplace;
mod moderation;
mod ops;
mod outbox;
mod playground;
mod promotions;
mod realtime;
mod refunds;
mod schema;
mod search;
mod seed;
mod shipping;
#[cfg(feature = "stripe")]
mod stripe;
mod stripe_webhooks;
mod tax;
mod vendors;
