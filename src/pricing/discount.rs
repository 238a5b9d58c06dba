//! Discounts: which lines a rule reaches, how its amount is spread over them, and which rules
//! are applied together.
//!
//! Amounts here are exact `Decimal`s already rounded to the currency exponent; each line share
//! is rounded once, when it is made.

use crate::shared::ids::DiscountId;
use rust_decimal::Decimal;

use super::model::{
    DiscountRejection, DiscountRule, DiscountTarget, DiscountValue, LineInput, PricingError, checked_amount, sum,
};
use crate::shared::money::{Currency, Money};

/// What one applied rule took off each line it reached (by position in the cart).
#[derive(Debug)]
pub(super) struct Allocation {
    /// Position of the rule in the input.
    pub rule: usize,
    pub shares: Vec<(usize, Decimal)>,
    pub total: Decimal,
}

/// The rules applied, in input order, and why the others were not.
#[derive(Debug)]
pub(super) struct Resolution {
    pub applied: Vec<Allocation>,
    pub rejected: Vec<(DiscountId, DiscountRejection)>,
}

/// A rule's value once validated.
#[derive(Debug, Clone, Copy)]
enum Value {
    Percentage(Decimal),
    Fixed(Decimal),
}

/// A rule that reaches at least one line and whose minimum is reached.
#[derive(Debug)]
struct Candidate {
    rule: usize,
    value: Value,
    combines: bool,
    eligible: Vec<usize>,
}

/// Decides which of `rules` apply to `lines` (whose subtotals are `subtotals`) and computes each
/// applied rule's share of every eligible line.
///
/// Every rule is validated, applicable or not, so a bad rule fails the same way whatever the
/// cart holds.
pub(super) fn resolve(
    rules: &[DiscountRule],
    lines: &[LineInput],
    subtotals: &[Decimal],
    currency: Currency,
) -> Result<Resolution, PricingError> {
    let mut rejected = Vec::new();
    let mut candidates = Vec::new();
    for (index, rule) in rules.iter().enumerate() {
        let value = validate(rule, currency)?;
        let minimum = rule.min_subtotal.map(|m| checked_amount(m, currency)).transpose()?;
        let eligible: Vec<usize> = (0..lines.len()).filter(|&l| reaches(rule, &lines[l])).collect();
        if eligible.is_empty() {
            rejected.push((index, DiscountRejection::NotApplicable));
            continue;
        }
        let eligible_subtotal = sum(eligible.iter().map(|&l| subtotals[l]))?;
        if minimum.is_some_and(|minimum| eligible_subtotal < minimum) {
            rejected.push((index, DiscountRejection::MinimumNotReached));
            continue;
        }
        candidates.push(Candidate { rule: index, value, combines: rule.combines_with_others, eligible });
    }

    let applied = choose(&candidates, subtotals, currency)?;
    for candidate in &candidates {
        if !applied.iter().any(|a| a.rule == candidate.rule) {
            rejected.push((candidate.rule, DiscountRejection::NotCombinable));
        }
    }
    rejected.sort_by_key(|&(index, _)| index);
    let rejected = rejected.into_iter().map(|(index, why)| (rules[index].id, why)).collect();
    Ok(Resolution { applied, rejected })
}

fn validate(rule: &DiscountRule, currency: Currency) -> Result<Value, PricingError> {
    match &rule.value {
        DiscountValue::Percentage(p) if *p > Decimal::ZERO && *p <= Decimal::ONE_HUNDRED => Ok(Value::Percentage(*p)),
        DiscountValue::Percentage(_) => Err(PricingError::InvalidPercentage),
        DiscountValue::Fixed(amount) => checked_amount(*amount, currency).map(Value::Fixed),
    }
}

/// Whether `line` matches the rule's target and vendor filter.
fn reaches(rule: &DiscountRule, line: &LineInput) -> bool {
    let targeted = match &rule.target {
        DiscountTarget::Subtotal => true,
        DiscountTarget::Products(ids) => ids.contains(&line.product_id),
        DiscountTarget::Categories(ids) => line.category_ids.iter().any(|c| ids.contains(c)),
    };
    targeted && rule.vendor_id.is_none_or(|vendor| vendor == line.vendor_id)
}

