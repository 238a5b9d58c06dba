//! Stripe's webhook signature: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, where
//! each `v1` is HMAC-SHA256 of `"{t}.{raw body}"` under an endpoint secret (`whsec_…`).
//!
//! Why this is not async-stripe-webhook's `Webhook::construct_event_with_timestamp` (read in
//! 1.0.0-rc.10): its check itself is right (any `v1`, tolerance both ways, `verify_slice`), but
//! it has no verify-only entry point: verification and parsing the whole event into the SDK's
//! generated types are one call. An event whose object the SDK cannot read (a newer API version,
//! a field it does not know) would be answered 400 although its signature is good, and Stripe
//! would retry it for three days and then drop it; telling "forged" from "unreadable" would mean
//! relying on the order of its internal checks. It also takes one secret per call and parses
//! the body again for each secret tried, and it is only built with the optional `stripe`
//! feature. So the check is written here on the `hmac` and `sha2` crates (about thirty lines):
//! several secrets (rotation), several `v1`, |now − t| ≤ 300 s on the app's clock, and a
//! constant-time comparison (`Mac::verify_slice`). A test signs with the SDK's
//! `generate_test_header` to keep the two in agreement.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far the signature's timestamp may be from our clock, either way (Stripe's SDKs: 300 s).
pub const TOLERANCE_SECS: u64 = 300;

/// Why a delivery was rejected (logged; the sender only sees 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no Stripe-Signature header")]
    Missing,
    #[error("the Stripe-Signature header is malformed")]
    Malformed,
    #[error("the Stripe-Signature header has no v1 signature")]
    NoSignature,
    #[error("the signature's timestamp is more than 300 s from now")]
    Timestamp,
    #[error("no v1 signature matches a configured secret")]
    Mismatch,
}

type HmacSha256 = Hmac<Sha256>;

/// Checks `header` (the `Stripe-Signature` value) over the raw `payload` against every secret:
/// passes when any `v1` matches any secret and `t` is within [`TOLERANCE_SECS`] of `now`
/// (Unix seconds from the app's clock).
///
/// # Errors
/// Why it does not pass ([`SignatureError`]).
pub fn verify<S: AsRef<[u8]>>(
    payload: &[u8],
    header: Option<&str>,
    secrets: &[S],
    now: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut t: Option<&str> = None;
    let mut candidates = Vec::new();
    let mut any_v1 = false;
    for pair in header.split(',') {
        let (key, value) = pair.trim().split_once('=').ok_or(SignatureError::Malformed)?;
        match key {
            "t" if t.is_none() => t = Some(value),
            "t" => return Err(SignatureError::Malformed),
            // A `v1` that is not hex cannot match; it does not spoil the others.
            "v1" => {
                any_v1 = true;
                candidates.extend(hex::decode(value).ok());
            }
            // Other schemes (`v0`: Stripe's test-mode signature) are not trusted.
            _ => {}
        }
    }
    let t = t.ok_or(SignatureError::Malformed)?;
    if t.is_empty() || t.len() > 18 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SignatureError::Malformed);
    }
    if !any_v1 {
        return Err(SignatureError::NoSignature);
    }
    let signed_at: i64 = t.parse().map_err(|_| SignatureError::Malformed)?;
    if now.abs_diff(signed_at) > TOLERANCE_SECS {
        return Err(SignatureError::Timestamp);
    }
    for secret in secrets {
        let mut mac = HmacSha256::new_from_slice(secret.as_ref()).expect("HMAC takes a key of any length");
        mac.update(t.as_bytes());
        mac.update(b".");
        mac.update(payload);
        // `verify_slice` compares in constant time.
        if candidates.iter().any(|c| mac.clone().verify_slice(c).is_ok()) {
            return Ok(());
        }
    }
    Err(SignatureError::Mismatch)
}

