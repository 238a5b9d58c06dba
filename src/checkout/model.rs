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
            status: OrderStatus::PaymentPending,
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
            cancelled_quantity: 0,
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use rust_decimal::Decimal;

    use super::*;
    use crate::{
        cart::model::{CartLine, CartStatus},
        catalog::model::{Sellable, fixtures::sellable},
        pricing::{
            DiscountRule, DiscountTarget, DiscountValue, LineInput, PricingInput, ShippingInput, ShippingMethodRule,
            ShippingRate,
        },
        shared::{
            address::Address,
            ids::{CartId, CartLineId, DiscountId, ShippingMethodId, UserId, VendorId},
            money::Currency,
        },
    };

    const TERMS: OrderTerms =
        OrderTerms { guest_reservation_secs: 900, customer_reservation_secs: 3600, prices_include_tax: false };

    fn usd(cents: i64) -> Money {
        Money::from_minor(cents, Currency::USD)
    }

    fn address(line1: &str) -> Address {
        Address {
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            company: None,
            line1: line1.into(),
            line2: None,
            city: "Springfield".into(),
            postal_code: "12345".into(),
            region: Some("NY".into()),
            country: "US".into(),
            phone: None,
        }
    }

    fn method(name: &str) -> ShippingMethodRule {
        ShippingMethodRule {
            id: ShippingMethodId::new(),
            name: name.into(),
            rate: ShippingRate::Flat(usd(500)),
            free_over: None,
            tax_class: "standard".into(),
        }
    }

    /// A guest's cart of `(sellable, quantity)` lines at the sellables' prices, priced as
    /// checkout does: the vendors' chosen shipping at its flat rate, 20 % tax on everything,
    /// and 10 % off the subtotal with `SAVE10`.
    struct Fixture {
        cart: Cart,
        quote: Quote,
        discount: DiscountId,
        /// The method chosen for each vendor with one.
        chosen: BTreeMap<VendorId, ShippingMethodRule>,
    }

    fn priced(lines: &[(&Sellable, u32)], chosen: &[(VendorId, &str)]) -> Fixture {
        let cart_lines: Vec<CartLine> = lines
            .iter()
            .map(|(s, q)| CartLine {
                id: CartLineId::new(),
                variant_id: s.variant.id,
                quantity: *q,
                unit_price: s.variant.price,
            })
            .collect();
        let mut vendors = Vec::new();
        for (s, _) in lines {
            if !vendors.contains(&s.product.vendor_id) {
                vendors.push(s.product.vendor_id);
            }
        }
        let mut shipping_options = BTreeMap::new();
        let mut chosen_methods = BTreeMap::new();
        for (vendor, name) in chosen {
            let m = method(name);
            shipping_options.insert(*vendor, vec![method("Other"), m.clone()]);
            chosen_methods.insert(*vendor, m);
        }
        let discount = DiscountId::new();
        let input = PricingInput {
            currency: Currency::USD,
            prices_include_tax: TERMS.prices_include_tax,
            lines: lines
                .iter()
                .enumerate()
                .map(|(index, (s, quantity))| LineInput {
                    index,
                    variant_id: s.variant.id,
                    product_id: s.product.id,
                    vendor_id: s.product.vendor_id,
                    category_ids: vec![],
                    unit_price: s.variant.price,
                    quantity: *quantity,
                    tax_class: s.product.tax_class.clone(),
                })
                .collect(),
            shipping: chosen_methods
                .iter()
                .map(|(vendor, m)| ShippingInput {
                    vendor_id: *vendor,
                    method_id: m.id,
                    price: usd(500),
                    tax_class: m.tax_class.clone(),
                })
                .collect(),
            discounts: vec![DiscountRule {
                id: discount,
                code: Some("SAVE10".into()),
                value: DiscountValue::Percentage(Decimal::TEN),
                target: DiscountTarget::Subtotal,
                vendor_id: None,
                min_subtotal: None,
                combines_with_others: true,
            }],
            tax_rates: vec![pricing::TaxRate {
                tax_class: "standard".into(),
                name: "VAT 20%".into(),
                rate: "0.2".parse().unwrap(),
            }],
        };
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let cart = Cart {
            id: CartId::new(),
            customer_id: None,
            status: CartStatus::Active,
            currency: Currency::USD,
            email: Some("ann@example.com".into()),
            country: None,
            region: None,
            shipping_address: Some(address("1 Main St")),
            billing_address: None,
            discount_codes: vec!["SAVE10".into()],
            shipping_methods: chosen_methods.iter().map(|(v, m)| (*v, m.id)).collect(),
            lines: cart_lines,
            completed_order_id: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let quote = Quote {
            pricing: pricing::compute(&input).unwrap(),
            vendors,
            shipping_options,
            shipping_prices: Default::default(),
            problems: vec![],
            code_problems: vec![],
            sellable: lines.iter().map(|(s, _)| (s.variant.id, (*s).clone())).collect(),
        };
        Fixture { cart, quote, discount, chosen: chosen_methods }
    }

    fn titled(vendor: VendorId, title: &str, cents: i64) -> Sellable {
        let mut s = sellable(vendor, cents, 10);
        s.product.title = title.into();
        s
    }

    #[test]
    fn a_cart_of_two_vendors_becomes_one_order_with_a_vendor_order_each() {
        // given: lines of vendors A, B, A; each vendor chose a shipping method
        let (a, b) = (VendorId::new(), VendorId::new());
        let (mug, cup, pot) = (titled(a, "Mug", 1000), titled(b, "Cup", 500), titled(a, "Pot", 300));
        let Fixture { cart, quote, discount, chosen } =
            priced(&[(&mug, 2), (&cup, 1), (&pot, 3)], &[(a, "Standard"), (b, "Express")]);
        let now = Utc::now();

        // when
        let order = build_order(&cart, &quote, TERMS, now).unwrap();

        // then: one vendor order per vendor, in cart order, with its shipping snapshot
        let p = &quote.pricing;
        assert_eq!(order.vendor_orders.iter().map(|v| v.vendor_id).collect::<Vec<_>>(), [a, b]);
        for (vo, totals) in order.vendor_orders.iter().zip(&p.vendors) {
            assert_eq!(totals.vendor_id, vo.vendor_id);
            let m = &chosen[&vo.vendor_id];
            let ship = p.shipping_lines.iter().find(|s| s.vendor_id == vo.vendor_id).unwrap();
            assert_eq!(
                (vo.shipping_method_id, vo.shipping_method_name.as_deref()),
                (Some(m.id), Some(m.name.as_str()))
            );
            assert_eq!((vo.shipping, vo.shipping_tax), (totals.shipping, ship.tax));
            let tax_line = TaxLineSnapshot { name: "VAT 20%".into(), rate: "0.2".parse().unwrap(), amount_minor: 100 };
            assert_eq!(vo.shipping_tax_lines, [tax_line], "20 % of 5.00");
            assert_eq!(
                (vo.subtotal, vo.discount, vo.tax, vo.total),
                (totals.subtotal, totals.discounts, totals.tax, totals.total)
            );
        }
        assert_eq!(order.vendor_orders[0].shipping_method_name.as_deref(), Some("Standard"));
        assert_eq!(order.vendor_orders[1].shipping_method_name.as_deref(), Some("Express"));

        // lines in cart order, each in its vendor's order, with the sellable's snapshot
        let (for_a, for_b) = (order.vendor_orders[0].id, order.vendor_orders[1].id);
        let summary: Vec<_> = order
            .lines
            .iter()
            .map(|l| (l.variant_id, l.product_title.as_str(), l.quantity, l.vendor_order_id, l.position))
            .collect();
        assert_eq!(
            summary,
            [
                (mug.variant.id, "Mug", 2, for_a, 0),
                (cup.variant.id, "Cup", 1, for_b, 1),
                (pot.variant.id, "Pot", 3, for_a, 2)
            ]
        );
        for ((line, totals), s) in order.lines.iter().zip(&p.lines).zip([&mug, &cup, &pot]) {
            assert_eq!((line.product_id, line.sku.as_str()), (s.product.id, s.variant.sku.as_str()));
            assert_eq!((line.variant_title.as_str(), line.unit_price), (s.variant.title.as_str(), s.variant.price));
            assert_eq!(
                (line.subtotal, line.discount, line.tax, line.total),
                (totals.subtotal, totals.discount, totals.tax, totals.total)
            );
            assert_eq!(line.fulfilled_quantity, 0);
            assert_eq!(line.tax_lines.len(), 1);
        }

        // order totals are pricing's: 34.00 - 3.40 + 10.00 shipping + 20 % of 30.60 and 10.00
        assert_eq!(
            (order.subtotal, order.discount, order.shipping, order.tax, order.total),
            (p.subtotal, p.discounts, p.shipping, p.tax, p.total)
        );
        assert_eq!((order.subtotal, order.discount, order.shipping), (usd(3400), usd(340), usd(1000)));
        assert_eq!((order.tax, order.total), (usd(812), usd(4872)));
        assert_eq!(
            order.discounts,
            [OrderDiscount { discount_id: discount, code: Some("SAVE10".into()), amount_minor: 340 }]
        );

        // awaiting payment, held for a guest's reservation time, billed to the shipping address
        assert_eq!(order.status, OrderStatus::PaymentPending);
        assert_eq!(order.reserved_until, now + Duration::seconds(900));
        assert_eq!((order.created_at, order.updated_at), (now, now));
        assert_eq!((order.customer_id, order.email.as_str(), order.cart_id), (None, "ann@example.com", cart.id));
        assert_eq!((order.currency, order.prices_include_tax), (Currency::USD, false));
        assert_eq!(order.shipping_address, Some(address("1 Main St")));
        assert_eq!(order.billing_address, order.shipping_address);
        assert!(order.code.starts_with("AG-") && order.code.len() == 13, "{}", order.code);
    }

    #[test]
    fn a_customer_order_is_held_for_the_customer_reservation_time_and_keeps_its_billing_address() {
        let vendor = VendorId::new();
        let mug = titled(vendor, "Mug", 1000);
        let Fixture { mut cart, quote, .. } = priced(&[(&mug, 1)], &[(vendor, "Standard")]);
        cart.customer_id = Some(UserId::new());
        cart.billing_address = Some(address("2 Bill St"));
        let now = Utc::now();

        let order = build_order(&cart, &quote, TERMS, now).unwrap();

        assert_eq!(order.reserved_until, now + Duration::seconds(3600));
        assert_eq!(order.customer_id, cart.customer_id);
        assert_eq!(order.billing_address, Some(address("2 Bill St")));
        assert_eq!(order.shipping_address, Some(address("1 Main St")));
    }

    #[test]
    fn a_vendor_without_shipping_has_no_method_and_no_shipping_tax() {
        let (a, b) = (VendorId::new(), VendorId::new());
        let (mug, cup) = (titled(a, "Mug", 1000), titled(b, "Cup", 500));
        let Fixture { cart, quote, .. } = priced(&[(&mug, 1), (&cup, 1)], &[(a, "Standard")]);

        let order = build_order(&cart, &quote, TERMS, Utc::now()).unwrap();

        let unshipped = &order.vendor_orders[1];
        assert_eq!(unshipped.vendor_id, b);
        assert_eq!((unshipped.shipping_method_id, unshipped.shipping_method_name.as_deref()), (None, None));
        assert_eq!((unshipped.shipping, unshipped.shipping_tax), (usd(0), usd(0)));
        assert!(unshipped.shipping_tax_lines.is_empty());
        assert_eq!(order.vendor_orders[0].shipping_method_name.as_deref(), Some("Standard"));
    }
}
