//! Discounts as the promotions domain keeps them, and the pure rules about them: the code
//! format, percentages in basis points, what a valid discount is after a create or an update
//! ([`apply`]), and whether a discount can be used at a given moment.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::{
    pricing::{DiscountRule, DiscountTarget, DiscountValue},
    promotions::error::{PromotionError, path},
    shared::{
        ids::{CategoryId, DiscountId, ProductId, VendorId},
        money::{Currency, Money, MoneyError},
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

/// Editable discount fields. `None` leaves a field as it is (on create: its default);
/// `Some(None)` clears a nullable field. Giving `percentage` or `amount` replaces the value.
#[derive(Debug, Clone, Default)]
pub struct DiscountFields {
    pub code: Option<Option<String>>,
    pub automatic: Option<bool>,
    pub percentage: Option<Decimal>,
    pub amount: Option<Decimal>,
    pub target: Option<TargetKind>,
    pub target_ids: Option<TargetIds>,
    pub vendor_id: Option<Option<VendorId>>,
    pub min_subtotal: Option<Option<Decimal>>,
    pub starts_at: Option<Option<DateTime<Utc>>>,
    pub ends_at: Option<Option<DateTime<Utc>>>,
    pub usage_limit: Option<Option<i32>>,
    pub per_customer_limit: Option<Option<i32>>,
    pub combines_with_others: Option<bool>,
    pub active: Option<bool>,
}

/// Most product or category ids one discount may target.
const MAX_TARGET_IDS: usize = 1000;

fn invalid(field: &[&str], message: &'static str) -> PromotionError {
    PromotionError::Invalid { field: path(field), message }
}

fn required(field: &[&str], message: &'static str) -> PromotionError {
    PromotionError::Required { field: path(field), message }
}

/// `Some(x)` replaces, `None` keeps `current`.
fn patch<T: Clone>(given: &Option<T>, current: T) -> T {
    given.clone().unwrap_or(current)
}

fn limit(value: Option<i32>, field: &str) -> Result<Option<i32>, PromotionError> {
    match value {
        Some(n) if n < 1 => Err(invalid(&[field], "limits are at least 1")),
        other => Ok(other),
    }
}

/// Target ids in input order without repeats.
fn distinct<T: Copy + Eq + std::hash::Hash>(ids: &[T]) -> Vec<T> {
    let mut seen = HashSet::new();
    ids.iter().copied().filter(|id| seen.insert(*id)).collect()
}

/// The API decodes target ids for the kind it read; the discount's kind changed meanwhile.
fn mismatched_target_ids() -> PromotionError {
    invalid(&["targetIds"], "the target ids are not of the discount's target type; give `target` with them")
}

fn money(amount: Decimal, currency: Currency, field: &str) -> Result<Money, PromotionError> {
    Money::parse_price(amount, currency).map_err(|e| match e {
        MoneyError::Negative => invalid(&[field], "amounts cannot be negative"),
        MoneyError::TooPrecise => invalid(&[field], "the amount has more decimals than the shop currency allows"),
        _ => invalid(&[field], "amounts are at most 1,000,000,000.00 (100,000,000,000 minor units)"),
    })
}

/// Applies `f` to `current` (or to the defaults on create) and checks the result's rules:
/// a code unless automatic, none if automatic; a percentage or an amount in `currency`, not
/// both; target ids matching the target kind; the end after the start; limits of at least 1.
/// On update the id, `used_count` and `created_at` stay; `updated_at` becomes `now` (and, on
/// create, `created_at` too).
///
/// # Errors
/// `Required` (code, percentage, targetIds) and `Invalid` (code, amount, percentage,
/// targetIds, minSubtotal, endsAt, usageLimit, perCustomerLimit), with the field's path.
pub fn apply(
    current: Option<&Discount>,
    f: &DiscountFields,
    currency: Currency,
    now: DateTime<Utc>,
) -> Result<Discount, PromotionError> {
    let automatic = patch(&f.automatic, current.is_some_and(|c| c.automatic));
    let code = match &f.code {
        Some(Some(c)) => Some(
            normalize_code(c)
                .ok_or_else(|| invalid(&["code"], "codes are 3 to 32 letters, digits, dashes or underscores"))?,
        ),
        Some(None) => None,
        None => current.and_then(|c| c.code.clone()),
    };
    match (automatic, &code) {
        (true, Some(_)) => return Err(invalid(&["code"], "an automatic promotion has no code")),
        (false, None) => return Err(required(&["code"], "a code is required unless the discount is automatic")),
        _ => {}
    }

    let value = match (f.percentage, f.amount) {
        (Some(_), Some(_)) => return Err(invalid(&["amount"], "give a percentage or an amount, not both")),
        (Some(p), None) => {
            let bp = percentage_to_bp(p).ok_or_else(|| {
                invalid(&["percentage"], "a percentage is above 0 and at most 100, with at most two decimals")
            })?;
            DiscountValue::Percentage(bp_to_percentage(bp))
        }
        (None, Some(a)) => DiscountValue::Fixed(money(a, currency, "amount")?),
        (None, None) => match current {
            Some(c) => c.value.clone(),
            None => return Err(required(&["percentage"], "give a percentage or an amount")),
        },
    };

    let current_target = current.map(|c| &c.target);
    let kind = f.target.or(current_target.map(TargetKind::of)).unwrap_or(TargetKind::Subtotal);
    let given = f.target_ids.as_ref();
    if given.is_some_and(|g| g.len() > MAX_TARGET_IDS) {
        return Err(invalid(&["targetIds"], "at most 1000 target ids"));
    }
    let target = match kind {
        TargetKind::Subtotal => {
            if given.is_some_and(|g| !g.is_empty()) {
                return Err(invalid(&["targetIds"], "a discount on the subtotal has no target ids"));
            }
            DiscountTarget::Subtotal
        }
        TargetKind::Products => {
            let ids = match (given, current_target) {
                (Some(TargetIds::Products(p)), _) => distinct(p),
                (Some(_), _) => return Err(mismatched_target_ids()),
                (None, Some(DiscountTarget::Products(p))) => p.clone(),
                (None, _) => vec![],
            };
            if ids.is_empty() {
                return Err(required(&["targetIds"], "name the products the discount applies to"));
            }
            DiscountTarget::Products(ids)
        }
        TargetKind::Categories => {
            let ids = match (given, current_target) {
                (Some(TargetIds::Categories(c)), _) => distinct(c),
                (Some(_), _) => return Err(mismatched_target_ids()),
                (None, Some(DiscountTarget::Categories(c))) => c.clone(),
                (None, _) => vec![],
            };
            if ids.is_empty() {
                return Err(required(&["targetIds"], "name the categories the discount applies to"));
            }
            DiscountTarget::Categories(ids)
        }
    };

    let min_subtotal = match &f.min_subtotal {
        Some(Some(a)) => Some(money(*a, currency, "minSubtotal")?),
        Some(None) => None,
        None => current.and_then(|c| c.min_subtotal),
    };
    let starts_at = patch(&f.starts_at, current.and_then(|c| c.starts_at));
    let ends_at = patch(&f.ends_at, current.and_then(|c| c.ends_at));
    if let (Some(s), Some(e)) = (starts_at, ends_at)
        && e <= s
    {
        return Err(invalid(&["endsAt"], "the end must be after the start"));
    }
    let usage_limit = limit(patch(&f.usage_limit, current.and_then(|c| c.usage_limit)), "usageLimit")?;
    let per_customer_limit =
        limit(patch(&f.per_customer_limit, current.and_then(|c| c.per_customer_limit)), "perCustomerLimit")?;

    Ok(Discount {
        id: current.map_or_else(DiscountId::new, |c| c.id),
        code,
        automatic,
        value,
        target,
        vendor_id: patch(&f.vendor_id, current.and_then(|c| c.vendor_id)),
        min_subtotal,
        starts_at,
        ends_at,
        usage_limit,
        used_count: current.map_or(0, |c| c.used_count),
        per_customer_limit,
        combines_with_others: patch(&f.combines_with_others, current.is_some_and(|c| c.combines_with_others)),
        active: patch(&f.active, current.is_none_or(|c| c.active)),
        created_at: current.map_or(now, |c| c.created_at),
        updated_at: now,
    })
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::{error::ErrorCode, promotions::error::Code};

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

    // ---------- apply ----------

    const USD: Currency = Currency::USD;

    /// The smallest valid create: a code and a percentage.
    fn fields() -> DiscountFields {
        DiscountFields { code: Some(Some("save10".into())), percentage: Some(d("10")), ..Default::default() }
    }

    fn create(f: DiscountFields) -> Result<Discount, PromotionError> {
        apply(None, &f, USD, Utc::now())
    }

    /// The code and field path of the user error `r` failed with.
    fn rejected(r: Result<Discount, PromotionError>) -> (Code, String) {
        let parts = r.expect_err("should be rejected").user_error().expect("a user error");
        (parts.code, parts.field.expect("a field").join("."))
    }

    fn invalid(field: &str) -> (Code, String) {
        (Code::Invalid, field.to_owned())
    }

    fn required(field: &str) -> (Code, String) {
        (Code::Required, field.to_owned())
    }

    #[test]
    fn create_normalizes_the_code_and_fills_the_defaults() {
        let now = Utc::now();
        let x = apply(None, &DiscountFields { code: Some(Some(" save-10 ".into())), ..fields() }, USD, now).unwrap();
        assert_eq!(x.code.as_deref(), Some("SAVE-10"));
        assert!(!x.automatic);
        assert_eq!(x.value, DiscountValue::Percentage(d("10")));
        assert_eq!(x.target, DiscountTarget::Subtotal);
        assert_eq!((x.vendor_id, x.min_subtotal, x.starts_at, x.ends_at), (None, None, None, None));
        assert_eq!((x.usage_limit, x.per_customer_limit, x.used_count), (None, None, 0));
        assert!(x.active && !x.combines_with_others);
        assert_eq!((x.created_at, x.updated_at), (now, now));
    }

    #[test]
    fn a_code_is_required_unless_automatic_and_an_automatic_promotion_has_none() {
        assert_eq!(rejected(create(DiscountFields { code: None, ..fields() })), required("code"));
        assert_eq!(rejected(create(DiscountFields { code: Some(None), ..fields() })), required("code"));
        assert_eq!(rejected(create(DiscountFields { automatic: Some(true), ..fields() })), invalid("code"));
        for bad in ["ab", "no spaces", "percent%"] {
            assert_eq!(rejected(create(DiscountFields { code: Some(Some(bad.into())), ..fields() })), invalid("code"));
        }
        let auto = create(DiscountFields { automatic: Some(true), code: Some(None), ..fields() }).unwrap();
        assert!(auto.automatic && auto.code.is_none());

        // On update the current code counts: an automatic promotion must drop it.
        let coded = discount();
        let to_auto = DiscountFields { automatic: Some(true), ..Default::default() };
        assert_eq!(rejected(apply(Some(&coded), &to_auto, USD, Utc::now())), invalid("code"));
        let to_auto = DiscountFields { code: Some(None), ..to_auto };
        assert!(apply(Some(&coded), &to_auto, USD, Utc::now()).unwrap().code.is_none());
        let no_code = DiscountFields { code: Some(None), ..Default::default() };
        assert_eq!(rejected(apply(Some(&coded), &no_code, USD, Utc::now())), required("code"));
    }

    #[test]
    fn a_value_is_a_percentage_or_an_amount_in_the_shop_currency() {
        let both = DiscountFields { amount: Some(d("5")), ..fields() };
        assert_eq!(rejected(create(both)), invalid("amount"));
        assert_eq!(rejected(create(DiscountFields { percentage: None, ..fields() })), required("percentage"));
        let amount = DiscountFields { percentage: None, amount: Some(d("5.5")), ..fields() };
        assert_eq!(create(amount).unwrap().value, DiscountValue::Fixed(Money::from_minor(550, USD)));
        let jpy = Currency::parse("JPY").unwrap();
        let yen = |a| DiscountFields { percentage: None, amount: Some(d(a)), ..fields() };
        let x = apply(None, &yen("500"), jpy, Utc::now()).unwrap();
        assert_eq!(x.value, DiscountValue::Fixed(Money::from_minor(500, jpy)));
        assert_eq!(rejected(apply(None, &yen("5.5"), jpy, Utc::now())), invalid("amount"), "yen have no decimals");
        for bad in ["-1", "5.001", "1000000000.01"] {
            let f = DiscountFields { percentage: None, amount: Some(d(bad)), ..fields() };
            assert_eq!(rejected(create(f)), invalid("amount"), "{bad}");
        }
    }

    #[test]
    fn percentages_are_above_0_and_at_most_100_with_two_decimals() {
        for (given, stored) in [("12.50", "12.5"), ("100", "100"), ("0.01", "0.01")] {
            let f = DiscountFields { percentage: Some(d(given)), ..fields() };
            assert_eq!(create(f).unwrap().value, DiscountValue::Percentage(d(stored)), "{given}");
        }
        for bad in ["0", "-5", "100.01", "12.345"] {
            let f = DiscountFields { percentage: Some(d(bad)), ..fields() };
            assert_eq!(rejected(create(f)), invalid("percentage"), "{bad}");
        }
    }

    #[test]
    fn product_and_category_targets_need_ids_of_their_kind() {
        let (p, q) = (ProductId::new(), ProductId::new());
        let c = CategoryId::new();
        let on = |kind, ids| DiscountFields { target: Some(kind), target_ids: ids, ..fields() };

        let x = create(on(TargetKind::Products, Some(TargetIds::Products(vec![p, q, p])))).unwrap();
        assert_eq!(x.target, DiscountTarget::Products(vec![p, q]), "repeats count once, in input order");
        let x = create(on(TargetKind::Categories, Some(TargetIds::Categories(vec![c, c])))).unwrap();
        assert_eq!(x.target, DiscountTarget::Categories(vec![c]));

        for kind in [TargetKind::Products, TargetKind::Categories] {
            assert_eq!(rejected(create(on(kind, None))), required("targetIds"));
        }
        assert_eq!(
            rejected(create(on(TargetKind::Products, Some(TargetIds::Products(vec![]))))),
            required("targetIds")
        );
        let wrong = on(TargetKind::Products, Some(TargetIds::Categories(vec![c])));
        assert_eq!(rejected(create(wrong)), invalid("targetIds"));
        let wrong = on(TargetKind::Categories, Some(TargetIds::Products(vec![p])));
        assert_eq!(rejected(create(wrong)), invalid("targetIds"));
        let wrong = on(TargetKind::Categories, Some(TargetIds::ForSubtotal(1)));
        assert_eq!(rejected(create(wrong)), invalid("targetIds"));

        assert_eq!(
            create(on(TargetKind::Subtotal, Some(TargetIds::ForSubtotal(0)))).unwrap().target,
            DiscountTarget::Subtotal
        );
        assert_eq!(rejected(create(on(TargetKind::Subtotal, Some(TargetIds::ForSubtotal(2))))), invalid("targetIds"));
        let too_many = TargetIds::Products((0..=MAX_TARGET_IDS).map(|_| ProductId::new()).collect());
        assert_eq!(rejected(create(on(TargetKind::Products, Some(too_many)))), invalid("targetIds"));
        let most = TargetIds::Products((0..MAX_TARGET_IDS).map(|_| ProductId::new()).collect());
        assert!(create(on(TargetKind::Products, Some(most))).is_ok());
    }

    #[test]
    fn an_update_keeps_the_target_ids_of_its_kind_only() {
        let (p, c) = (ProductId::new(), CategoryId::new());
        let current = Discount { target: DiscountTarget::Products(vec![p]), ..discount() };
        let now = Utc::now();

        let rename = DiscountFields { code: Some(Some("OTHER".into())), ..Default::default() };
        assert_eq!(apply(Some(&current), &rename, USD, now).unwrap().target, current.target);
        let to_categories = DiscountFields { target: Some(TargetKind::Categories), ..Default::default() };
        assert_eq!(rejected(apply(Some(&current), &to_categories, USD, now)), required("targetIds"));
        let to_categories = DiscountFields { target_ids: Some(TargetIds::Categories(vec![c])), ..to_categories };
        let x = apply(Some(&current), &to_categories, USD, now).unwrap();
        assert_eq!(x.target, DiscountTarget::Categories(vec![c]));
        let to_subtotal = DiscountFields { target: Some(TargetKind::Subtotal), ..Default::default() };
        assert_eq!(apply(Some(&current), &to_subtotal, USD, now).unwrap().target, DiscountTarget::Subtotal);
        // Ids decoded as categories while the discount is (still) on products.
        let stale = DiscountFields { target_ids: Some(TargetIds::Categories(vec![c])), ..Default::default() };
        assert_eq!(rejected(apply(Some(&current), &stale, USD, now)), invalid("targetIds"));
    }

    #[test]
    fn a_minimum_subtotal_is_an_amount_in_the_shop_currency() {
        let min = |m| DiscountFields { min_subtotal: Some(m), ..fields() };
        assert_eq!(create(min(Some(d("50")))).unwrap().min_subtotal, Some(Money::from_minor(5000, USD)));
        assert_eq!(create(min(None)).unwrap().min_subtotal, None);
        for bad in ["-0.01", "0.001", "1000000000.01"] {
            assert_eq!(rejected(create(min(Some(d(bad))))), invalid("minSubtotal"), "{bad}");
        }
        let current = discount();
        let keep = DiscountFields::default();
        assert_eq!(apply(Some(&current), &keep, USD, Utc::now()).unwrap().min_subtotal, current.min_subtotal);
        let clear = DiscountFields { min_subtotal: Some(None), ..Default::default() };
        assert_eq!(apply(Some(&current), &clear, USD, Utc::now()).unwrap().min_subtotal, None);
    }

    #[test]
    fn the_end_is_after_the_start() {
        let t = Utc::now();
        let dates = |s, e| DiscountFields { starts_at: Some(s), ends_at: Some(e), ..fields() };
        assert!(create(dates(Some(t), Some(t + Duration::seconds(1)))).is_ok());
        assert!(create(dates(None, Some(t))).is_ok() && create(dates(Some(t), None)).is_ok());
        assert_eq!(rejected(create(dates(Some(t), Some(t)))), invalid("endsAt"));
        assert_eq!(rejected(create(dates(Some(t), Some(t - Duration::days(1))))), invalid("endsAt"));

        // A new start is checked against the current end.
        let current = Discount { ends_at: Some(t), ..discount() };
        let later_start = DiscountFields { starts_at: Some(Some(t + Duration::days(1))), ..Default::default() };
        assert_eq!(rejected(apply(Some(&current), &later_start, USD, t)), invalid("endsAt"));
        let open_end = DiscountFields { ends_at: Some(None), ..later_start };
        assert_eq!(apply(Some(&current), &open_end, USD, t).unwrap().ends_at, None);
    }

    #[test]
    fn limits_are_at_least_1() {
        let limits = |u, c| DiscountFields { usage_limit: Some(u), per_customer_limit: Some(c), ..fields() };
        let x = create(limits(Some(1), Some(1))).unwrap();
        assert_eq!((x.usage_limit, x.per_customer_limit), (Some(1), Some(1)));
        assert!(create(limits(None, None)).is_ok());
        assert_eq!(rejected(create(limits(Some(0), None))), invalid("usageLimit"));
        assert_eq!(rejected(create(limits(None, Some(-1)))), invalid("perCustomerLimit"));
    }

    #[test]
    fn an_empty_update_keeps_every_current_value_and_stamps_the_time() {
        let vendor = VendorId::new();
        let t = Utc::now();
        let current = Discount {
            vendor_id: Some(vendor),
            value: DiscountValue::Fixed(Money::from_minor(300, USD)),
            starts_at: Some(t),
            ends_at: Some(t + Duration::days(7)),
            usage_limit: Some(10),
            used_count: 4,
            per_customer_limit: Some(2),
            combines_with_others: true,
            active: false,
            ..discount()
        };
        let later = t + Duration::hours(1);
        let x = apply(Some(&current), &DiscountFields::default(), USD, later).unwrap();
        assert_eq!(x, Discount { updated_at: later, ..current });
    }

    #[test]
    fn an_update_replaces_what_is_given_but_never_the_id_creation_or_usage() {
        let current = Discount { used_count: 3, usage_limit: Some(5), vendor_id: Some(VendorId::new()), ..discount() };
        let later = current.created_at + Duration::hours(1);
        let f = DiscountFields {
            code: Some(Some("new-code".into())),
            amount: Some(d("2")),
            vendor_id: Some(None),
            usage_limit: Some(None),
            combines_with_others: Some(false),
            active: Some(false),
            ..Default::default()
        };
        let x = apply(Some(&current), &f, USD, later).unwrap();
        assert_eq!((x.id, x.created_at, x.used_count, x.updated_at), (current.id, current.created_at, 3, later));
        assert_eq!(x.code.as_deref(), Some("NEW-CODE"));
        assert_eq!(x.value, DiscountValue::Fixed(Money::from_minor(200, USD)), "an amount replaces a percentage");
        assert_eq!((x.vendor_id, x.usage_limit), (None, None));
        assert!(!x.combines_with_others && !x.active);
    }
}
