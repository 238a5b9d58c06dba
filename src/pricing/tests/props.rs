//! Properties over random carts: whatever the lines, discounts, tax rates and tax mode, the
//! amounts add up and stay within their bounds.

use proptest::{collection::vec, option, prelude::*};

use super::*;
use crate::shared::money::MAX_PRICE_MINOR;

const VENDORS: u128 = 3;
const PRODUCTS: u128 = 6;
const CATEGORIES: u128 = 4;
/// The last class has no rate.
const CLASSES: [&str; 3] = ["standard", "reduced", "untaxed"];

fn currency() -> impl Strategy<Value = Currency> {
    prop_oneof![3 => Just(Currency::USD), 1 => Just(Currency::parse("JPY").unwrap())]
}

/// Cents to money; in JPY this rounds to whole yen.
fn money(cents: i64, currency: Currency) -> Money {
    Money::new(Decimal::new(cents, 2), currency)
}

/// Up to 10,000.00 a unit, 1 to 50 units.
fn line_input(currency: Currency) -> impl Strategy<Value = LineInput> {
    (1..=VENDORS, 1..=PRODUCTS, vec(1..=CATEGORIES, 0..=2), 0..=1_000_000i64, 1..=50u32, 0..CLASSES.len()).prop_map(
        move |(vendor_n, product_n, categories, cents, quantity, class)| LineInput {
            product_id: product(product_n),
            vendor_id: vendor(vendor_n),
            category_ids: categories.into_iter().map(category).collect(),
            unit_price: money(cents, currency),
            quantity,
            tax_class: CLASSES[class].to_owned(),
            ..line(0, money(0, currency), 1)
        },
    )
}

fn discount_rule(currency: Currency) -> impl Strategy<Value = DiscountRule> {
    let value = prop_oneof![
        (1..=10_000i64).prop_map(|bp| DiscountValue::Percentage(Decimal::new(bp, 2))),
        (0..=100_000i64).prop_map(move |cents| DiscountValue::Fixed(money(cents, currency))),
        // up to 20,000,000.00: above the largest cart (20 × 50 × 10,000.00)
        (0..=2_000_000_000i64).prop_map(move |cents| DiscountValue::Fixed(money(cents, currency))),
    ];
    let target = prop_oneof![
        Just(DiscountTarget::Subtotal),
        vec(1..=PRODUCTS, 1..=3).prop_map(|ids| DiscountTarget::Products(ids.into_iter().map(product).collect())),
        vec(1..=CATEGORIES, 1..=2).prop_map(|ids| DiscountTarget::Categories(ids.into_iter().map(category).collect())),
    ];
    (value, target, option::of(1..=VENDORS), option::of(0..=100_000_000i64), any::<bool>()).prop_map(
        move |(value, target, vendor_n, min_cents, combines_with_others)| DiscountRule {
            target,
            vendor_id: vendor_n.map(vendor),
            min_subtotal: min_cents.map(|cents| money(cents, currency)),
            combines_with_others,
            ..rule(0, value)
        },
    )
}

fn pricing_input() -> impl Strategy<Value = PricingInput> {
    currency().prop_flat_map(|currency| {
        (
            vec(line_input(currency), 1..=20),
            vec(discount_rule(currency), 0..=4),
            [option::of(0..=3_000i64), option::of(0..=3_000i64)],
            // one per vendor, plus a vendor with shipping only
            vec(option::of((0..=50_000i64, 0..CLASSES.len())), (VENDORS + 1) as usize),
            any::<bool>(),
        )
            .prop_map(move |(lines, discounts, rates, shipping_cents, prices_include_tax)| PricingInput {
                currency,
                prices_include_tax,
                lines: lines.into_iter().enumerate().map(|(index, line)| LineInput { index, ..line }).collect(),
                shipping: (1..)
                    .zip(shipping_cents)
                    .filter_map(|(n, s)| {
                        s.map(|(cents, class)| shipping(vendor(n), money(cents, currency), CLASSES[class]))
                    })
                    .collect(),
                discounts: (1..)
                    .zip(discounts)
                    .map(|(n, rule)| DiscountRule { id: DiscountId(Uuid::from_u128(n)), ..rule })
                    .collect(),
                tax_rates: CLASSES
                    .iter()
                    .zip(rates)
                    .filter_map(|(class, bp)| bp.map(|bp| tax_rate(class, &Decimal::new(bp, 4).to_string())))
                    .collect(),
            })
    })
}

fn total_of<'a>(money: impl IntoIterator<Item = &'a Money>) -> Decimal {
    money.into_iter().map(Money::amount).sum()
}

