use super::*;

/// (subtotal, discounts, shipping, tax, total) of a vendor.
fn vendor_row(v: &VendorTotals) -> [Decimal; 5] {
    [v.subtotal, v.discounts, v.shipping, v.tax, v.total].map(|m| m.amount())
}

#[test]
fn compute_line_subtotal_is_unit_price_times_quantity() {
    let input = cart(vec![line(0, usd("19.99"), 3), line(1, usd("0.01"), 7)]);
    let result = compute(&input).unwrap();
    assert_eq!(amounts(result.lines.iter().map(|l| &l.subtotal)), [d("59.97"), d("0.07")]);
    assert_eq!(result.lines.iter().map(|l| l.index).collect::<Vec<_>>(), [0, 1]);
    assert_eq!((result.subtotal, result.tax, result.total), (usd("60.04"), usd("0"), usd("60.04")));
}

#[test]
fn compute_tax_on_top_of_prices_rounds_each_line() {
    // given 10.00 at 8.25 %, shipping of a class without a rate
    let mut input = cart(vec![line(0, usd("10.00"), 1)]);
    input.tax_rates = vec![tax_rate("standard", "0.0825")];
    input.shipping = vec![shipping(vendor(1), usd("5.00"), "shipping")];

    // when
    let result = compute(&input).unwrap();

    // then 0.825 → 0.83, away from zero
    let line = &result.lines[0];
    assert_eq!(line.tax_lines, [TaxLine { name: "standard 0.0825".into(), rate: d("0.0825"), amount: usd("0.83") }]);
    assert_eq!((line.tax, line.total), (usd("0.83"), usd("10.83")));
    assert!(result.shipping_lines[0].tax_lines.is_empty());
    assert_eq!(result.shipping_lines[0].total, usd("5.00"));
    assert_eq!((result.tax, result.total), (usd("0.83"), usd("15.83")));
}

#[test]
fn compute_tax_included_in_prices_is_the_contained_part() {
    // given 20 % VAT on 12.00 and on 6.00 shipping, prices with tax
    let mut input = cart(vec![line(0, usd("12.00"), 1), line(1, usd("9.99"), 1)]);
    input.prices_include_tax = true;
    input.tax_rates = vec![tax_rate("standard", "0.20")];
    input.shipping = vec![shipping(vendor(1), usd("6.00"), "standard")];

    // when
    let result = compute(&input).unwrap();

    // then 12.00 contains 2.00; 9.99 contains 1.665 → 1.67; 6.00 contains 1.00; nothing is added
    assert_eq!(amounts(result.lines.iter().map(|l| &l.tax)), [d("2.00"), d("1.67")]);
    assert_eq!(amounts(result.lines.iter().map(|l| &l.total)), [d("12.00"), d("9.99")]);
    assert_eq!((result.shipping_lines[0].tax, result.shipping_lines[0].total), (usd("1.00"), usd("6.00")));
    assert_eq!((result.tax, result.total), (usd("4.67"), usd("27.99")));
}

#[test]
fn compute_tax_is_on_the_discounted_amount() {
    let mut input = cart(vec![line(0, usd("100.00"), 1)]);
    input.tax_rates = vec![tax_rate("standard", "0.20")];
    input.discounts = vec![rule(1, percent("10"))];
    let result = compute(&input).unwrap();
    assert_eq!((result.tax, result.total), (usd("18.00"), usd("108.00")));
}

#[test]
fn compute_zero_rate_has_a_tax_line_and_a_missing_rate_has_none() {
    let mut zero = line(0, usd("10.00"), 1);
    zero.tax_class = "zero".into();
    let mut input = cart(vec![zero, line(1, usd("10.00"), 1)]);
    input.tax_rates = vec![tax_rate("zero", "0")];
    let result = compute(&input).unwrap();
    assert_eq!(result.lines[0].tax_lines.len(), 1);
    assert_eq!(result.lines[0].tax_lines[0].amount, usd("0"));
    assert!(result.lines[1].tax_lines.is_empty());
}

#[test]
fn compute_vendor_totals_follow_cart_order_then_shipping_only_vendors() {
    // given lines of vendors 1, 2, 1; shipping for vendors 3 and 1; 10 % off vendor 1; 10 % tax
    let mut lines = vec![line(0, usd("10.00"), 1), line(1, usd("20.00"), 1), line(2, usd("5.00"), 2)];
    lines[1].vendor_id = vendor(2);
    let mut input = cart(lines);
    input.tax_rates = vec![tax_rate("standard", "0.10")];
    input.shipping = vec![shipping(vendor(3), usd("4.00"), "standard"), shipping(vendor(1), usd("3.00"), "standard")];
    input.discounts = vec![DiscountRule { vendor_id: Some(vendor(1)), ..rule(1, percent("10")) }];

    // when
    let result = compute(&input).unwrap();

    // then
    assert_eq!(result.vendors.iter().map(|v| v.vendor_id).collect::<Vec<_>>(), [vendor(1), vendor(2), vendor(3)]);
    assert_eq!(vendor_row(&result.vendors[0]), [d("20.00"), d("2.00"), d("3.00"), d("2.10"), d("23.10")]);
    assert_eq!(vendor_row(&result.vendors[1]), [d("20.00"), d("0"), d("0"), d("2.00"), d("22.00")]);
    assert_eq!(vendor_row(&result.vendors[2]), [d("0"), d("0"), d("4.00"), d("0.40"), d("4.40")]);
    let order = [result.subtotal, result.discounts, result.shipping, result.tax, result.total];
    assert_eq!(order.map(|m| m.amount()), [d("40.00"), d("2.00"), d("7.00"), d("4.50"), d("49.50")]);
}

