//! The totals function: lines, discounts, shipping and tax into per-line, per-vendor and order
//! amounts.

use rust_decimal::Decimal;

use super::{
    discount,
    model::{
        AppliedDiscount, LineDiscount, LineInput, LineTotals, PricingError, PricingInput, PricingResult,
        ShippingTotals, TaxLine, TaxRate, VendorTotals, add, checked_amount, sum,
    },
};
use crate::shared::{
    ids::VendorId,
    money::{Currency, Money},
};

/// Prices a cart.
///
/// Line subtotals are exact; discounts are applied as described in [the module docs](super) and
/// rounded once per line; tax is rounded once per line and per shipping line. Every total is an
/// exact sum of those rounded amounts, so the order, its vendors, its lines and its shipping
/// lines always add up.
///
/// # Errors
/// - [`PricingError::CurrencyMismatch`] when any amount is in another currency than the cart.
/// - [`PricingError::InvalidPercentage`] when a percentage discount is not in `(0, 100]`, whether
///   or not it would apply.
/// - [`PricingError::Overflow`] when an amount is negative, a tax rate is negative, or an amount
///   does not fit in `i64` minor units.
pub fn compute(input: &PricingInput) -> Result<PricingResult, PricingError> {
    let currency = input.currency;
    let tax = Tax::new(&input.tax_rates, input.prices_include_tax, currency)?;
    let subtotals = input.lines.iter().map(|line| line_subtotal(line, currency)).collect::<Result<Vec<_>, _>>()?;

    let resolution = discount::resolve(&input.discounts, &input.lines, &subtotals, currency)?;
    let mut line_discounts = vec![Vec::new(); input.lines.len()];
    for allocation in &resolution.applied {
        let discount_id = input.discounts[allocation.rule].id;
        for &(line, amount) in allocation.shares.iter().filter(|(_, amount)| !amount.is_zero()) {
            line_discounts[line].push(LineDiscount { discount_id, amount: Money::new(amount, currency) });
        }
    }

    let mut order = Sums::default();
    let mut vendors: Vec<(VendorId, Sums)> = Vec::new();

    let mut lines = Vec::with_capacity(input.lines.len());
    for ((line, subtotal), discounts) in input.lines.iter().zip(subtotals).zip(line_discounts) {
        let discount = sum(discounts.iter().map(|d| d.amount.amount()))?;
        let base = subtotal.checked_sub(discount).ok_or(PricingError::Overflow)?;
        let (tax_lines, tax_amount) = tax.on(base, &line.tax_class)?;
        let sums = Sums { subtotal, discounts: discount, shipping: Decimal::ZERO, tax: tax_amount };
        order.add(&sums)?;
        vendor_sums(&mut vendors, line.vendor_id).add(&sums)?;
        lines.push(LineTotals {
            index: line.index,
            vendor_id: line.vendor_id,
            subtotal: Money::new(subtotal, currency),
            discounts,
            discount: Money::new(discount, currency),
            tax_lines,
            tax: Money::new(tax_amount, currency),
            total: Money::new(sums.total(tax.excluded)?, currency),
        });
    }

    let mut shipping_lines = Vec::with_capacity(input.shipping.len());
    for shipping in &input.shipping {
        let price = checked_amount(shipping.price, currency)?;
        let (tax_lines, tax_amount) = tax.on(price, &shipping.tax_class)?;
        let sums = Sums { shipping: price, tax: tax_amount, ..Sums::default() };
        order.add(&sums)?;
        vendor_sums(&mut vendors, shipping.vendor_id).add(&sums)?;
        shipping_lines.push(ShippingTotals {
            vendor_id: shipping.vendor_id,
            method_id: shipping.method_id,
            price: shipping.price,
            tax_lines,
            tax: Money::new(tax_amount, currency),
            total: Money::new(sums.total(tax.excluded)?, currency),
        });
    }

    // Components are non-negative and at most these, so checking the order's amounts checks all.
    let total = order.total(tax.excluded)?;
    for amount in [order.subtotal, order.shipping, order.tax, total] {
        Money::new(amount, currency).to_minor().map_err(|_| PricingError::Overflow)?;
    }

    let applied_discounts = resolution
        .applied
        .iter()
        .map(|allocation| {
            let rule = &input.discounts[allocation.rule];
            AppliedDiscount {
                discount_id: rule.id,
                code: rule.code.clone(),
                amount: Money::new(allocation.total, currency),
            }
        })
        .collect();
    let vendors = vendors
        .into_iter()
        .map(|(vendor_id, sums)| sums.vendor_totals(vendor_id, tax.excluded, currency))
        .collect::<Result<_, _>>()?;

    Ok(PricingResult {
        lines,
        shipping_lines,
        applied_discounts,
        rejected_discounts: resolution.rejected,
        vendors,
        subtotal: Money::new(order.subtotal, currency),
        discounts: Money::new(order.discounts, currency),
        shipping: Money::new(order.shipping, currency),
        tax: Money::new(order.tax, currency),
        total: Money::new(total, currency),
    })
}

