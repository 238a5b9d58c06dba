//! Discounts as the promotions domain keeps them, and the pure rules about them: the code
//! format, percentages in basis points, and whether a discount can be used at a given moment.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::{
    pricing::{DiscountRule, DiscountTarget, DiscountValue},
    shared::{
        ids::{CategoryId, DiscountId, ProductId, VendorId},
        money::Money,
    },
};

/// A discount code or an automatic promotion.
#[derive(Debug, Clone, PartialEq)]
pub struct Discount {
    pub id: DiscountId,
    /// Upper-cased; `None` exactly when `automatic`.
    pub code: Option<String>,
    pub automatic: bool,
    pub value: DiscountValue,
    pub target: DiscountTarget,
    pub vendor_id: Option<VendorId>,
    pub min_subtotal: Option<Money>,
    /// Valid from this instant, inclusive.
    pub starts_at: Option<DateTime<Utc>>,
    /// Valid until this instant, exclusive.
    pub ends_at: Option<DateTime<Utc>>,
    pub usage_limit: Option<i32>,
    pub used_count: i32,
    pub per_customer_limit: Option<i32>,
    pub combines_with_others: bool,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Which lines a discount targets, without the ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    Subtotal,
    Products,
    Categories,
}

impl TargetKind {
    pub fn of(target: &DiscountTarget) -> Self {
        match target {
            DiscountTarget::Subtotal => TargetKind::Subtotal,
            DiscountTarget::Products(_) => TargetKind::Products,
            DiscountTarget::Categories(_) => TargetKind::Categories,
        }
    }
}

/// Target ids as given by a caller, already decoded (by the API layer) as ids of the target
/// kind in force: the one given with them, else the discount's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetIds {
    Products(Vec<ProductId>),
    Categories(Vec<CategoryId>),
    /// Ids given for a discount on the subtotal, which takes none: only their number matters.
    ForSubtotal(usize),
}

