//! Money: an exact `Decimal` amount plus an ISO 4217 currency in the domain, integer minor units
//! in the database (SQLite has no exact decimal type; sea-query would bind `Decimal` as `f64`).
//!
//! Rounding is `MidpointAwayFromZero` to the currency's exponent, applied once, where an amount is
//! made. Arithmetic across currencies is an error, never a panic.

use std::{fmt, str::FromStr};

use rust_decimal::{Decimal, RoundingStrategy};

/// An ISO 4217 currency (data from the `iso_currency` crate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    pub const USD: Currency = Currency(iso_currency::Currency::USD);
    pub const EUR: Currency = Currency(iso_currency::Currency::EUR);

    /// Parses an ISO 4217 alphabetic code ("USD"); case-sensitive, as the standard is.
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        iso_currency::Currency::from_code(code).map(Currency).ok_or(MoneyError::UnknownCurrency)
    }

    pub fn code(&self) -> &'static str {
        self.0.code()
    }

    /// Digits after the decimal point in the minor unit (USD 2, JPY 0, BHD 3).
    pub fn exponent(&self) -> u32 {
        self.0.exponent().map_or(0, u32::from)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The largest price a person may enter (a unit price, a shipping rate, a discount amount), in
/// minor units: 1,000,000,000.00 in a two-decimal currency. With at most
/// [`crate::pricing::MAX_LINES`] lines of [`crate::pricing::MAX_QUANTITY`] units, the largest
/// cart (1,000 × 10,000 × 10^11 = 10^18 minor units), its shipping and a 100 % tax on both stay
/// below `i64::MAX` (about 9.2 × 10^18), so every total fits the database's minor units.
pub const MAX_PRICE_MINOR: i64 = 100_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("unknown currency code")]
    UnknownCurrency,
    #[error("amounts are in different currencies")]
    CurrencyMismatch,
    #[error("amount must not be negative")]
    Negative,
    #[error("amount has more decimal places than the currency allows")]
    TooPrecise,
    #[error("amount is too large")]
    Overflow,
    #[error("prices are at most 100,000,000,000 minor units (1,000,000,000.00 in a two-decimal currency)")]
    AboveMaximum,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// Rounds `amount` to the currency's exponent (midpoint away from zero).
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        let mut amount = amount.round_dp_with_strategy(currency.exponent(), RoundingStrategy::MidpointAwayFromZero);
        amount.rescale(currency.exponent());
        Self { amount, currency }
    }

    /// A price as entered by a person: non-negative, no more precise than the currency and at
    /// most [`MAX_PRICE_MINOR`] minor units.
    pub fn parse_price(amount: Decimal, currency: Currency) -> Result<Self, MoneyError> {
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(MoneyError::Negative);
        }
        if amount.normalize().scale() > currency.exponent() {
            return Err(MoneyError::TooPrecise);
        }
        if amount > Self::from_minor(MAX_PRICE_MINOR, currency).amount {
            return Err(MoneyError::AboveMaximum);
        }
        Ok(Self::new(amount, currency))
    }

    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        Self { amount: Decimal::new(minor, currency.exponent()), currency }
    }

    pub fn to_minor(self) -> Result<i64, MoneyError> {
        let mut a = self.amount;
        a.rescale(self.currency.exponent());
        i64::try_from(a.mantissa()).map_err(|_| MoneyError::Overflow)
    }

    pub fn amount(&self) -> Decimal {
        self.amount
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch);
        }
        let sum = self.amount.checked_add(other.amount).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(sum, self.currency))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn minor_units_round_trip_per_exponent() {
        let jpy = Currency::parse("JPY").unwrap();
        let bhd = Currency::parse("BHD").unwrap();
        assert_eq!(Money::new(d("12.5"), Currency::USD).to_minor().unwrap(), 1250);
        assert_eq!(Money::new(d("500"), jpy).to_minor().unwrap(), 500);
        assert_eq!(Money::new(d("1.234"), bhd).to_minor().unwrap(), 1234);
        assert_eq!(Money::from_minor(1999, Currency::USD).amount(), d("19.99"));
    }

    #[test]
    fn prices_reject_negative_and_over_precise_amounts() {
        assert_eq!(Money::parse_price(d("-1"), Currency::USD), Err(MoneyError::Negative));
        assert_eq!(Money::parse_price(d("1.005"), Currency::USD), Err(MoneyError::TooPrecise));
        assert_eq!(Money::parse_price(d("1.5"), Currency::parse("JPY").unwrap()), Err(MoneyError::TooPrecise));
        assert!(Money::parse_price(d("1.50"), Currency::USD).is_ok());
        assert!(Money::parse_price(d("1.500"), Currency::USD).is_ok(), "trailing zeros are not precision");
    }

    #[test]
    fn prices_are_bounded_in_minor_units() {
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(Money::parse_price(d("1000000000.00"), Currency::USD).unwrap().to_minor(), Ok(MAX_PRICE_MINOR));
        assert_eq!(Money::parse_price(d("1000000000.01"), Currency::USD), Err(MoneyError::AboveMaximum));
        assert_eq!(Money::parse_price(d("100000000000"), jpy).unwrap().to_minor(), Ok(MAX_PRICE_MINOR));
        assert_eq!(Money::parse_price(d("100000000001"), jpy), Err(MoneyError::AboveMaximum));
        assert_eq!(Money::parse_price(Decimal::MAX, Currency::USD), Err(MoneyError::AboveMaximum));
    }

    #[test]
    fn rounding_is_midpoint_away_from_zero() {
        assert_eq!(Money::new(d("0.125"), Currency::USD).amount(), d("0.13"));
        assert_eq!(Money::new(d("-0.125"), Currency::USD).amount(), d("-0.13"));
    }

    #[test]
    fn adding_different_currencies_is_an_error() {
        let a = Money::new(d("1"), Currency::USD);
        let b = Money::new(d("1"), Currency::EUR);
        assert_eq!(a.checked_add(b), Err(MoneyError::CurrencyMismatch));
        assert_eq!(a.checked_add(a).unwrap().amount(), d("2.00"));
    }

    #[test]
    fn unknown_currency_is_rejected() {
        assert_eq!(Currency::parse("XYZ"), Err(MoneyError::UnknownCurrency));
        assert_eq!(Currency::parse("usd"), Err(MoneyError::UnknownCurrency));
    }
}
