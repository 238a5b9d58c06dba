use super::*;

fn method(rate: ShippingRate, free_over: Option<Money>) -> ShippingMethodRule {
    ShippingMethodRule {
        id: ShippingMethodId(Uuid::from_u128(7)),
        name: "Post".to_owned(),
        rate,
        free_over,
        tax_class: "shipping".into(),
    }
}

fn tiers(tiers: &[(Option<u32>, &str)]) -> ShippingRate {
    ShippingRate::WeightTiers(
        tiers.iter().map(|&(up_to_grams, price)| WeightTier { up_to_grams, price: usd(price) }).collect(),
    )
}

#[test]
fn shipping_price_flat_rate_is_its_price() {
    let rule = method(ShippingRate::Flat(usd("5.00")), None);
    assert_eq!(shipping_price(&rule, 12_000, usd("20.00")), Ok(Some(usd("5.00"))));
}

#[test]
fn shipping_price_weight_tiers_take_the_first_covering_bound_whatever_their_order() {
    // given tiers listed out of order, the open-ended one first
    let rule = method(tiers(&[(None, "20.00"), (Some(2_000), "9.00"), (Some(500), "4.00")]), None);
    let price = |grams| shipping_price(&rule, grams, usd("10.00")).unwrap().map(|m| m.amount());

    // then bounds are inclusive and the open-ended tier comes last
    assert_eq!(price(0), Some(d("4.00")));
    assert_eq!(price(500), Some(d("4.00")));
    assert_eq!(price(501), Some(d("9.00")));
    assert_eq!(price(2_000), Some(d("9.00")));
    assert_eq!(price(2_001), Some(d("20.00")));
    assert_eq!(price(u64::MAX), Some(d("20.00")));
}

#[test]
fn shipping_price_weight_beyond_every_tier_is_unavailable_even_when_free() {
    let rule = method(tiers(&[(Some(500), "4.00"), (Some(1_000), "6.00")]), Some(usd("50.00")));
    assert_eq!(shipping_price(&rule, 1_000, usd("10.00")), Ok(Some(usd("6.00"))));
    assert_eq!(shipping_price(&rule, 1_001, usd("10.00")), Ok(None));
    assert_eq!(shipping_price(&rule, 1_001, usd("80.00")), Ok(None));
    assert_eq!(shipping_price(&method(tiers(&[]), None), 0, usd("1.00")), Ok(None));
}

#[test]
fn shipping_price_reaching_free_over_costs_zero() {
    let rule = method(ShippingRate::Flat(usd("5.00")), Some(usd("50.00")));
    assert_eq!(shipping_price(&rule, 100, usd("49.99")), Ok(Some(usd("5.00"))));
    assert_eq!(shipping_price(&rule, 100, usd("50.00")), Ok(Some(usd("0.00"))));
    let tiered = method(tiers(&[(Some(500), "4.00")]), Some(usd("50.00")));
    assert_eq!(shipping_price(&tiered, 100, usd("75.00")), Ok(Some(usd("0"))));
}

#[test]
fn shipping_price_in_another_currency_is_a_mismatch() {
    let flat = method(ShippingRate::Flat(eur("5.00")), None);
    assert_eq!(shipping_price(&flat, 1, usd("1.00")), Err(PricingError::CurrencyMismatch));
    let free_over = method(ShippingRate::Flat(usd("5.00")), Some(eur("50.00")));
    assert_eq!(shipping_price(&free_over, 1, usd("1.00")), Err(PricingError::CurrencyMismatch));
    let tier = method(
        ShippingRate::WeightTiers(vec![
            WeightTier { up_to_grams: Some(10), price: usd("1.00") },
            WeightTier { up_to_grams: None, price: eur("2.00") },
        ]),
        None,
    );
    assert_eq!(shipping_price(&tier, 1, usd("1.00")), Err(PricingError::CurrencyMismatch));
}