/// Every amount is in the cart's currency, rounded to its exponent and not negative.
fn check_amounts(input: &PricingInput, r: &PricingResult) -> Result<(), TestCaseError> {
    let mut all: Vec<&Money> = vec![&r.subtotal, &r.discounts, &r.shipping, &r.tax, &r.total];
    for l in &r.lines {
        all.extend([&l.subtotal, &l.discount, &l.tax, &l.total]);
        all.extend(l.discounts.iter().map(|d| &d.amount).chain(l.tax_lines.iter().map(|t| &t.amount)));
    }
    for s in &r.shipping_lines {
        all.extend([&s.price, &s.tax, &s.total]);
        all.extend(s.tax_lines.iter().map(|t| &t.amount));
    }
    all.extend(r.applied_discounts.iter().map(|a| &a.amount));
    all.extend(r.vendors.iter().flat_map(|v| [&v.subtotal, &v.discounts, &v.shipping, &v.tax, &v.total]));
    for m in all {
        prop_assert_eq!(m.currency(), input.currency);
        prop_assert!(m.amount() >= Decimal::ZERO, "negative {:?}", m);
        prop_assert_eq!(*m, Money::new(m.amount(), input.currency), "not rounded");
    }
    Ok(())
}

/// Lines and shipping lines are consistent within themselves.
fn check_lines(input: &PricingInput, r: &PricingResult) -> Result<(), TestCaseError> {
    let excluded = !input.prices_include_tax;
    prop_assert_eq!(r.lines.len(), input.lines.len());
    for (l, line) in r.lines.iter().zip(&input.lines) {
        prop_assert_eq!(l.index, line.index);
        prop_assert_eq!(l.subtotal.amount(), line.unit_price.amount() * Decimal::from(line.quantity));
        prop_assert_eq!(l.discount.amount(), total_of(l.discounts.iter().map(|d| &d.amount)));
        prop_assert!(l.discount.amount() <= l.subtotal.amount(), "line discount above its subtotal");
        prop_assert_eq!(l.tax.amount(), total_of(l.tax_lines.iter().map(|t| &t.amount)));
        let base = l.subtotal.amount() - l.discount.amount();
        if !excluded {
            prop_assert!(l.tax.amount() <= base, "included tax above its base");
        }
        prop_assert_eq!(l.total.amount(), if excluded { base + l.tax.amount() } else { base });
    }
    for s in &r.shipping_lines {
        prop_assert_eq!(s.tax.amount(), total_of(s.tax_lines.iter().map(|t| &t.amount)));
        if !excluded {
            prop_assert!(s.tax.amount() <= s.price.amount(), "included tax above its base");
        }
        prop_assert_eq!(s.total.amount(), if excluded { s.price.amount() + s.tax.amount() } else { s.price.amount() });
    }
    Ok(())
}

/// The order and vendor totals add up from the lines.
fn check_totals(input: &PricingInput, r: &PricingResult) -> Result<(), TestCaseError> {
    let excluded = !input.prices_include_tax;
    let formula = |subtotal: Decimal, discounts: Decimal, shipping: Decimal, tax: Decimal| {
        subtotal - discounts + shipping + if excluded { tax } else { Decimal::ZERO }
    };
    prop_assert_eq!(r.subtotal.amount(), total_of(r.lines.iter().map(|l| &l.subtotal)));
    prop_assert_eq!(r.discounts.amount(), total_of(r.lines.iter().map(|l| &l.discount)));
    prop_assert_eq!(r.shipping.amount(), total_of(r.shipping_lines.iter().map(|s| &s.price)));
    let tax = total_of(r.lines.iter().map(|l| &l.tax)) + total_of(r.shipping_lines.iter().map(|s| &s.tax));
    prop_assert_eq!(r.tax.amount(), tax);
    let line_totals = total_of(r.lines.iter().map(|l| &l.total)) + total_of(r.shipping_lines.iter().map(|s| &s.total));
    prop_assert_eq!(r.total.amount(), line_totals);
    prop_assert_eq!(r.total.amount(), formula(r.subtotal.amount(), r.discounts.amount(), r.shipping.amount(), tax));
    prop_assert!(r.discounts.amount() <= r.subtotal.amount());

    let vendor_sum = |f: fn(&VendorTotals) -> &Money| total_of(r.vendors.iter().map(f));
    prop_assert_eq!(vendor_sum(|v| &v.subtotal), r.subtotal.amount());
    prop_assert_eq!(vendor_sum(|v| &v.discounts), r.discounts.amount());
    prop_assert_eq!(vendor_sum(|v| &v.shipping), r.shipping.amount());
    prop_assert_eq!(vendor_sum(|v| &v.tax), r.tax.amount());
    prop_assert_eq!(vendor_sum(|v| &v.total), r.total.amount());
    for v in &r.vendors {
        prop_assert_eq!(
            v.total.amount(),
            formula(v.subtotal.amount(), v.discounts.amount(), v.shipping.amount(), v.tax.amount())
        );
        prop_assert_eq!(r.vendors.iter().filter(|w| w.vendor_id == v.vendor_id).count(), 1);
    }
    Ok(())
}

