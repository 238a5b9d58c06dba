//! The buying path: carts, checkout, orders and payments, and their guarantees under
//! concurrency. Fixtures (`shop`, `ready_cart`, …) are in `crate::helpers::fixtures` and go
//! through the API as staff; carts for the concurrency runs are prepared through the services
//! (the same rules, fewer round trips).

mod cart_races;
mod carts;
mod complete;
mod concurrency;
mod orders;
mod payments;
mod pricing;
