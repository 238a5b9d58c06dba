//! The Stripe adapter (`agora::payments::stripe`) against the Stripe-shaped server
//! (`helpers::stripe_mock`): the real async-stripe client on 127.0.0.1, every request checked.

mod adapter;
mod api;
mod faults;

use std::time::Duration;

use agora::{
    payments::{provider::PaymentRequest, stripe::StripeProvider},
    shared::{
        ids::{OrderId, PaymentId},
        money::{Currency, Money},
    },
};

use crate::helpers::stripe_mock::StripeMock;

/// The adapter as production builds it from the mock's settings, with millisecond backoff.
fn provider(mock: &StripeMock) -> StripeProvider {
    StripeProvider::new(&mock.settings())
        .expect("stripe provider")
        .with_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

/// A 12.00 USD attempt with `key`, paid with `method` (or client-side without).
fn request(key: &str, method: Option<&str>) -> PaymentRequest {
    PaymentRequest {
        order_id: OrderId::new(),
        payment_id: PaymentId::new(),
        amount: Money::from_minor(1200, Currency::USD),
        idempotency_key: key.to_owned(),
        payment_method: method.map(str::to_owned),
    }
}
