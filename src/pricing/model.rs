//! The pricing types: the contract between carts, promotions, shipping, tax and checkout. See
//! `mod.rs` for the rounding rules.

use rust_decimal::Decimal;

use crate::shared::{
    ids::{CategoryId, DiscountId, ProductId, ShippingMethodId, VariantId, VendorId},
    money::{Currency, Money},
};

/// A tax class of a product ("standard", "reduced", "zero", …); rates are set per class.
pub type TaxClass = String;

/// The tax class used when a product names none.
pub const DEFAULT_TAX_CLASS: &str = "standard";

/// The most lines a cart may be configured to hold (`checkout.max_lines_per_cart` is clamped to
/// it). With [`MAX_QUANTITY`] and `shared::money::MAX_PRICE_MINOR` it bounds every total below
/// `i64::MAX` minor units.
pub const MAX_LINES: usize = 1_000;

/// The most units a cart line may be configured to hold (`checkout.max_quantity_per_line` is
/// clamped to it).
pub const MAX_QUANTITY: u32 = 10_000;

/// One cart line as pricing sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct LineInput {
    /// Position of the line in the cart; results come back in the same order.
    pub index: usize,
    pub variant_id: VariantId,
    pub product_id: ProductId,
    pub vendor_id: VendorId,
    pub category_ids: Vec<CategoryId>,
    /// Price of one unit as sold (tax-inclusive when the shop enters prices with tax).
    pub unit_price: Money,
    pub quantity: u32,
    pub tax_class: TaxClass,
}

/// The shipping chosen for one vendor's group of lines, already priced by its method's rates.
#[derive(Debug, Clone, PartialEq)]
pub struct ShippingInput {
    pub vendor_id: VendorId,
    /// Opaque id of the shipping method, echoed back.
    pub method_id: ShippingMethodId,
    pub price: Money,
    pub tax_class: TaxClass,
}

/// What a discount takes off.
#[derive(Debug, Clone, PartialEq)]
pub enum DiscountValue {
    /// A percentage, 0 < p ≤ 100, of the eligible amount.
    Percentage(Decimal),
    /// A fixed amount, spread over the eligible lines in proportion to their subtotals.
    Fixed(Money),
}

/// Which lines a discount applies to.
#[derive(Debug, Clone, PartialEq)]
pub enum DiscountTarget {
    /// Every line (the order subtotal).
    Subtotal,
    /// Lines of these products.
    Products(Vec<ProductId>),
    /// Lines of products in these categories (as stored on the product; pass descendants
    /// already expanded if a category should include its sub-categories).
    Categories(Vec<CategoryId>),
}

/// A discount that may apply: a code the buyer entered or an automatic promotion. Dates, usage
/// limits and per-customer limits are checked by the promotions domain before this point.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscountRule {
    pub id: DiscountId,
    /// The code as entered, or `None` for an automatic promotion.
    pub code: Option<String>,
    pub value: DiscountValue,
    pub target: DiscountTarget,
    /// Only lines of this vendor are eligible.
    pub vendor_id: Option<VendorId>,
    /// The eligible lines' subtotal must reach this amount.
    pub min_subtotal: Option<Money>,
    /// Whether it may be applied together with other discounts. When several apply and one of
    /// them does not combine, only the single best one is applied.
    pub combines_with_others: bool,
}

/// A tax rate for one tax class at the destination.
#[derive(Debug, Clone, PartialEq)]
pub struct TaxRate {
    pub tax_class: TaxClass,
    /// A display name, e.g. "VAT 20%".
    pub name: String,
    /// The rate as a fraction: 0.20 for 20 %.
    pub rate: Decimal,
}

/// Everything the totals function needs.
#[derive(Debug, Clone, PartialEq)]
pub struct PricingInput {
    pub currency: Currency,
    /// Whether unit prices (and shipping prices) already include tax.
    pub prices_include_tax: bool,
    pub lines: Vec<LineInput>,
    pub shipping: Vec<ShippingInput>,
    pub discounts: Vec<DiscountRule>,
    /// Rates at the destination; a class without a rate is taxed at zero.
    pub tax_rates: Vec<TaxRate>,
}

/// A tax amount on a line or a shipping line.
#[derive(Debug, Clone, PartialEq)]
pub struct TaxLine {
    pub name: String,
    pub rate: Decimal,
    pub amount: Money,
}

/// A discount's share of one line.
#[derive(Debug, Clone, PartialEq)]
pub struct LineDiscount {
    pub discount_id: DiscountId,
    pub amount: Money,
}