/// Each rule is either applied or rejected; applied amounts match the line shares.
fn check_discounts(input: &PricingInput, r: &PricingResult) -> Result<(), TestCaseError> {
    for rule in &input.discounts {
        let applied = r.applied_discounts.iter().filter(|a| a.discount_id == rule.id).count();
        let rejected = r.rejected_discounts.iter().filter(|(id, _)| *id == rule.id).count();
        prop_assert_eq!(applied + rejected, 1);
    }
    for a in &r.applied_discounts {
        let rule = input.discounts.iter().find(|d| d.id == a.discount_id).unwrap();
        let shares = r.lines.iter().flat_map(|l| &l.discounts).filter(|d| d.discount_id == a.discount_id);
        prop_assert_eq!(a.amount.amount(), total_of(shares.map(|d| &d.amount)));
        if let DiscountValue::Fixed(amount) = rule.value {
            prop_assert!(a.amount.amount() <= amount.amount(), "fixed discount above its amount");
        }
        if !rule.combines_with_others {
            prop_assert_eq!(r.applied_discounts.len(), 1, "a non-combinable rule applied with others");
        }
    }
    prop_assert_eq!(r.discounts.amount(), total_of(r.applied_discounts.iter().map(|a| &a.amount)));
    Ok(())
}

/// Every amount of `r` converts to minor units (what the database and Stripe store).
fn check_minor_units(r: &PricingResult) -> Result<(), TestCaseError> {
    let mut all: Vec<&Money> = vec![&r.subtotal, &r.discounts, &r.shipping, &r.tax, &r.total];
    all.extend(r.lines.iter().flat_map(|l| [&l.subtotal, &l.discount, &l.tax, &l.total]));
    all.extend(r.shipping_lines.iter().flat_map(|s| [&s.price, &s.tax, &s.total]));
    all.extend(r.vendors.iter().flat_map(|v| [&v.subtotal, &v.discounts, &v.shipping, &v.tax, &v.total]));
    for m in all {
        prop_assert!(m.to_minor().is_ok(), "{:?} does not fit minor units", m);
    }
    Ok(())
}

/// Carts at the documented bounds: up to `MAX_LINES` lines of up to `MAX_QUANTITY` units at
/// up to `MAX_PRICE_MINOR`, shipping at the maximum price, tax up to 100 %, in a two- and a
/// zero-decimal currency.
fn bounded_input() -> impl Strategy<Value = PricingInput> {
    let line = (1..=VENDORS, MAX_PRICE_MINOR / 2..=MAX_PRICE_MINOR, MAX_QUANTITY / 2..=MAX_QUANTITY);
    (currency(), vec(line, 1..=MAX_LINES), 0..=10_000i64, any::<bool>()).prop_map(
        |(currency, lines, rate_bp, prices_include_tax)| PricingInput {
            currency,
            prices_include_tax,
            lines: lines
                .into_iter()
                .enumerate()
                .map(|(index, (vendor_n, minor, quantity))| LineInput {
                    vendor_id: vendor(vendor_n),
                    ..super::line(index, Money::from_minor(minor, currency), quantity)
                })
                .collect(),
            shipping: (1..=VENDORS)
                .map(|n| shipping(vendor(n), Money::from_minor(MAX_PRICE_MINOR, currency), DEFAULT_TAX_CLASS))
                .collect(),
            discounts: Vec::new(),
            tax_rates: vec![tax_rate(DEFAULT_TAX_CLASS, &Decimal::new(rate_bp, 4).to_string())],
        },
    )
}

#[test]
fn compute_the_largest_cart_fits_minor_units() {
    // every line at every bound, tax of 100 % on top
    let currency = Currency::USD;
    let input = PricingInput {
        lines: (0..MAX_LINES)
            .map(|i| super::line(i, Money::from_minor(MAX_PRICE_MINOR, currency), MAX_QUANTITY))
            .collect(),
        shipping: vec![shipping(vendor(1), Money::from_minor(MAX_PRICE_MINOR, currency), DEFAULT_TAX_CLASS)],
        tax_rates: vec![tax_rate(DEFAULT_TAX_CLASS, "1")],
        ..super::cart(Vec::new())
    };
    let r = compute(&input).expect("the largest cart prices");
    check_minor_units(&r).unwrap();
    assert_eq!(r.subtotal.to_minor(), Ok(MAX_PRICE_MINOR * i64::from(MAX_QUANTITY) * MAX_LINES as i64));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn compute_carts_within_the_bounds_fit_minor_units(input in bounded_input()) {
        let result = compute(&input);
        prop_assert!(result.is_ok(), "{:?}", result.err());
        let result = result.unwrap();
        check_minor_units(&result)?;
        check_totals(&input, &result)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn compute_random_carts_always_add_up(input in pricing_input()) {
        let result = compute(&input);
        prop_assert!(result.is_ok(), "{:?}", result);
        let result = result.unwrap();
        check_amounts(&input, &result)?;
        check_lines(&input, &result)?;
        check_totals(&input, &result)?;
        check_discounts(&input, &result)?;
    }
}
