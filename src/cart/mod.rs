//! Carts: what a shopper intends to buy, before checkout.
//!
//! Invariants: a cart id is random and is a guest's credential (so cart and checkout spans record
//! no arguments: `skip_all`); a signed-in customer has at most
//! one ACTIVE cart (partial unique index); each line keeps the unit price the buyer saw
//! (`unit_price` snapshot) and reading a cart reports drift as `problems` instead of changing
//! amounts silently; quantities are 1..=max per line and a cart holds at most `max_lines`.
//! A COMPLETED or MERGED cart never changes again.

pub mod error;
pub mod graphql;
pub mod model;
pub mod repo;
pub mod service;

pub use error::CartError;
pub use service::CartService;
