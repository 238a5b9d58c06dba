//! Pricing tests: hand-computed figures per rule, and properties over random carts.

mod discounts;
mod props;
mod shipping;
mod totals;

use rust_decimal::Decimal;
use uuid::Uuid;

use super::*;
use crate::shared::{
    ids::{CategoryId, DiscountId, ProductId, ShippingMethodId, VariantId, VendorId},
    money::{Currency, Money},
};

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn usd(s: &str) -> Money {
    Money::new(d(s), Currency::USD)
}

fn eur(s: &str) -> Money {
    Money::new(d(s), Currency::EUR)
}

fn vendor(n: u128) -> VendorId {
    VendorId(Uuid::from_u128(n))
}

fn product(n: u128) -> ProductId {
    ProductId(Uuid::from_u128(n))
}

fn category(n: u128) -> CategoryId {
    CategoryId(Uuid::from_u128(n))
}

/// A line of product `index + 1` by vendor 1, in no category, of the default tax class.
fn line(index: usize, unit_price: Money, quantity: u32) -> LineInput {
    LineInput {
        index,
        variant_id: VariantId(Uuid::from_u128(index as u128 + 1)),
        product_id: product(index as u128 + 1),
        vendor_id: vendor(1),
        category_ids: Vec::new(),
        unit_price,
        quantity,
        tax_class: DEFAULT_TAX_CLASS.to_owned(),
    }
}

/// A cart of `lines` in the currency of the first line (USD when empty), prices without tax.
fn cart(lines: Vec<LineInput>) -> PricingInput {
    PricingInput {
        currency: lines.first().map_or(Currency::USD, |l| l.unit_price.currency()),
        prices_include_tax: false,
        lines,
        shipping: Vec::new(),
        discounts: Vec::new(),
        tax_rates: Vec::new(),
    }
}

/// A combinable automatic discount on the whole order with id `n`.
fn rule(n: u128, value: DiscountValue) -> DiscountRule {
    DiscountRule {
        id: DiscountId(Uuid::from_u128(n)),
        code: None,
        value,
        target: DiscountTarget::Subtotal,
        vendor_id: None,
        min_subtotal: None,
        combines_with_others: true,
    }
}

fn percent(s: &str) -> DiscountValue {
    DiscountValue::Percentage(d(s))
}

fn tax_rate(class: &str, rate: &str) -> TaxRate {
    TaxRate { tax_class: class.to_owned(), name: format!("{class} {rate}"), rate: d(rate) }
}

fn shipping(vendor_id: VendorId, price: Money, tax_class: &str) -> ShippingInput {
    ShippingInput {
        vendor_id,
        method_id: ShippingMethodId(Uuid::from_u128(99)),
        price,
        tax_class: tax_class.to_owned(),
    }
}

/// The amounts of `money`, for compact assertions.
fn amounts<'a>(money: impl IntoIterator<Item = &'a Money>) -> Vec<Decimal> {
    money.into_iter().map(Money::amount).collect()
}

/// Each line's discount amount.
fn line_discounts(result: &PricingResult) -> Vec<Decimal> {
    amounts(result.lines.iter().map(|l| &l.discount))
}

fn applied_ids(result: &PricingResult) -> Vec<u128> {
    result.applied_discounts.iter().map(|a| a.discount_id.0.as_u128()).collect()
}

fn rejected(result: &PricingResult) -> Vec<(u128, DiscountRejection)> {
    result.rejected_discounts.iter().map(|(id, why)| (id.0.as_u128(), *why)).collect()
}
