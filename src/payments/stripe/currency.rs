//! Stripe's own amount rules, which differ from ISO 4217 exponents (ours, `shared::money`).
//! Source: Stripe's "Supported currencies" page (minor units, zero-decimal, three-decimal and
//! special cases) and its ISK notice (`invalid_charge_amount_no_decimal_compatible`).
//!
//! | currencies | Stripe integer | granularity |
//! |---|---|---|
//! | BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF (zero-decimal) | whole units: ¥500 → `500` | 1 |
//! | BHD JOD KWD OMR TND (three-decimal) | thousandths: 5.120 KWD → `5120` | last digit 0 |
//! | ISK (zero-decimal, kept two-decimal for compatibility) | hundredths: 5 ISK → `500` | multiple of 100 |
//! | HUF, TWD (zero-decimal only for payouts; charges are two-decimal) | hundredths | 1 |
//! | every other currency | hundredths: 10.00 USD → `1000` | 1 |
//!
//! UGX is zero-decimal for charges; Stripe's two-decimal rule for UGX concerns payouts, which
//! Agora does not make. MGA has ISO exponent 2 but is zero-decimal at Stripe.
//!
//! **Amounts Stripe cannot take are refused, never rounded**: a three-decimal amount whose last
//! digit is not 0 (1.234 KWD) or a fraction of a zero-decimal unit (10.50 MGA) is an
//! [`AmountError`]. Rounding would charge or refund an amount other than the one the ledger
//! records (and partial refunds rounded separately could exceed the charge). A shop selling in
//! a three-decimal currency through Stripe must therefore price in multiples of 0.010.

use rust_decimal::Decimal;

use crate::shared::money::{Currency, Money};

const ZERO_DECIMAL: [&str; 16] =
    ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"];
const THREE_DECIMAL: [&str; 5] = ["BHD", "JOD", "KWD", "OMR", "TND"];

/// How Stripe writes amounts of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StripeUnit {
    /// Digits after the decimal point in Stripe's integer (JPY 0, USD 2, ISK 2, KWD 3).
    pub exponent: u32,
    /// Stripe's integer must be a multiple of this (three-decimal 10, ISK 100, else 1).
    pub granularity: i64,
}

/// Stripe's representation of `currency` (by ISO code).
pub fn unit(currency: Currency) -> StripeUnit {
    let code = currency.code();
    if ZERO_DECIMAL.contains(&code) {
        StripeUnit { exponent: 0, granularity: 1 }
    } else if THREE_DECIMAL.contains(&code) {
        StripeUnit { exponent: 3, granularity: 10 }
    } else if code == "ISK" {
        StripeUnit { exponent: 2, granularity: 100 }
    } else {
        StripeUnit { exponent: 2, granularity: 1 }
    }
}

