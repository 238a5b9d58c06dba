//! Sign-in throttling per account and per client IP (GCRA via the `governor` crate).
//! In-process for now; a Redis-backed limiter for several replicas comes with the Redis adapter.

use std::{net::IpAddr, num::NonZeroU32};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

pub struct LoginThrottle {
    per_account: DefaultKeyedRateLimiter<String>,
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
}

impl LoginThrottle {
    pub fn new(per_account_per_minute: u32, per_ip_per_minute: u32) -> Self {
        let quota = |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).expect("max(1) is non-zero"));
        Self {
            per_account: RateLimiter::keyed(quota(per_account_per_minute)),
            per_ip: RateLimiter::keyed(quota(per_ip_per_minute)),
        }
    }

    /// Takes one attempt from both buckets; `false` means the caller must wait.
    pub fn allow(&self, account: &str, ip: Option<IpAddr>) -> bool {
        let ip_ok = ip.is_none_or(|ip| self.per_ip.check_key(&ip).is_ok());
        let account_ok = self.per_account.check_key(&account.to_owned()).is_ok();
        // Forget idle keys now and then so the maps stay small.
        if self.per_account.len() > 10_000 {
            self.per_account.retain_recent();
            self.per_ip.retain_recent();
        }
        ip_ok && account_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_beyond_the_quota_are_refused_per_account_and_per_ip() {
        let t = LoginThrottle::new(2, 3);
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        assert!(t.allow("a", Some(ip)));
        assert!(t.allow("a", Some(ip)));
        assert!(!t.allow("a", Some(ip)), "third attempt on one account");
        assert!(!t.allow("b", Some(ip)), "fourth attempt from one IP");
        assert!(t.allow("b", Some("10.0.0.2".parse().unwrap())));
    }
}