/// `unit_price × quantity`, exact.
fn line_subtotal(line: &LineInput, currency: Currency) -> Result<Decimal, PricingError> {
    let unit_price = checked_amount(line.unit_price, currency)?;
    let subtotal = unit_price.checked_mul(Decimal::from(line.quantity)).ok_or(PricingError::Overflow)?;
    checked_amount(Money::new(subtotal, currency), currency)
}

/// The amounts that make up a total: of a line, a shipping line, a vendor or the order.
#[derive(Debug, Default, Clone, Copy)]
struct Sums {
    subtotal: Decimal,
    discounts: Decimal,
    shipping: Decimal,
    tax: Decimal,
}

impl Sums {
    fn add(&mut self, other: &Sums) -> Result<(), PricingError> {
        self.subtotal = add(self.subtotal, other.subtotal)?;
        self.discounts = add(self.discounts, other.discounts)?;
        self.shipping = add(self.shipping, other.shipping)?;
        self.tax = add(self.tax, other.tax)?;
        Ok(())
    }

    /// `subtotal - discounts + shipping` (+ `tax` when prices exclude tax).
    fn total(&self, tax_excluded: bool) -> Result<Decimal, PricingError> {
        let net = self.subtotal.checked_sub(self.discounts).ok_or(PricingError::Overflow)?;
        let total = add(net, self.shipping)?;
        if tax_excluded { add(total, self.tax) } else { Ok(total) }
    }

    fn vendor_totals(
        &self,
        vendor_id: VendorId,
        tax_excluded: bool,
        currency: Currency,
    ) -> Result<VendorTotals, PricingError> {
        Ok(VendorTotals {
            vendor_id,
            subtotal: Money::new(self.subtotal, currency),
            discounts: Money::new(self.discounts, currency),
            shipping: Money::new(self.shipping, currency),
            tax: Money::new(self.tax, currency),
            total: Money::new(self.total(tax_excluded)?, currency),
        })
    }
}

/// The vendor's sums, added at the end on first appearance so vendors keep cart order.
fn vendor_sums(vendors: &mut Vec<(VendorId, Sums)>, vendor_id: VendorId) -> &mut Sums {
    let position = match vendors.iter().position(|(id, _)| *id == vendor_id) {
        Some(position) => position,
        None => {
            vendors.push((vendor_id, Sums::default()));
            vendors.len() - 1
        }
    };
    &mut vendors[position].1
}

/// The destination's tax rates and how prices relate to them.
struct Tax<'a> {
    rates: &'a [TaxRate],
    /// Prices exclude tax, so tax is added on top.
    excluded: bool,
    currency: Currency,
}

impl<'a> Tax<'a> {
    fn new(rates: &'a [TaxRate], prices_include_tax: bool, currency: Currency) -> Result<Self, PricingError> {
        if rates.iter().any(|r| r.rate.is_sign_negative() && !r.rate.is_zero()) {
            return Err(PricingError::Overflow);
        }
        Ok(Self { rates, excluded: !prices_include_tax, currency })
    }

    /// The tax on `base` for `tax_class`: `round(base × rate)` on top of a price without tax, or
    /// `round(base × rate / (1 + rate))` contained in a price with tax. A class without a rate
    /// (the first rate listed for a class wins) has no tax line.
    fn on(&self, base: Decimal, tax_class: &str) -> Result<(Vec<TaxLine>, Decimal), PricingError> {
        let Some(rate) = self.rates.iter().find(|r| r.tax_class == tax_class) else {
            return Ok((Vec::new(), Decimal::ZERO));
        };
        let exact = if self.excluded {
            base.checked_mul(rate.rate)
        } else {
            base.checked_mul(rate.rate).and_then(|x| x.checked_div(Decimal::ONE.checked_add(rate.rate)?))
        };
        let amount = Money::new(exact.ok_or(PricingError::Overflow)?, self.currency);
        let line = TaxLine { name: rate.name.clone(), rate: rate.rate, amount };
        Ok((vec![line], amount.amount()))
    }
}
