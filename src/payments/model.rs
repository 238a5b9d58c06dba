//! A payment attempt is part of the order's record (`orders::model::{Payment, PaymentStatus}`,
//! shown as `Order.payments`); this slice makes and moves attempts through a provider.

pub use crate::orders::model::{Payment, PaymentStatus};