#[test]
fn compute_jpy_rounds_to_whole_yen() {
    // given 333 × 3 = 999 and 500 yen; 15 % off then 100 yen off; 10 % tax; 800 yen shipping
    let jpy = Currency::parse("JPY").unwrap();
    let yen = |n: i64| Money::from_minor(n, jpy);
    let mut input = cart(vec![line(0, yen(333), 3), line(1, yen(500), 1)]);
    input.discounts = vec![rule(1, percent("15")), rule(2, DiscountValue::Fixed(yen(100)))];
    input.tax_rates = vec![tax_rate("standard", "0.10")];
    input.shipping = vec![shipping(vendor(1), yen(800), "standard")];

    // when
    let result = compute(&input).unwrap();

    // then 149.85 → 150 and 75; 100 over 849 : 425 is 66.64… : 33.36… → 67 : 33
    let minor = |m: &Money| m.to_minor().unwrap();
    assert_eq!(result.lines[0].discounts.iter().map(|l| minor(&l.amount)).collect::<Vec<_>>(), [150, 67]);
    assert_eq!(result.lines[1].discounts.iter().map(|l| minor(&l.amount)).collect::<Vec<_>>(), [75, 33]);
    // tax 78.2 → 78 and 39.2 → 39; shipping 80
    assert_eq!(result.lines.iter().map(|l| minor(&l.tax)).collect::<Vec<_>>(), [78, 39]);
    assert_eq!(result.lines.iter().map(|l| minor(&l.total)).collect::<Vec<_>>(), [860, 431]);
    let order = [result.subtotal, result.discounts, result.shipping, result.tax, result.total];
    assert_eq!(order.map(|m| minor(&m)), [1499, 325, 800, 197, 2171]);
    assert_eq!(result.total.currency(), jpy);
}

#[test]
fn compute_amount_in_another_currency_is_a_mismatch() {
    let usd_cart = |lines| PricingInput { currency: Currency::USD, ..cart(lines) };

    let input = usd_cart(vec![line(0, usd("1.00"), 1), line(1, eur("1.00"), 1)]);
    assert_eq!(compute(&input), Err(PricingError::CurrencyMismatch));

    let mut input = usd_cart(vec![line(0, usd("1.00"), 1)]);
    input.shipping = vec![shipping(vendor(1), eur("1.00"), "standard")];
    assert_eq!(compute(&input), Err(PricingError::CurrencyMismatch));

    let mut input = usd_cart(vec![line(0, usd("1.00"), 1)]);
    input.discounts = vec![rule(1, DiscountValue::Fixed(eur("1.00")))];
    assert_eq!(compute(&input), Err(PricingError::CurrencyMismatch));

    // a minimum in another currency fails even for a rule that reaches no line
    let mut input = usd_cart(vec![line(0, usd("1.00"), 1)]);
    input.discounts = vec![DiscountRule {
        target: DiscountTarget::Products(vec![product(42)]),
        min_subtotal: Some(eur("1.00")),
        ..rule(1, percent("10"))
    }];
    assert_eq!(compute(&input), Err(PricingError::CurrencyMismatch));
}

#[test]
fn compute_out_of_range_amounts_are_rejected() {
    let huge = Money::from_minor(i64::MAX, Currency::USD);
    assert_eq!(compute(&cart(vec![line(0, huge, 2)])), Err(PricingError::Overflow));
    assert_eq!(compute(&cart(vec![line(0, huge, 1), line(1, huge, 1)])), Err(PricingError::Overflow));
    assert_eq!(compute(&cart(vec![line(0, usd("-1.00"), 1)])), Err(PricingError::Overflow));

    let mut input = cart(vec![line(0, usd("1.00"), 1)]);
    input.tax_rates = vec![tax_rate("standard", "-0.1")];
    assert_eq!(compute(&input), Err(PricingError::Overflow));
}

#[test]
fn compute_empty_cart_is_all_zero() {
    let result = compute(&cart(Vec::new())).unwrap();
    assert!(result.lines.is_empty() && result.vendors.is_empty());
    assert_eq!((result.subtotal, result.total), (usd("0"), usd("0")));
}