/// The amounts of one cart line.
#[derive(Debug, Clone, PartialEq)]
pub struct LineTotals {
    pub index: usize,
    pub vendor_id: VendorId,
    /// `unit_price × quantity`.
    pub subtotal: Money,
    pub discounts: Vec<LineDiscount>,
    /// Sum of `discounts`; never more than `subtotal`.
    pub discount: Money,
    pub tax_lines: Vec<TaxLine>,
    /// Sum of `tax_lines` (contained in the price when prices include tax).
    pub tax: Money,
    /// What the buyer pays for the line: `subtotal - discount` (+ `tax` when prices exclude tax).
    pub total: Money,
}

/// The amounts of one vendor's shipping.
#[derive(Debug, Clone, PartialEq)]
pub struct ShippingTotals {
    pub vendor_id: VendorId,
    pub method_id: ShippingMethodId,
    pub price: Money,
    pub tax_lines: Vec<TaxLine>,
    pub tax: Money,
    /// `price` (+ `tax` when prices exclude tax).
    pub total: Money,
}

/// A discount that was applied, with the amount it took off in all.
#[derive(Debug, Clone, PartialEq)]
pub struct AppliedDiscount {
    pub discount_id: DiscountId,
    pub code: Option<String>,
    pub amount: Money,
}

/// Why a candidate discount was not applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscountRejection {
    /// No line is eligible (target, vendor).
    NotApplicable,
    /// The eligible subtotal is below `min_subtotal`.
    MinimumNotReached,
    /// Another discount that does not combine was better.
    NotCombinable,
}

/// The totals of one vendor's part of the order (a vendor order).
#[derive(Debug, Clone, PartialEq)]
pub struct VendorTotals {
    pub vendor_id: VendorId,
    pub subtotal: Money,
    pub discounts: Money,
    pub shipping: Money,
    pub tax: Money,
    pub total: Money,
}

/// The totals of a cart: per line, per shipping line, per vendor and for the whole order.
#[derive(Debug, Clone, PartialEq)]
pub struct PricingResult {
    pub lines: Vec<LineTotals>,
    pub shipping_lines: Vec<ShippingTotals>,
    pub applied_discounts: Vec<AppliedDiscount>,
    pub rejected_discounts: Vec<(DiscountId, DiscountRejection)>,
    /// Per vendor, in order of first appearance in the cart.
    pub vendors: Vec<VendorTotals>,
    /// Σ line subtotals.
    pub subtotal: Money,
    /// Σ line discounts.
    pub discounts: Money,
    /// Σ shipping prices.
    pub shipping: Money,
    /// Σ line and shipping tax.
    pub tax: Money,
    /// `subtotal - discounts + shipping` (+ `tax` when prices exclude tax).
    pub total: Money,
}

/// Pricing cannot proceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    #[error("an amount is in another currency than the cart")]
    CurrencyMismatch,
    /// Also returned for a negative amount or tax rate in the input: nothing in pricing may be
    /// negative, and every amount must fit in `i64` minor units (the storage boundary).
    #[error("an amount is out of range")]
    Overflow,
    #[error("a percentage must be above 0 and at most 100")]
    InvalidPercentage,
}

/// One weight band of a weight-tiered shipping rate.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightTier {
    /// Upper bound in grams, inclusive; `None` for "and above".
    pub up_to_grams: Option<u32>,
    pub price: Money,
}

/// How a shipping method prices a vendor's group of lines.
#[derive(Debug, Clone, PartialEq)]
pub enum ShippingRate {
    Flat(Money),
    /// Tiers sorted by `up_to_grams`; the first tier whose bound covers the weight applies.
    WeightTiers(Vec<WeightTier>),
}

/// A shipping method as pricing sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShippingMethodRule {
    pub id: ShippingMethodId,
    pub name: String,
    pub rate: ShippingRate,
    /// Free when the group's subtotal (before discounts) reaches this amount.
    pub free_over: Option<Money>,
    pub tax_class: TaxClass,
}

/// Checks an input amount: in the cart's currency, not negative, and storable as `i64` minor
/// units. Returns the exact amount.
pub(super) fn checked_amount(money: Money, currency: Currency) -> Result<Decimal, PricingError> {
    if money.currency() != currency {
        return Err(PricingError::CurrencyMismatch);
    }
    if money.amount().is_sign_negative() && !money.amount().is_zero() {
        return Err(PricingError::Overflow);
    }
    money.to_minor().map_err(|_| PricingError::Overflow)?;
    Ok(money.amount())
}

/// Exact addition of two amounts.
pub(super) fn add(a: Decimal, b: Decimal) -> Result<Decimal, PricingError> {
    a.checked_add(b).ok_or(PricingError::Overflow)
}

/// Exact sum of amounts.
pub(super) fn sum(amounts: impl IntoIterator<Item = Decimal>) -> Result<Decimal, PricingError> {
    amounts.into_iter().try_fold(Decimal::ZERO, add)
}
