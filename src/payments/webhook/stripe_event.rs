//! Reading a Stripe event (already verified) into a [`ProviderEvent`]. Only `id`, `type`,
//! `created` and the few fields of `data.object` payments uses are read, with serde into small
//! structs (async-stripe's event types are built for miniserde; their serde derives stay off),
//! so an event from a newer API version with fields we do not know still reads.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::{
    orders::model::DisputeStatus,
    payments::{
        provider::{ProviderRefund, ProviderRefundStatus, ProviderStatus},
        webhook::event::{DisputeReport, EventKind, PaymentReport, ProviderEvent, RefundReport},
    },
    shared::{
        ids::PaymentId,
        money::{Currency, Money},
    },
};

/// The metadata key linking a PaymentIntent to its attempt (set by the Stripe adapter).
pub const PAYMENT_ID_KEY: &str = "agora_payment_id";
/// The metadata key linking a Refund to ours (set by the Stripe adapter).
pub const REFUND_ID_KEY: &str = "agora_refund_id";

/// The body is not a Stripe event we can read.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("the body is not a Stripe event: {0}")]
    Json(#[from] serde_json::Error),
    #[error("unknown currency `{0}`")]
    Currency(String),
    #[error("unknown {what} status `{status}`")]
    Status { what: &'static str, status: String },
}

#[derive(Deserialize)]
struct Envelope {
    id: String,
    #[serde(rename = "type")]
    type_: String,
    created: i64,
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    object: serde_json::Value,
}

#[derive(Deserialize)]
struct Intent {
    id: String,
    status: String,
    #[serde(default)]
    client_secret: Option<String>,
    #[serde(default)]
    metadata: HashMap<String, String>,
    #[serde(default)]
    last_payment_error: Option<LastPaymentError>,
}

#[derive(Deserialize)]
struct LastPaymentError {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    decline_code: Option<String>,
}

#[derive(Deserialize)]
struct Refund {
    id: String,
    amount: i64,
    currency: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    failure_reason: Option<String>,
    #[serde(default)]
    payment_intent: Option<String>,
    #[serde(default)]
    metadata: HashMap<String, String>,
}

#[derive(Deserialize)]
struct Charge {
    /// Present in API versions before 2022-11-15 (and when expanded); later, `refund.*` events
    /// carry each refund.
    #[serde(default)]
    refunds: Option<List<Refund>>,
}

#[derive(Deserialize)]
struct List<T> {
    data: Vec<T>,
}

#[derive(Deserialize)]
struct Dispute {
    id: String,
    amount: i64,
    currency: String,
    reason: String,
    status: String,
    #[serde(default)]
    payment_intent: Option<String>,
}

/// Reads a Stripe event. Unknown types read as [`EventKind::Unhandled`].
///
/// # Errors
/// The body is not JSON, lacks `id`/`type`/`created`/`data.object`, or a handled type's object
/// lacks a field payments needs (or carries a status or currency it does not know).
pub fn parse(body: &[u8]) -> Result<ProviderEvent, ParseError> {
    let envelope: Envelope = serde_json::from_slice(body)?;
    let object = envelope.data.object;
    let kind = match envelope.type_.as_str() {
        t if t.starts_with("payment_intent.") => EventKind::Payment(payment(t, serde_json::from_value(object)?)?),
        "charge.refunded" => {
            let charge: Charge = serde_json::from_value(object)?;
            let refunds = charge.refunds.map(|l| l.data).unwrap_or_default();
            EventKind::Refunds(refunds.into_iter().map(refund).collect::<Result<_, _>>()?)
        }
        "refund.created" | "refund.updated" | "refund.failed" | "charge.refund.updated" => {
            EventKind::Refunds(vec![refund(serde_json::from_value(object)?)?])
        }
        t if t.starts_with("charge.dispute.") => EventKind::Dispute(dispute(serde_json::from_value(object)?)?),
        _ => EventKind::Unhandled,
    };
    Ok(ProviderEvent {
        provider: "stripe",
        id: envelope.id,
        event_type: envelope.type_,
        created: envelope.created,
        kind,
    })
}

fn payment(event_type: &str, intent: Intent) -> Result<PaymentReport, ParseError> {
    let client_secret = intent.client_secret.unwrap_or_default();
    let status = match event_type {
        "payment_intent.succeeded" => ProviderStatus::Succeeded,
        "payment_intent.canceled" => ProviderStatus::Canceled,
        "payment_intent.payment_failed" => {
            let e = intent.last_payment_error.as_ref();
            let code = e.and_then(|e| e.decline_code.clone().or_else(|| e.code.clone()));
            ProviderStatus::Failed { code: code.unwrap_or_else(|| "payment_failed".into()) }
        }
        _ => match intent.status.as_str() {
            "requires_payment_method" | "requires_confirmation" => {
                ProviderStatus::RequiresPaymentMethod { client_secret }
            }
            "requires_action" => ProviderStatus::RequiresAction { client_secret },
            // Payments are captured automatically; an authorised payment is still on its way.
            "processing" | "requires_capture" => ProviderStatus::Processing,
            "succeeded" => ProviderStatus::Succeeded,
            "canceled" => ProviderStatus::Canceled,
            other => return Err(ParseError::Status { what: "payment intent", status: other.to_owned() }),
        },
    };
    let payment_id = intent.metadata.get(PAYMENT_ID_KEY).and_then(|s| uuid::Uuid::parse_str(s).ok()).map(PaymentId);
    Ok(PaymentReport { reference: intent.id, payment_id, status })
}

fn refund(r: Refund) -> Result<RefundReport, ParseError> {
    let status = match r.status.as_deref().unwrap_or("pending") {
        "pending" | "requires_action" => ProviderRefundStatus::Pending,
        "succeeded" => ProviderRefundStatus::Succeeded,
        "failed" => ProviderRefundStatus::Failed { code: r.failure_reason.unwrap_or_else(|| "refund_failed".into()) },
        "canceled" => ProviderRefundStatus::Canceled,
        other => return Err(ParseError::Status { what: "refund", status: other.to_owned() }),
    };
    Ok(RefundReport {
        refund_id: r.metadata.get(REFUND_ID_KEY).cloned(),
        refund: ProviderRefund { reference: r.id, status },
        payment_reference: r.payment_intent,
        amount: money(r.amount, &r.currency)?,
    })
}

fn dispute(d: Dispute) -> Result<DisputeReport, ParseError> {
    let status = match d.status.as_str() {
        "warning_needs_response" => DisputeStatus::WarningNeedsResponse,
        "warning_under_review" => DisputeStatus::WarningUnderReview,
        "warning_closed" => DisputeStatus::WarningClosed,
        "needs_response" => DisputeStatus::NeedsResponse,
        "under_review" => DisputeStatus::UnderReview,
        "won" => DisputeStatus::Won,
        "lost" => DisputeStatus::Lost,
        "prevented" => DisputeStatus::Prevented,
        other => return Err(ParseError::Status { what: "dispute", status: other.to_owned() }),
    };
    Ok(DisputeReport {
        reference: d.id,
        payment_reference: d.payment_intent,
        amount: money(d.amount, &d.currency)?,
        reason: d.reason,
        status,
    })
}

/// Stripe's amount in its minor units (lower-case currency) as Money. Stripe's exponent is
/// ISO 4217's except for MGA (zero-decimal at Stripe, 2 in ISO) and ISK (two-decimal at
/// Stripe for backwards compatibility, 0 in ISO).
// MERGE: the Stripe adapter keeps the full exponent table (`crate::payments::stripe`); delegate
// to it once both branches are in, so one table decides.
fn money(amount: i64, currency: &str) -> Result<Money, ParseError> {
    let code = currency.to_ascii_uppercase();
    let cur = Currency::parse(&code).map_err(|_| ParseError::Currency(currency.to_owned()))?;
    let stripe_exponent = match code.as_str() {
        "MGA" => 0,
        "ISK" => 2,
        _ => cur.exponent(),
    };
    Ok(Money::new(Decimal::new(amount, stripe_exponent), cur))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn event(type_: &str, object: serde_json::Value) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "id": "evt_1", "object": "event", "type": type_, "created": 1_700_000_000,
            "livemode": false, "pending_webhooks": 1, "api_version": "2026-09-30.endive",
            "data": { "object": object }
        }))
        .unwrap()
    }

    #[test]
    fn payment_intent_events_read_as_payment_reports() {
        let id = uuid::Uuid::now_v7();
        let e = parse(&event(
            "payment_intent.payment_failed",
            json!({ "id": "pi_1", "object": "payment_intent", "status": "requires_payment_method",
                    "client_secret": "pi_1_secret", "metadata": { "agora_payment_id": id.to_string() },
                    "last_payment_error": { "code": "card_declined", "decline_code": "insufficient_funds" },
                    "unknown_new_field": { "nested": true } }),
        ))
        .unwrap();
        let EventKind::Payment(p) = e.kind else { panic!("{e:?}") };
        assert_eq!((p.reference.as_str(), p.payment_id), ("pi_1", Some(PaymentId(id))));
        assert_eq!(p.failure_code(), Some("insufficient_funds"));
        assert!(!p.is_terminal());
        let created = parse(&event("payment_intent.created", json!({ "id": "pi_2", "status": "requires_action" })));
        let EventKind::Payment(p) = created.unwrap().kind else { panic!() };
        assert!(matches!(p.status, ProviderStatus::RequiresAction { .. }));
        assert_eq!(p.payment_id, None);
        let ok = parse(&event("payment_intent.succeeded", json!({ "id": "pi_3", "status": "succeeded" }))).unwrap();
        assert!(matches!(ok.kind, EventKind::Payment(ref p) if p.is_terminal()));
    }

    #[test]
    fn refunds_and_disputes_read_with_stripe_amounts() {
        let r = parse(&event(
            "charge.refunded",
            json!({ "id": "ch_1", "refunds": { "object": "list", "data": [
                { "id": "re_1", "amount": 500, "currency": "usd", "status": "succeeded", "payment_intent": "pi_1",
                  "metadata": { "agora_refund_id": "r1" } }
            ] } }),
        ))
        .unwrap();
        let EventKind::Refunds(list) = r.kind else { panic!() };
        assert_eq!(
            list[0].refund,
            ProviderRefund { reference: "re_1".into(), status: ProviderRefundStatus::Succeeded }
        );
        assert_eq!((list[0].refund_id.as_deref(), list[0].amount.amount()), (Some("r1"), Decimal::new(500, 2)));
        let d = parse(&event(
            "charge.dispute.closed",
            json!({ "id": "dp_1", "amount": 1000, "currency": "jpy", "reason": "fraudulent", "status": "lost",
                    "payment_intent": "pi_1" }),
        ))
        .unwrap();
        let EventKind::Dispute(d) = d.kind else { panic!() };
        assert_eq!(
            (d.status, d.amount.amount(), d.reason.as_str()),
            (DisputeStatus::Lost, Decimal::new(1000, 0), "fraudulent")
        );
        assert_eq!(money(50_000, "isk").unwrap().amount(), Decimal::new(500, 0));
        assert_eq!(money(1_000, "mga").unwrap().to_minor().unwrap(), 100_000);
    }

    #[test]
    fn unknown_types_are_unhandled_and_broken_bodies_are_errors() {
        assert_eq!(parse(&event("customer.created", json!({ "id": "cus_1" }))).unwrap().kind, EventKind::Unhandled);
        assert!(parse(b"not json").is_err());
        assert!(parse(br#"{"id":"evt_1","type":"x"}"#).is_err());
        assert!(parse(&event("payment_intent.succeeded", json!({ "status": "succeeded" }))).is_err());
        assert!(
            parse(&event(
                "charge.dispute.created",
                json!({ "id": "dp", "amount": 1, "currency": "usd",
            "reason": "x", "status": "brand_new" })
            ))
            .is_err()
        );
    }
}