/// An amount Stripe cannot represent exactly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("{amount} {currency} is not a whole number of Stripe's minor unit (10^-{exponent})")]
    TooPrecise { amount: Decimal, currency: &'static str, exponent: u32 },
    #[error("{amount} {currency} must be a multiple of {granularity} minor units at Stripe")]
    NotAMultiple { amount: Decimal, currency: &'static str, granularity: i64 },
    #[error("{amount} {currency} is negative")]
    Negative { amount: Decimal, currency: &'static str },
    #[error("{amount} {currency} is too large")]
    Overflow { amount: Decimal, currency: &'static str },
}

impl AmountError {
    /// The code reported in `ProviderError::Rejected`.
    pub const CODE: &'static str = "amount_not_representable";
}

/// The integer Stripe expects for `money` (its `amount` parameter).
///
/// # Errors
/// The amount is negative, overflows, or is finer than Stripe allows for the currency.
pub fn to_stripe(money: Money) -> Result<i64, AmountError> {
    let currency = money.currency().code();
    let amount = money.amount();
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(AmountError::Negative { amount, currency });
    }
    let u = unit(money.currency());
    let scaled = amount
        .checked_mul(Decimal::from(10i64.pow(u.exponent)))
        .ok_or(AmountError::Overflow { amount, currency })?
        .normalize();
    if scaled.scale() != 0 {
        return Err(AmountError::TooPrecise { amount, currency, exponent: u.exponent });
    }
    let integer = i64::try_from(scaled.mantissa()).map_err(|_| AmountError::Overflow { amount, currency })?;
    if integer % u.granularity != 0 {
        return Err(AmountError::NotAMultiple { amount, currency, granularity: u.granularity });
    }
    Ok(integer)
}

/// The amount a Stripe integer of `currency` stands for.
pub fn from_stripe(integer: i64, currency: Currency) -> Money {
    Money::new(Decimal::new(integer, unit(currency).exponent), currency)
}

/// Stripe's lowercase currency code.
pub fn stripe_currency(currency: Currency) -> stripe_types::Currency {
    use std::str::FromStr as _;
    let Ok(c) = stripe_types::Currency::from_str(&currency.code().to_ascii_lowercase());
    c
}

#[cfg(test)]
mod tests {
    use proptest::{prelude::*, test_runner::TestRunner};

    use super::*;

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    fn money(s: &str, code: &str) -> Money {
        Money::new(s.parse().unwrap(), cur(code))
    }

    #[test]
    fn zero_decimal_currencies_are_whole_units() {
        for code in ZERO_DECIMAL {
            assert_eq!(unit(cur(code)), StripeUnit { exponent: 0, granularity: 1 }, "{code}");
        }
        assert_eq!(to_stripe(money("500", "JPY")), Ok(500));
        assert_eq!(to_stripe(money("5", "UGX")), Ok(5));
        assert_eq!(from_stripe(500, cur("JPY")), money("500", "JPY"));
        // ISO gives MGA two decimals; Stripe takes whole ariary only.
        assert_eq!(to_stripe(money("10.00", "MGA")), Ok(10));
        assert!(matches!(to_stripe(money("10.50", "MGA")), Err(AmountError::TooPrecise { .. })));
        assert_eq!(from_stripe(10, cur("MGA")).to_minor(), Ok(1000));
    }

    #[test]
    fn three_decimal_amounts_must_end_in_zero() {
        assert_eq!(to_stripe(money("5.120", "KWD")), Ok(5120));
        assert_eq!(to_stripe(money("5.12", "BHD")), Ok(5120));
        for code in THREE_DECIMAL {
            assert!(
                matches!(to_stripe(money("5.124", code)), Err(AmountError::NotAMultiple { granularity: 10, .. })),
                "{code}"
            );
        }
        assert_eq!(from_stripe(5120, cur("OMR")), money("5.120", "OMR"));
    }

    #[test]
    fn isk_is_sent_as_hundredths_of_whole_kronur() {
        assert_eq!(to_stripe(money("5", "ISK")), Ok(500));
        assert_eq!(from_stripe(500, cur("ISK")), money("5", "ISK"));
        assert_eq!(from_stripe(500, cur("ISK")).to_minor(), Ok(5));
    }

    #[test]
    fn huf_and_twd_charges_keep_two_decimals() {
        assert_eq!(to_stripe(money("10.45", "HUF")), Ok(1045));
        assert_eq!(to_stripe(money("10.45", "TWD")), Ok(1045));
        assert_eq!(from_stripe(1045, cur("HUF")), money("10.45", "HUF"));
    }

    #[test]
    fn two_decimal_currencies_and_bad_amounts() {
        assert_eq!(to_stripe(money("10", "USD")), Ok(1000));
        assert_eq!(to_stripe(money("0", "EUR")), Ok(0));
        assert!(matches!(to_stripe(money("-1", "USD")), Err(AmountError::Negative { .. })));
        assert!(matches!(to_stripe(Money::new(Decimal::MAX, cur("USD"))), Err(AmountError::Overflow { .. })));
    }

    /// 10,000 random amounts per currency: every amount Stripe can take comes back unchanged,
    /// and the ones refused are exactly those finer than Stripe's unit.
    #[test]
    fn amounts_round_trip_without_loss() {
        let currencies = ZERO_DECIMAL
            .iter()
            .chain(THREE_DECIMAL.iter())
            .chain(["ISK", "HUF", "TWD", "USD", "EUR", "GBP", "CHF", "INR"].iter());
        for code in currencies {
            let c = cur(code);
            let u = unit(c);
            let mut runner = TestRunner::new(ProptestConfig { cases: 10_000, ..ProptestConfig::default() });
            // Our minor units up to 10^13 (beyond the largest order total).
            runner
                .run(&(0i64..10_000_000_000_000), |minor| {
                    let m = Money::from_minor(minor, c);
                    // The amount in Stripe's unit, exactly, as a decimal.
                    let in_stripe_unit = m.amount() * Decimal::from(10i64.pow(u.exponent));
                    let representable =
                        in_stripe_unit.fract().is_zero() && (in_stripe_unit % Decimal::from(u.granularity)).is_zero();
                    match to_stripe(m) {
                        Ok(s) => {
                            prop_assert!(representable, "{m:?} accepted as {s}");
                            prop_assert_eq!(from_stripe(s, c), m);
                            prop_assert_eq!(from_stripe(s, c).to_minor(), Ok(minor));
                        }
                        Err(_) => prop_assert!(!representable, "{m:?} refused"),
                    }
                    Ok(())
                })
                .unwrap_or_else(|e| panic!("{code}: {e}"));
            // And from Stripe's side: every multiple of the granularity comes back unchanged.
            runner
                .run(&(0i64..1_000_000_000_000), |k| {
                    let s = k * u.granularity;
                    prop_assert_eq!(to_stripe(from_stripe(s, c)), Ok(s));
                    Ok(())
                })
                .unwrap_or_else(|e| panic!("{code}: {e}"));
        }
    }
}
