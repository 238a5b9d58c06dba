//! The price of a shipping method for one vendor's group of lines.

use super::model::{PricingError, ShippingMethodRule, ShippingRate, checked_amount};
use crate::shared::money::Money;

/// Prices `rule` for a group of lines weighing `weight_grams` whose subtotal (before discounts)
/// is `group_subtotal`.
///
/// A flat rate is its price. Weight tiers are taken in ascending order of `up_to_grams` (the
/// open-ended tier last, whatever order they come in) and the first whose bound (inclusive)
/// covers the weight applies. When the group reaches `free_over`, an available method costs zero.
///
/// Returns `Ok(None)` when no tier covers the weight: the method is unavailable for this group,
/// even when it would be free (a weight limit is the carrier's, not a price).
///
/// # Errors
/// - [`PricingError::CurrencyMismatch`] when a price or `free_over` is in another currency than
///   `group_subtotal`.
/// - [`PricingError::Overflow`] when an amount is negative or does not fit in minor units.
pub fn shipping_price(
    rule: &ShippingMethodRule,
    weight_grams: u64,
    group_subtotal: Money,
) -> Result<Option<Money>, PricingError> {
    let currency = group_subtotal.currency();
    let subtotal = checked_amount(group_subtotal, currency)?;
    let free_over = rule.free_over.map(|m| checked_amount(m, currency)).transpose()?;

    let price = match &rule.rate {
        ShippingRate::Flat(price) => {
            checked_amount(*price, currency)?;
            Some(*price)
        }
        ShippingRate::WeightTiers(tiers) => {
            for tier in tiers {
                checked_amount(tier.price, currency)?;
            }
            let mut sorted: Vec<_> = tiers.iter().collect();
            // `None` is "and above": it sorts after every bound. The sort is stable, so equal
            // bounds keep their given order.
            sorted.sort_by_key(|tier| tier.up_to_grams.map_or(u64::MAX, u64::from));
            sorted
                .into_iter()
                .find(|tier| tier.up_to_grams.is_none_or(|bound| weight_grams <= u64::from(bound)))
                .map(|tier| tier.price)
        }
    };

    Ok(price.map(|price| match free_over {
        Some(threshold) if subtotal >= threshold => Money::from_minor(0, currency),
        _ => price,
    }))
}
