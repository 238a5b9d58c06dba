//! Checkout's pure rules: the order a priced cart (`cart::model::Quote`) becomes
//! (`build_order`).

use chrono::{DateTime, Duration, Utc};

use crate::{
    cart::model::{Cart, Quote},
    orders::model::{Order, OrderDiscount, OrderLine, OrderStatus, TaxLineSnapshot, VendorOrder, new_order_code},
    pricing::{self, PricingError},
    shared::{
        ids::{OrderId, OrderLineId, VendorOrderId},
        money::Money,
    },
};

/// The shop's terms an order is made on.
#[derive(Debug, Clone, Copy)]
pub struct OrderTerms {
    pub guest_reservation_secs: u64,
    pub customer_reservation_secs: u64,
    pub prices_include_tax: bool,
}

/// An amount in minor units. Within the documented bounds (`shared::money::MAX_PRICE_MINOR`,
/// `pricing::MAX_LINES`, `pricing::MAX_QUANTITY`) every amount fits; failing loudly here is
/// the guard against a bound being lifted, never a silent zero.
fn minor(m: Money) -> Result<i64, PricingError> {
    m.to_minor().map_err(|_| PricingError::Overflow)
}

fn snapshot(lines: &[pricing::TaxLine]) -> Result<Vec<TaxLineSnapshot>, PricingError> {
    lines
        .iter()
        .map(|x| Ok(TaxLineSnapshot { name: x.name.clone(), rate: x.rate, amount_minor: minor(x.amount)? }))
        .collect()
}

/// The order `cart` becomes at `quote`'s prices: one vendor order per vendor group with its
/// shipping and tax snapshots, lines in cart order, awaiting payment, its stock held until the
/// reservation ends.
///
/// # Errors
/// `Overflow` when an amount does not fit minor units (impossible within the documented bounds).
pub fn build_order(cart: &Cart, quote: &Quote, terms: OrderTerms, now: DateTime<Utc>) -> Result<Order, PricingError> {
    let p = &quote.pricing;
    let order_id = OrderId::new();
    let ttl = if cart.customer_id.is_some() { terms.customer_reservation_secs } else { terms.guest_reservation_secs };
    let mut vendor_orders = Vec::new();
    for v in &p.vendors {
        let ship = p.shipping_lines.iter().find(|s| s.vendor_id == v.vendor_id);
        let method = ship.and_then(|s| {
            quote.shipping_options.get(&v.vendor_id).and_then(|o| o.iter().find(|m| m.id == s.method_id))
        });
        vendor_orders.push(VendorOrder {
            id: VendorOrderId::new(),
            vendor_id: v.vendor_id,
            shipping_method_id: ship.map(|s| s.method_id),
            shipping_method_name: method.map(|m| m.name.clone()),
            shipping: v.shipping,
            shipping_tax: ship.map_or(Money::from_minor(0, cart.currency), |s| s.tax),
            shipping_tax_lines: ship.map(|s| snapshot(&s.tax_lines)).transpose()?.unwrap_or_default(),
            subtotal: v.subtotal,
            discount: v.discounts,
            tax: v.tax,
            total: v.total,
        });
    }
    let mut lines = Vec::new();
    for (position, t) in p.lines.iter().enumerate() {
        let cart_line = &cart.lines[t.index];
        let s = &quote.sellable[&cart_line.variant_id];
        let vendor_order = vendor_orders.iter().find(|v| v.vendor_id == t.vendor_id).map(|v| v.id).unwrap_or_default();
        lines.push(OrderLine {
            id: OrderLineId::new(),
            vendor_order_id: vendor_order,
            variant_id: cart_line.variant_id,
            product_id: s.product.id,
            product_title: s.product.title.clone(),
            variant_title: s.variant.title.clone(),
            sku: s.variant.sku.as_str().to_owned(),
            quantity: cart_line.quantity,
            fulfilled_quantity: 0,
            unit_price: cart_line.unit_price,
            subtotal: t.subtotal,
            discount: t.discount,
            tax: t.tax,
            total: t.total,
            tax_lines: snapshot(&t.tax_lines)?,
            position: u32::try_from(position).unwrap_or(0),
        });
    }
    Ok(Order {
        id: order_id,
        code: new_order_code(),
        customer_id: cart.customer_id,
        email: cart.email.clone().unwrap_or_default(),
        status: OrderStatus::PaymentPending,
        currency: cart.currency,
        prices_include_tax: terms.prices_include_tax,
        subtotal: p.subtotal,
        discount: p.discounts,
        shipping: p.shipping,
        tax: p.tax,
        total: p.total,
        shipping_address: cart.shipping_address.clone(),
        billing_address: cart.billing_address.clone().or_else(|| cart.shipping_address.clone()),
        discounts: p
            .applied_discounts
            .iter()
            .map(|d| {
                Ok(OrderDiscount { discount_id: d.discount_id, code: d.code.clone(), amount_minor: minor(d.amount)? })
            })
            .collect::<Result<_, PricingError>>()?,
        cart_id: cart.id,
        reserved_until: now + Duration::seconds(i64::try_from(ttl).unwrap_or(900)),
        created_at: now,
        updated_at: now,
        vendor_orders,
        lines,
    })
}