/// The `Stripe-Signature` value Stripe would send for `payload` signed with each of `secrets`
/// at `t` (one `v1` per secret): for tests and local tools.
pub fn sign<S: AsRef<[u8]>>(payload: &[u8], secrets: &[S], t: i64) -> String {
    let mut header = format!("t={t}");
    for secret in secrets {
        let mut mac = HmacSha256::new_from_slice(secret.as_ref()).expect("HMAC takes a key of any length");
        mac.update(format!("{t}.").as_bytes());
        mac.update(payload);
        header.push_str(",v1=");
        header.push_str(&hex::encode(mac.finalize().into_bytes()));
    }
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;
    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;

    #[test]
    fn a_signed_payload_passes_and_anything_else_is_told_apart() {
        let header = sign(BODY, &["whsec_a"], NOW);
        assert_eq!(verify(BODY, Some(&header), &["whsec_a"], NOW), Ok(()));
        assert_eq!(verify(BODY, None, &["whsec_a"], NOW), Err(SignatureError::Missing));
        assert_eq!(verify(BODY, Some("garbage"), &["whsec_a"], NOW), Err(SignatureError::Malformed));
        assert_eq!(verify(BODY, Some("v1=00"), &["whsec_a"], NOW), Err(SignatureError::Malformed));
        assert_eq!(verify(BODY, Some("t=-5,v1=00"), &["whsec_a"], NOW), Err(SignatureError::Malformed));
        assert_eq!(verify(BODY, Some(&format!("t={NOW}")), &["whsec_a"], NOW), Err(SignatureError::NoSignature));
        let v0_only = header.replace("v1=", "v0=");
        assert_eq!(verify(BODY, Some(&v0_only), &["whsec_a"], NOW), Err(SignatureError::NoSignature));
        assert_eq!(verify(BODY, Some(&header), &["whsec_b"], NOW), Err(SignatureError::Mismatch));
        assert_eq!(verify(b"{}", Some(&header), &["whsec_a"], NOW), Err(SignatureError::Mismatch));
        let none: [&str; 0] = [];
        assert_eq!(verify(BODY, Some(&header), &none, NOW), Err(SignatureError::Mismatch));
    }

    #[test]
    fn the_tolerance_is_300_seconds_either_way() {
        for (t, ok) in [(NOW - 300, true), (NOW + 300, true), (NOW - 301, false), (NOW + 301, false)] {
            let header = sign(BODY, &["whsec_a"], t);
            let expected = if ok { Ok(()) } else { Err(SignatureError::Timestamp) };
            assert_eq!(verify(BODY, Some(&header), &["whsec_a"], NOW), expected, "t = now {:+}", t - NOW);
        }
    }

    #[test]
    fn any_v1_may_match_any_secret_during_a_rotation() {
        let both = sign(BODY, &["whsec_old", "whsec_new"], NOW);
        for configured in [&["whsec_old"][..], &["whsec_new"], &["whsec_new", "whsec_old"], &["whsec_x", "whsec_new"]] {
            assert_eq!(verify(BODY, Some(&both), configured, NOW), Ok(()), "{configured:?}");
        }
        let old_only = sign(BODY, &["whsec_old"], NOW);
        assert_eq!(verify(BODY, Some(&old_only), &["whsec_new", "whsec_old"], NOW), Ok(()));
        assert_eq!(verify(BODY, Some(&old_only), &["whsec_new"], NOW), Err(SignatureError::Mismatch));
    }

    /// The SDK's own signer (what Stripe's libraries produce) is accepted.
    #[cfg(feature = "stripe")]
    #[test]
    fn headers_made_by_async_stripe_verify() {
        let payload = std::str::from_utf8(BODY).unwrap();
        let header = stripe_webhook::Webhook::generate_test_header(payload, "whsec_sdk", Some(NOW));
        assert_eq!(verify(BODY, Some(&header), &["whsec_sdk"], NOW), Ok(()));
        assert_eq!(header, sign(BODY, &["whsec_sdk"], NOW));
    }
}
