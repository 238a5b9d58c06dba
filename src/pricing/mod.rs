//! Pricing: one pure function turns a cart (lines, chosen shipping, candidate discounts, tax
//! rates) into totals. No I/O: promotions, shipping and tax settings are loaded by their domains
//! and passed in; checkout stores the result as the order's snapshot.
//!
//! Rounding: every money amount is rounded to the currency exponent with
//! `MidpointAwayFromZero` exactly once, where it is computed at line level (line subtotal,
//! line discount, line tax); totals are exact sums of rounded line amounts, so they always add
//! up: `total = subtotal - discounts + shipping (+ tax when prices exclude tax)`.
//!
//! Discounts: a rule reaches the lines matching its target and vendor; a percentage takes
//! `round(p %)` of what is left of each line, a fixed amount is spread over the lines in
//! proportion to what is left of them (largest remainder, in minor units). When one applicable
//! rule does not combine, the single best option is applied: one such rule alone, or all
//! combinable rules together.
//!
//! Invariants: nothing is negative, a line's discount never exceeds its subtotal, tax contained
//! in a price never exceeds it.

mod compute;
mod discount;
pub mod model;
mod shipping;
#[cfg(test)]
mod tests;

pub use compute::compute;
pub use model::*;
pub use shipping::shipping_price;