impl TargetIds {
    pub fn len(&self) -> usize {
        match self {
            TargetIds::Products(p) => p.len(),
            TargetIds::Categories(c) => c.len(),
            TargetIds::ForSubtotal(n) => *n,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Why an entered code does not give a discount now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeProblem {
    /// No discount has this code.
    Unknown,
    /// Staff deactivated it.
    Inactive,
    /// Its `starts_at` is in the future.
    NotStarted,
    /// Its `ends_at` has passed.
    Expired,
    /// It has been used as often as its usage limit allows.
    UsageLimitReached,
    /// This customer has used it as often as its per-customer limit allows.
    CustomerLimitReached,
}

/// What checkout may apply: rules valid now, and why the other entered codes are not.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Candidates {
    /// Entered codes that are valid now (in the order entered), then every active automatic
    /// promotion valid now (oldest first).
    pub rules: Vec<DiscountRule>,
    /// `(code as entered, problem)` for each entered code that is not usable now.
    pub problems: Vec<(String, CodeProblem)>,
}

impl Discount {
    /// Whether the discount can be used at `now` by a customer who already has `customer_uses`
    /// unreleased redemptions of it (`None`: the buyer is unknown, so the per-customer limit
    /// cannot be checked). `starts_at` is inclusive and `ends_at` exclusive.
    pub fn problem_at(&self, now: DateTime<Utc>, customer_uses: Option<u64>) -> Option<CodeProblem> {
        if !self.active {
            return Some(CodeProblem::Inactive);
        }
        if self.starts_at.is_some_and(|s| now < s) {
            return Some(CodeProblem::NotStarted);
        }
        if self.ends_at.is_some_and(|e| now >= e) {
            return Some(CodeProblem::Expired);
        }
        if self.usage_limit.is_some_and(|l| self.used_count >= l) {
            return Some(CodeProblem::UsageLimitReached);
        }
        if let (Some(limit), Some(uses)) = (self.per_customer_limit, customer_uses)
            && uses >= u64::try_from(limit).unwrap_or(0)
        {
            return Some(CodeProblem::CustomerLimitReached);
        }
        None
    }

    /// The discount as pricing sees it.
    pub fn to_rule(&self) -> DiscountRule {
        DiscountRule {
            id: self.id,
            code: self.code.clone(),
            value: self.value.clone(),
            target: self.target.clone(),
            vendor_id: self.vendor_id,
            min_subtotal: self.min_subtotal,
            combines_with_others: self.combines_with_others,
        }
    }
}

/// A discount code as stored: trimmed and upper-cased, 3 to 32 characters of `A-Z`, `0-9`, `-`
/// and `_`. `None` when the input cannot be a code.
pub fn normalize_code(s: &str) -> Option<String> {
    let c = s.trim().to_ascii_uppercase();
    let ok = (3..=32).contains(&c.len())
        && c.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_'));
    ok.then_some(c)
}

/// A percentage (0 < p ≤ 100, at most two decimals) in basis points: `12.5` → `1250`.
pub fn percentage_to_bp(p: Decimal) -> Option<i32> {
    if p <= Decimal::ZERO || p > Decimal::ONE_HUNDRED || p.normalize().scale() > 2 {
        return None;
    }
    let mut bp = p * Decimal::ONE_HUNDRED;
    bp.rescale(0);
    i32::try_from(bp.mantissa()).ok()
}

/// Basis points as a percentage: `1250` → `12.5`.
pub fn bp_to_percentage(bp: i32) -> Decimal {
    Decimal::new(i64::from(bp), 2).normalize()
}

/// The key per-customer limits count by: a user id, or an e-mail address, trimmed and
/// lower-cased so that `Ann@Example.com` and `ann@example.com` are one customer.
pub fn customer_key(s: &str) -> Option<String> {
    let k = s.trim().to_lowercase();
    (!k.is_empty() && k.len() <= 254).then_some(k)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::shared::money::Currency;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn discount() -> Discount {
        let now = Utc::now();
        Discount {
            id: DiscountId::new(),
            code: Some("SAVE10".into()),
            automatic: false,
            value: DiscountValue::Percentage(d("10")),
            target: DiscountTarget::Subtotal,
            vendor_id: None,
            min_subtotal: Some(Money::from_minor(5000, Currency::USD)),
            starts_at: None,
            ends_at: None,
            usage_limit: None,
            used_count: 0,
            per_customer_limit: None,
            combines_with_others: true,
            active: true,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn codes_are_upper_cased_and_checked() {
        assert_eq!(normalize_code(" save-10_x ").as_deref(), Some("SAVE-10_X"));
        for bad in ["ab", "", "with space", "ÄÖÜ123", "percent%", &"A".repeat(33)] {
            assert_eq!(normalize_code(bad), None, "{bad}");
        }
        assert!(normalize_code(&"A".repeat(32)).is_some());
    }

    #[test]
    fn percentages_are_basis_points_with_two_decimals_at_most() {
        assert_eq!(percentage_to_bp(d("12.5")), Some(1250));
        assert_eq!(percentage_to_bp(d("100")), Some(10_000));
        assert_eq!(percentage_to_bp(d("0.01")), Some(1));
        assert_eq!(percentage_to_bp(d("12.500")), Some(1250), "trailing zeros are not precision");
        for bad in ["0", "-5", "100.01", "12.345"] {
            assert_eq!(percentage_to_bp(d(bad)), None, "{bad}");
        }
        assert_eq!(bp_to_percentage(1250), d("12.5"));
        assert_eq!(bp_to_percentage(2000).to_string(), "20");
    }

    #[test]
    fn availability_checks_activity_dates_and_limits_in_order() {
        let now = Utc::now();
        let mut x = discount();
        assert_eq!(x.problem_at(now, Some(0)), None);
        x.starts_at = Some(now + Duration::minutes(1));
        assert_eq!(x.problem_at(now, None), Some(CodeProblem::NotStarted));
        x.starts_at = Some(now);
        assert_eq!(x.problem_at(now, None), None, "starts_at is inclusive");
        x.ends_at = Some(now);
        assert_eq!(x.problem_at(now, None), Some(CodeProblem::Expired), "ends_at is exclusive");
        x.ends_at = None;
        x.usage_limit = Some(2);
        x.used_count = 2;
        assert_eq!(x.problem_at(now, None), Some(CodeProblem::UsageLimitReached));
        x.used_count = 1;
        x.per_customer_limit = Some(1);
        assert_eq!(x.problem_at(now, Some(1)), Some(CodeProblem::CustomerLimitReached));
        assert_eq!(x.problem_at(now, None), None, "an unknown buyer is not counted");
        x.active = false;
        assert_eq!(x.problem_at(now, Some(0)), Some(CodeProblem::Inactive));
    }

    #[test]
    fn customer_keys_are_case_insensitive() {
        assert_eq!(customer_key(" Ann@Example.COM ").as_deref(), Some("ann@example.com"));
        assert_eq!(customer_key("  "), None);
    }

    #[test]
    fn the_rule_carries_what_pricing_needs() {
        let x = discount();
        let rule = x.to_rule();
        assert_eq!(rule.id, x.id);
        assert_eq!(rule.code.as_deref(), Some("SAVE10"));
        assert_eq!(rule.min_subtotal, x.min_subtotal);
        assert!(rule.combines_with_others);
    }
}
