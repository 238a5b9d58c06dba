use super::*;

fn fixed(s: &str) -> DiscountValue {
    DiscountValue::Fixed(usd(s))
}

fn exclusive(n: u128, value: DiscountValue) -> DiscountRule {
    DiscountRule { combines_with_others: false, ..rule(n, value) }
}

#[test]
fn compute_percentage_rounds_each_line_once() {
    // given 3 × 3.33 = 9.99 and 1 × 0.05, 15 % off
    let mut input = cart(vec![line(0, usd("3.33"), 3), line(1, usd("0.05"), 1)]);
    input.discounts = vec![rule(1, percent("15"))];

    // when
    let result = compute(&input).unwrap();

    // then 9.99 × 0.15 = 1.4985 → 1.50 and 0.05 × 0.15 = 0.0075 → 0.01
    assert_eq!(line_discounts(&result), [d("1.50"), d("0.01")]);
    assert_eq!(
        result.lines[0].discounts,
        [LineDiscount { discount_id: DiscountId(Uuid::from_u128(1)), amount: usd("1.50") }]
    );
    assert_eq!(result.applied_discounts[0].amount, usd("1.51"));
    assert_eq!((result.subtotal, result.discounts, result.total), (usd("10.04"), usd("1.51"), usd("8.53")));
    assert_eq!(amounts(result.lines.iter().map(|l| &l.total)), [d("8.49"), d("0.04")]);
}

#[test]
fn compute_percentage_outside_zero_to_hundred_is_invalid_even_when_not_applicable() {
    for p in ["0", "-5", "100.01"] {
        let mut input = cart(vec![line(0, usd("10.00"), 1)]);
        input.discounts =
            vec![DiscountRule { target: DiscountTarget::Products(vec![product(42)]), ..rule(1, percent(p)) }];
        assert_eq!(compute(&input), Err(PricingError::InvalidPercentage), "{p}");
    }
}

#[test]
fn compute_hundred_percent_takes_the_whole_line() {
    let mut input = cart(vec![line(0, usd("19.99"), 2)]);
    input.discounts = vec![rule(1, percent("100")), rule(2, fixed("5.00"))];
    let result = compute(&input).unwrap();
    assert_eq!(line_discounts(&result), [d("39.98")]);
    assert_eq!(result.total, usd("0.00"));
    // the second rule applies but finds nothing left: applied for 0, no line share recorded
    assert_eq!(amounts(result.applied_discounts.iter().map(|a| &a.amount)), [d("39.98"), d("0.00")]);
    assert_eq!(result.lines[0].discounts.len(), 1);
}

#[test]
fn compute_fixed_amount_spreads_by_largest_remainder() {
    // given three equal lines: 10.00 / 3 = 3.333… each; the one spare cent goes to the first
    let mut input = cart(vec![line(0, usd("10.00"), 1), line(1, usd("10.00"), 1), line(2, usd("10.00"), 1)]);
    input.discounts = vec![rule(1, fixed("10.00"))];
    assert_eq!(line_discounts(&compute(&input).unwrap()), [d("3.34"), d("3.33"), d("3.33")]);

    // given 1.00 and 2.00: exact shares 0.333… and 0.666…; the larger remainder is the second's
    let mut input = cart(vec![line(0, usd("1.00"), 1), line(1, usd("2.00"), 1)]);
    input.discounts = vec![rule(1, fixed("1.00"))];
    assert_eq!(line_discounts(&compute(&input).unwrap()), [d("0.33"), d("0.67")]);
}

#[test]
fn compute_fixed_amount_above_the_eligible_subtotal_is_capped() {
    let mut input = cart(vec![line(0, usd("4.00"), 1), line(1, usd("3.00"), 2)]);
    input.discounts = vec![rule(1, fixed("25.00"))];
    let result = compute(&input).unwrap();
    assert_eq!(line_discounts(&result), [d("4.00"), d("6.00")]);
    assert_eq!(result.applied_discounts[0].amount, usd("10.00"));
    assert_eq!(result.total, usd("0.00"));
}

#[test]
fn compute_targets_products_categories_and_vendor() {
    // given line 0: product 1, categories 1 and 2, vendor 1; line 1: product 2, category 3, vendor 2
    let mut first = line(0, usd("10.00"), 1);
    first.category_ids = vec![category(1), category(2)];
    let mut second = line(1, usd("20.00"), 1);
    second.category_ids = vec![category(3)];
    second.vendor_id = vendor(2);
    let mut input = cart(vec![first, second]);
    input.discounts = vec![
        DiscountRule { target: DiscountTarget::Products(vec![product(2)]), ..rule(1, percent("10")) },
        DiscountRule { target: DiscountTarget::Categories(vec![category(2), category(9)]), ..rule(2, percent("50")) },
        DiscountRule { vendor_id: Some(vendor(2)), ..rule(3, fixed("1.00")) },
        DiscountRule {
            target: DiscountTarget::Products(vec![product(1)]),
            vendor_id: Some(vendor(2)),
            ..rule(4, fixed("1.00"))
        },
        DiscountRule { target: DiscountTarget::Categories(vec![category(7)]), ..rule(5, fixed("1.00")) },
    ];

    // when
    let result = compute(&input).unwrap();

    // then rule 1 → line 1 (2.00), rule 2 → line 0 (5.00), rule 3 → line 1 (1.00); 4 and 5 reach nothing
    assert_eq!(line_discounts(&result), [d("5.00"), d("3.00")]);
    assert_eq!(applied_ids(&result), [1, 2, 3]);
    assert_eq!(rejected(&result), [(4, DiscountRejection::NotApplicable), (5, DiscountRejection::NotApplicable)]);
}

