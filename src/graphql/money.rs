//! Money in the API: `{ amount: Decimal!, currencyCode: CurrencyCode! }`, the amount a string
//! so no client parses it as a float.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, SimpleObject, Value};
use rust_decimal::Decimal;

use crate::shared::money::{Currency, Money as DomainMoney};

/// An ISO 4217 currency code, such as `USD` or `EUR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrencyCode(pub Currency);

/// An ISO 4217 currency code, such as `USD` or `EUR`.
#[Scalar(name = "CurrencyCode")]
impl ScalarType for CurrencyCode {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => Currency::parse(s)
                .map(CurrencyCode)
                .map_err(|_| InputValueError::custom("not an ISO 4217 currency code")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.code().to_owned())
    }
}

/// An amount of money in a currency.
#[derive(SimpleObject, Clone, Copy, Debug)]
pub struct Money {
    /// The amount as a decimal string with the currency's number of decimals, e.g. `"12.50"`.
    pub amount: Decimal,
    /// The currency of the amount.
    pub currency_code: CurrencyCode,
}

impl From<DomainMoney> for Money {
    fn from(m: DomainMoney) -> Self {
        Self { amount: m.amount(), currency_code: CurrencyCode(m.currency()) }
    }
}
