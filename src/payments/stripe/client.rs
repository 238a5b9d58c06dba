//! One Stripe call, the way every call is made: through the rate limit, with a deadline per try,
//! the caller's `Idempotency-Key` on writes (`RequestStrategy::Idempotent`, the same key on every
//! try), and our own bounded retry with jittered exponential backoff on network errors,
//! timeouts, 409 (a concurrent request holds the key), 429 and 5xx. async-stripe's `Retry` /
//! `ExponentialBackoff` strategies are never used: they send a random key of their own.

use std::{future::Future, sync::Arc, time::Duration};

use ::stripe::{ApiErrors, IdempotencyKey, RequestStrategy, StripeError};
use rand::Rng;

use super::limiter::{Admission, admit};

/// Why a call gave no result.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Stripe answered with an error the same request would get again (4xx other than 401, 403,
    /// 409 and 429).
    Api { status: u16, error: Box<ApiErrors> },
    /// No answer we can use after every try (network, timeout, 409, 429, 5xx, unreadable body),
    /// or the API key refused (401/403, not retried): the outcome is unknown.
    Unavailable(anyhow::Error),
}

/// Backoff before try `n + 1`: a random duration in `[d/2, d]` with `d = min(cap, base·2^(n-1))`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Backoff {
    fn delay(&self, failed_tries: u32) -> Duration {
        let exp = self.base.saturating_mul(1u32 << failed_tries.saturating_sub(1).min(16)).min(self.cap);
        exp.mul_f64(rand::rng().random_range(0.5..=1.0))
    }
}

pub(crate) struct Caller {
    pub client: ::stripe::Client,
    pub admission: Arc<dyn Admission>,
    pub max_tries: u32,
    pub timeout: Duration,
    pub backoff: Backoff,
}

impl Caller {
    /// Runs `send(strategy, timeout)` until it answers or the tries are spent. `key` is sent as
    /// `Idempotency-Key` on every try (writes); `None` for reads.
    pub async fn call<T, F, Fut>(&self, op: &'static str, key: Option<&str>, send: F) -> Result<T, Failure>
    where
        F: Fn(RequestStrategy, Duration) -> Fut,
        Fut: Future<Output = Result<T, StripeError>>,
    {
        let strategy = match key {
            Some(k) => RequestStrategy::Idempotent(
                IdempotencyKey::new(k).map_err(|e| Failure::Unavailable(anyhow::anyhow!("idempotency key: {e}")))?,
            ),
            None => RequestStrategy::Once,
        };
        let mut tries = 0;
        loop {
            tries += 1;
            admit(&*self.admission).await;
            let error = match send(strategy.clone(), self.timeout).await {
                Ok(answer) => return Ok(answer),
                Err(e) => e,
            };
            let retryable = match error {
                // A refused key is the operator's to fix, not the attempt's end: the outcome stays
                // unknown, so the attempt is kept and retried later with its key.
                StripeError::Stripe(api, status @ (401 | 403)) => {
                    tracing::error!(
                        op,
                        status,
                        message = api.message.as_deref(),
                        "Stripe refused the API key (stripe.secret_key)"
                    );
                    return Err(Failure::Unavailable(anyhow::anyhow!("stripe refused the API key ({status})")));
                }
                StripeError::Stripe(api, status) if !matches!(status, 409 | 429 | 500..=599) => {
                    return Err(Failure::Api { status, error: api });
                }
                StripeError::ConfigError(msg) => {
                    return Err(Failure::Unavailable(anyhow::anyhow!("stripe client configuration: {msg}")));
                }
                StripeError::Stripe(api, status) => anyhow::anyhow!(
                    "stripe answered {status} ({}: {})",
                    api.type_.as_str(),
                    api.message.as_deref().unwrap_or_default()
                ),
                other => anyhow::Error::new(other),
            };
            if tries >= self.max_tries {
                tracing::warn!(op, tries, error = %retryable, "stripe call failed; giving up for now");
                return Err(Failure::Unavailable(retryable.context(format!("stripe {op}: {tries} tries"))));
            }
            let delay = self.backoff.delay(tries);
            tracing::info!(op, tries, ?delay, error = %retryable, "stripe call failed; retrying with the same key");
            tokio::time::sleep(delay).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_jittered_and_capped() {
        let b = Backoff { base: Duration::from_millis(100), cap: Duration::from_secs(2) };
        for _ in 0..100 {
            let d1 = b.delay(1);
            assert!(d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100));
            let d3 = b.delay(3);
            assert!(d3 >= Duration::from_millis(200) && d3 <= Duration::from_millis(400));
            assert!(b.delay(30) <= Duration::from_secs(2));
        }
    }
}
