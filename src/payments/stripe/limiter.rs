//! The client-side rate limit on Stripe calls (Stripe allows 100 operations/s in live mode, 25
//! in test mode; `stripe.max_requests_per_sec`, 80 by default). Every HTTP attempt, retries
//! included, is admitted here first.
//!
//! Calls are evenly spaced (GCRA with a burst of 1, `governor`): in any one-second window at most
//! `max_requests_per_sec` calls start, never a burst of them followed by a full second's worth.
//! The clock is a parameter so a test can show the limit on a fake clock instead of wall time.

use std::{
    num::NonZeroU32,
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use governor::{
    Quota, RateLimiter,
    clock::{Clock, DefaultClock},
    middleware::NoOpMiddleware,
    state::{InMemoryState, NotKeyed},
};

/// Decides whether a call may start now.
pub trait Admission: Send + Sync + 'static {
    /// Admits one call now, or says how long to wait before asking again.
    fn try_admit(&self) -> Result<(), Duration>;
}

/// Waits until `admission` lets one call through. Waits are re-checked at least every 50 ms, so
/// a limiter on a fake clock notices when the test moves it.
pub async fn admit(admission: &dyn Admission) {
    while let Err(wait) = admission.try_admit() {
        tokio::time::sleep(wait.min(Duration::from_millis(50))).await;
    }
}

/// At most `per_second` admissions in any one-second window of `C`'s time.
pub struct RateLimit<C: Clock + Clone = DefaultClock> {
    limiter: RateLimiter<NotKeyed, InMemoryState, C, NoOpMiddleware<C::Instant>>,
    clock: C,
    admitted: AtomicU64,
    refused: AtomicU64,
}

impl RateLimit {
    /// On the real (monotonic) clock.
    ///
    /// # Errors
    /// `per_second` is 0.
    pub fn per_second(per_second: u32) -> anyhow::Result<Self> {
        Self::with_clock(per_second, DefaultClock::default())
    }
}

impl<C: Clock + Clone> RateLimit<C> {
    /// On a given clock (`governor::clock::FakeRelativeClock` in tests).
    ///
    /// # Errors
    /// `per_second` is 0.
    pub fn with_clock(per_second: u32, clock: C) -> anyhow::Result<Self> {
        let n =
            NonZeroU32::new(per_second).ok_or_else(|| anyhow::anyhow!("stripe.max_requests_per_sec must be > 0"))?;
        // Rounded up, so that `n` spaced calls never fit in less than a second.
        let spacing = Duration::from_nanos(1_000_000_000u64.div_ceil(u64::from(n.get())));
        let quota = Quota::with_period(spacing).expect("a positive period").allow_burst(NonZeroU32::MIN);
        Ok(Self {
            limiter: RateLimiter::direct_with_clock(quota, clock.clone()),
            clock,
            admitted: AtomicU64::new(0),
            refused: AtomicU64::new(0),
        })
    }

    /// Calls admitted so far.
    pub fn admitted(&self) -> u64 {
        self.admitted.load(Ordering::Relaxed)
    }

    /// Times a caller was told to wait.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }
}

impl<C> Admission for RateLimit<C>
where
    C: Clock + Clone + Send + Sync + 'static,
    C::Instant: Send + Sync,
{
    fn try_admit(&self) -> Result<(), Duration> {
        match self.limiter.check() {
            Ok(()) => {
                self.admitted.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            Err(not_until) => {
                self.refused.fetch_add(1, Ordering::Relaxed);
                Err(not_until.wait_time_from(self.clock.now()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use governor::clock::{FakeRelativeClock, Reference};
    use rand::Rng;

    use super::*;

    /// 500 callers arrive at once; each one refused comes back after (about) the wait it was
    /// told. On the fake clock no one-second window ever admits more than the limit.
    #[test]
    fn a_burst_of_500_never_exceeds_the_limit_in_any_second() {
        for per_second in [1, 3, 7, 25, 80, 100] {
            let clock = FakeRelativeClock::default();
            let limit = RateLimit::with_clock(per_second, clock.clone()).unwrap();
            let start = clock.now();
            let mut rng = rand::rng();
            let mut admitted = Vec::new();
            while admitted.len() < 500 {
                match limit.try_admit() {
                    Ok(()) => admitted.push(clock.now().duration_since(start).as_u64()),
                    // Callers wake a little early or late.
                    Err(wait) => clock.advance(wait.mul_f64(rng.random_range(0.5..1.5)).max(Duration::from_nanos(1))),
                }
            }
            let n = per_second as usize;
            for (i, t) in admitted.iter().enumerate().skip(n) {
                assert!(t - admitted[i - n] >= 1_000_000_000, "{per_second}/s: {} calls within one second", n + 1);
            }
            let mut per_calendar_second = std::collections::BTreeMap::<u64, usize>::new();
            for t in &admitted {
                *per_calendar_second.entry(t / 1_000_000_000).or_default() += 1;
            }
            assert!(per_calendar_second.values().all(|&c| c <= n), "{per_second}/s: {per_calendar_second:?}");
            assert_eq!(limit.admitted(), 500);
            assert!(limit.refused() > 0);
        }
    }

    #[test]
    fn zero_per_second_is_refused() {
        assert!(RateLimit::per_second(0).is_err());
    }
}