#[test]
fn compute_minimum_counts_only_the_eligible_lines_before_discounts() {
    let mut input = cart(vec![line(0, usd("30.00"), 1), line(1, usd("50.00"), 1)]);
    let on_first = |n, min| DiscountRule {
        target: DiscountTarget::Products(vec![product(1)]),
        min_subtotal: Some(usd(min)),
        ..rule(n, fixed("3.00"))
    };
    // rule 1 takes 100 % of line 0 first; rule 2's minimum still sees its 30.00 subtotal
    input.discounts = vec![rule(9, percent("100")), on_first(1, "30.00"), on_first(2, "40.00")];
    let result = compute(&input).unwrap();
    assert_eq!(applied_ids(&result), [9, 1]);
    assert_eq!(rejected(&result), [(2, DiscountRejection::MinimumNotReached)]);
}

#[test]
fn compute_combinable_rules_stack_in_input_order() {
    let mut input = cart(vec![line(0, usd("100.00"), 1)]);
    input.discounts = vec![rule(1, percent("10")), rule(2, fixed("5.00"))];
    assert_eq!(compute(&input).unwrap().discounts, usd("15.00"));

    // 5.00 first leaves 95.00, of which 10 % is 9.50
    input.discounts.reverse();
    let result = compute(&input).unwrap();
    assert_eq!(amounts(result.applied_discounts.iter().map(|a| &a.amount)), [d("5.00"), d("9.50")]);

    input.discounts = vec![rule(1, percent("50")), rule(2, percent("50"))];
    assert_eq!(compute(&input).unwrap().discounts, usd("75.00"));
}

#[test]
fn compute_non_combinable_rule_competes_with_the_combinable_group() {
    let mut input = cart(vec![line(0, usd("100.00"), 1)]);
    input.discounts = vec![rule(1, percent("10")), exclusive(2, percent("12")), rule(3, fixed("5.00"))];

    // the group (10.00 + 5.00) beats 12 % alone
    let result = compute(&input).unwrap();
    assert_eq!(applied_ids(&result), [1, 3]);
    assert_eq!(result.discounts, usd("15.00"));
    assert_eq!(rejected(&result), [(2, DiscountRejection::NotCombinable)]);

    // 20 % alone beats the group
    input.discounts[1] = exclusive(2, percent("20"));
    let result = compute(&input).unwrap();
    assert_eq!(applied_ids(&result), [2]);
    assert_eq!(result.discounts, usd("20.00"));
    assert_eq!(rejected(&result), [(1, DiscountRejection::NotCombinable), (3, DiscountRejection::NotCombinable)]);
}

#[test]
fn compute_tie_between_options_goes_to_the_earliest() {
    let mut input = cart(vec![line(0, usd("100.00"), 1)]);
    input.discounts = vec![exclusive(1, fixed("10.00")), exclusive(2, percent("10"))];
    assert_eq!(applied_ids(&compute(&input).unwrap()), [1]);

    // the group starts at rule 1, before the non-combinable rule 2
    input.discounts = vec![rule(1, fixed("4.00")), exclusive(2, percent("10")), rule(3, fixed("6.00"))];
    let result = compute(&input).unwrap();
    assert_eq!(applied_ids(&result), [1, 3]);
    assert_eq!(rejected(&result), [(2, DiscountRejection::NotCombinable)]);
}

#[test]
fn compute_rejected_rules_do_not_compete() {
    // given a better non-combinable rule that misses its minimum
    let mut input = cart(vec![line(0, usd("100.00"), 1)]);
    input.discounts =
        vec![DiscountRule { min_subtotal: Some(usd("500.00")), ..exclusive(1, percent("50")) }, rule(2, percent("5"))];
    let result = compute(&input).unwrap();
    assert_eq!(applied_ids(&result), [2]);
    assert_eq!(rejected(&result), [(1, DiscountRejection::MinimumNotReached)]);
}

#[test]
fn compute_fixed_amount_spreads_only_over_eligible_lines_by_what_is_left() {
    // given line 0 already half off; the fixed 3.00 on both lines splits 5.00 : 10.00
    let mut input = cart(vec![line(0, usd("10.00"), 1), line(1, usd("10.00"), 1), line(2, usd("10.00"), 1)]);
    input.discounts = vec![
        DiscountRule { target: DiscountTarget::Products(vec![product(1)]), ..rule(1, percent("50")) },
        DiscountRule { target: DiscountTarget::Products(vec![product(1), product(2)]), ..rule(2, fixed("3.00")) },
    ];
    let result = compute(&input).unwrap();
    assert_eq!(line_discounts(&result), [d("6.00"), d("2.00"), d("0.00")]);
    assert!(result.lines[2].discounts.is_empty());
}
