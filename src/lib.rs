//! Agora: a GraphQL headless-commerce backend. A guided tour, in reading order:

/// Users, roles, passwords and tokens.
pub mod accounts;
/// Composition root: the HTTP server and its background jobs on top of [`state::AppState`].
/// Start reading here.
pub mod app;
/// The audit log: every privileged action, append-only.
pub mod audit;
/// A shopper's cart: lines with price snapshots, buyer identity, addresses, problems.
pub mod cart;
/// Categories, products, variants, images, attributes and stock.
pub mod catalog;
/// Quotes a cart and completes it into an order in one transaction, idempotently.
pub mod checkout;
/// Typed settings: defaults < optional file < `AGORA_SECTION__KEY` environment variables.
pub mod config;
/// Who is calling: the first argument of every service call.
pub mod context;
/// The error model: user errors vs request errors vs internal errors.
pub mod error;
/// The GraphQL kit the slices use (errors, global IDs, money, guards, context access) and, in
/// `graphql::schema`, the root that assembles every slice (which no slice may import).
pub mod graphql;
/// The HTTP surface: GraphQL over HTTP and WebSocket, health checks, middleware.
pub mod http;
/// Adapters to the outside world: the database connection for now.
pub mod infra;
/// Orders: snapshots split per vendor, the status machine, cancel, fulfil, expiry.
pub mod orders;
/// The transactional outbox: events committed with their change, delivered at least once.
pub mod outbox;
/// Paying orders through a provider port; the built-in test provider is the default.
pub mod payments;
/// Totals: one pure function from cart, discounts, shipping and tax rates to amounts.
pub mod pricing;
/// Discount codes and automatic promotions; their usage limits, redeemed inside checkout.
pub mod promotions;
/// Real-time: committed events on an event bus (in process or Redis) and the GraphQL
/// subscriptions reading them.
pub mod realtime;
/// Faceted product search: the `SearchIndex` port, the embedded and Meilisearch engines, sync.
pub mod search;
/// The demo catalog seeded on first start.
pub mod seed;
/// The kernel: typed IDs, money, pagination cursors, slugs and SKUs, country codes, e-mail
/// addresses and roles.
pub mod shared;
/// Shipping zones by country and region, and the methods (flat or weight-tiered) offered in each.
pub mod shipping;
/// `AppState`: the services, built once from the settings.
pub mod state;
/// Tax rates by country, region and tax class; whether prices include tax.
pub mod tax;
/// Logging setup: pretty in development, JSON in production.
pub mod telemetry;
/// Sellers; every product belongs to one.
pub mod vendors;
