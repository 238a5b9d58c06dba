//! Orders: what was bought, at which prices, and where it stands.
//!
//! Invariants: an order is a snapshot (titles, SKUs, unit prices, discounts, tax, addresses)
//! that never follows later catalog changes; it is split into one vendor order per vendor, each
//! with its own lines, shipping and totals, and the vendor totals add up to the order totals;
//! its status only moves along [`model::OrderStatus::apply`], written with a compare-and-set so
//! two concurrent transitions cannot both win; every transition writes a history entry.
//! Unpaid orders hold their stock until `reserved_until`; the sweeper expires them after that and
//! gives stock and discount usage back.
//!
//! Vendor orders have their own status (the order's statuses): they follow the order's payment,
//! cancellation and expiry in the same transaction, then move with their own lines
//! ([`model::vendor_order_progress`]: PAID → PARTIALLY_FULFILLED → FULFILLED, or CANCELLED when
//! every unit was cancelled); once paid, the order's status derives from its vendor orders
//! ([`model::derive_order_status`]). Shipments (fulfilments) and cancellations of unshipped units
//! are vendor-scoped: see `service/fulfilment.rs`. An order line never has more units shipped
//! plus cancelled than ordered (guarded updates).

pub mod error;
pub mod graphql;
pub mod model;
pub mod repo;
pub mod service;
pub mod sweeper;

pub use error::OrderError;
pub use service::OrderService;
