//! Pricing: one pure function turns a cart (lines, chosen shipping, candidate discounts, tax
//! rates) into totals. No I/O: promotions, shipping and tax settings are loaded by their domains
//! and passed in; checkout stores the result as the order's snapshot.
//!
//! Rounding: every money amount is rounded to the currency exponent with
//! `MidpointAwayFromZero` exactly once, where it is computed at line level (line subtotal,
//! line discount, line tax); totals are exact sums of rounded line amounts, so they always add
//! up: `total = subtotal - discounts + shipping (+ tax when prices exclude tax)`.

pub mod model;

pub use model::*;