/// When every candidate combines, all apply. Otherwise the options are each non-combinable rule
/// alone and all combinable rules together; the one that takes off most wins, and on a tie the
/// one that starts earliest in the input.
fn choose(
    candidates: &[Candidate],
    subtotals: &[Decimal],
    currency: Currency,
) -> Result<Vec<Allocation>, PricingError> {
    let (combinable, exclusive): (Vec<&Candidate>, Vec<&Candidate>) = candidates.iter().partition(|c| c.combines);
    if exclusive.is_empty() {
        return apply(&combinable, subtotals, currency);
    }
    let mut options: Vec<Vec<&Candidate>> = exclusive.into_iter().map(|c| vec![c]).collect();
    if !combinable.is_empty() {
        options.push(combinable);
    }
    options.sort_by_key(|option| option[0].rule);

    let mut best: Option<(Decimal, Vec<Allocation>)> = None;
    for option in options {
        let allocations = apply(&option, subtotals, currency)?;
        let total = sum(allocations.iter().map(|a| a.total))?;
        if best.as_ref().is_none_or(|(best_total, _)| total > *best_total) {
            best = Some((total, allocations));
        }
    }
    Ok(best.map(|(_, allocations)| allocations).unwrap_or_default())
}

/// Applies `group` in order, each rule on what the previous ones left of every line.
fn apply(group: &[&Candidate], subtotals: &[Decimal], currency: Currency) -> Result<Vec<Allocation>, PricingError> {
    let mut remaining = subtotals.to_vec();
    let mut allocations = Vec::with_capacity(group.len());
    for candidate in group {
        let shares = match candidate.value {
            Value::Percentage(p) => percentage_shares(p, &candidate.eligible, &remaining, currency)?,
            Value::Fixed(amount) => fixed_shares(amount, &candidate.eligible, &remaining, currency)?,
        };
        for &(line, share) in &shares {
            remaining[line] = remaining[line].checked_sub(share).ok_or(PricingError::Overflow)?;
        }
        let total = sum(shares.iter().map(|&(_, share)| share))?;
        allocations.push(Allocation { rule: candidate.rule, shares, total });
    }
    Ok(allocations)
}

/// `round(remaining × p / 100)` on each eligible line.
fn percentage_shares(
    percent: Decimal,
    eligible: &[usize],
    remaining: &[Decimal],
    currency: Currency,
) -> Result<Vec<(usize, Decimal)>, PricingError> {
    eligible
        .iter()
        .map(|&line| {
            let exact = remaining[line]
                .checked_mul(percent)
                .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
                .ok_or(PricingError::Overflow)?;
            // p ≤ 100 keeps the share within what is left; `min` guards against `Decimal`'s
            // rounding of results beyond 28 digits.
            Ok((line, Money::new(exact, currency).amount().min(remaining[line])))
        })
        .collect()
}

/// Spreads `min(amount, Σ remaining)` over the eligible lines in proportion to what is left of
/// each, by the largest-remainder method in minor units: every line gets the floor of its exact
/// share, and the units still missing go one each to the largest remainders (ties: the earlier
/// line). The shares add up to the amount exactly, and none exceeds what is left of its line.
fn fixed_shares(
    amount: Decimal,
    eligible: &[usize],
    remaining: &[Decimal],
    currency: Currency,
) -> Result<Vec<(usize, Decimal)>, PricingError> {
    let minor = |d: Decimal| Money::new(d, currency).to_minor().map(i128::from).map_err(|_| PricingError::Overflow);
    let weights = eligible.iter().map(|&line| minor(remaining[line])).collect::<Result<Vec<_>, _>>()?;
    let pool = weights.iter().try_fold(0i128, |acc, &w| acc.checked_add(w)).ok_or(PricingError::Overflow)?;
    let amount = minor(amount)?.min(pool);
    if amount == 0 {
        return Ok(eligible.iter().map(|&line| (line, Decimal::ZERO)).collect());
    }

    let mut shares = Vec::with_capacity(eligible.len());
    let mut remainders = Vec::with_capacity(eligible.len());
    for (position, &weight) in weights.iter().enumerate() {
        let scaled = amount.checked_mul(weight).ok_or(PricingError::Overflow)?;
        shares.push(scaled / pool);
        remainders.push((scaled % pool, position));
    }
    let missing = amount - shares.iter().sum::<i128>();
    // Largest remainder first; the stable sort keeps earlier lines first on ties.
    remainders.sort_by_key(|&(remainder, _)| std::cmp::Reverse(remainder));
    for &(_, position) in remainders.iter().take(usize::try_from(missing).map_err(|_| PricingError::Overflow)?) {
        shares[position] += 1;
    }

    eligible
        .iter()
        .zip(shares)
        .map(|(&line, share)| {
            let share = i64::try_from(share).map_err(|_| PricingError::Overflow)?;
            Ok((line, Money::from_minor(share, currency).amount()))
        })
        .collect()
}
