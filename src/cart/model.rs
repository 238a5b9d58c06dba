//! Carts and their pure rules.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use crate::shared::{
    address::Address,
    ids::{CartId, CartLineId, OrderId, ShippingMethodId, UserId, VariantId, VendorId},
    money::{Currency, Money},
};
use crate::{
    catalog::model::Sellable,
    pricing::{PricingResult, ShippingMethodRule},
    promotions::CodeProblem,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CartStatus {
    /// Being filled.
    Active,
    /// Turned into an order.
    Completed,
    /// Folded into the customer's cart at sign-in.
    Merged,
}

impl CartStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            CartStatus::Active => "ACTIVE",
            CartStatus::Completed => "COMPLETED",
            CartStatus::Merged => "MERGED",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [CartStatus::Active, CartStatus::Completed, CartStatus::Merged].into_iter().find(|c| c.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartLine {
    pub id: CartLineId,
    pub variant_id: VariantId,
    pub quantity: u32,
    /// The unit price when the line was added or last updated: what the buyer saw.
    pub unit_price: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cart {
    pub id: CartId,
    pub customer_id: Option<UserId>,
    pub status: CartStatus,
    pub currency: Currency,
    pub email: Option<String>,
    /// Buyer's country (ISO 3166-1 alpha-2) before an address is known, for estimates.
    pub country: Option<String>,
    pub region: Option<String>,
    pub shipping_address: Option<Address>,
    pub billing_address: Option<Address>,
    /// Codes as entered (upper-cased), in entry order.
    pub discount_codes: Vec<String>,
    /// The shipping method chosen for each vendor's group of lines.
    pub shipping_methods: BTreeMap<VendorId, ShippingMethodId>,
    pub lines: Vec<CartLine>,
    pub completed_order_id: Option<OrderId>,
    /// Bumped by every write to the cart or its lines; checkout orders the cart only at the
    /// version it priced.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Changes to a cart's own fields (not its lines); `None` leaves a field as it is. Saved in
/// one statement that sets only these columns, so concurrent changes to different fields all
/// stick.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CartPatch {
    pub customer_id: Option<UserId>,
    pub email: Option<String>,
    pub country: Option<String>,
    /// `Some(None)` clears the region.
    pub region: Option<Option<String>>,
    pub shipping_address: Option<Address>,
    pub billing_address: Option<Address>,
    pub discount_codes: Option<Vec<String>>,
    pub shipping_methods: Option<BTreeMap<VendorId, ShippingMethodId>>,
}

impl Cart {
    /// The destination for shipping and tax: the shipping address, else the buyer's country.
    pub fn destination(&self) -> Option<(String, Option<String>)> {
        match &self.shipping_address {
            Some(a) => Some((a.country.clone(), a.region.clone())),
            None => self.country.clone().map(|c| (c, self.region.clone())),
        }
    }

    pub fn total_quantity(&self) -> u64 {
        self.lines.iter().map(|l| u64::from(l.quantity)).sum()
    }
}

/// Something about a line that changed since the buyer saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CartProblem {
    /// The current price differs from the snapshot; `cartLinesUpdate` accepts the new price.
    PriceChanged { line: CartLineId, seen: Money, now: Money },
    /// The variant or its product is no longer sold.
    VariantUnavailable { line: CartLineId },
    /// Fewer units are available than the line asks for.
    InsufficientStock { line: CartLineId, available: u32 },
}

/// Merging a guest cart into a customer's: quantities add up, capped by what is available
/// and by the per-line maximum; lines of unavailable variants are dropped. Returns the new
/// quantity for each variant that changes.
pub fn merged_quantities(
    customer: &[CartLine],
    guest: &[CartLine],
    available: impl Fn(VariantId) -> u32,
    max_per_line: u32,
) -> Vec<(VariantId, u32)> {
    let mut out = Vec::new();
    for g in guest {
        let existing = customer.iter().find(|c| c.variant_id == g.variant_id).map_or(0, |c| c.quantity);
        let cap = available(g.variant_id).min(max_per_line);
        let want = existing.saturating_add(g.quantity).min(cap);
        if want > existing {
            out.push((g.variant_id, want));
        }
    }
    out
}

/// A cart priced as it stands now: computed by checkout (the `service::Quoter` port), shown by
/// the cart and snapshotted into the order.
#[derive(Debug, Clone)]
pub struct Quote {
    pub pricing: PricingResult,
    /// Vendors in order of first appearance in the cart.
    pub vendors: Vec<VendorId>,
    /// Shipping methods available to each vendor group at the destination.
    pub shipping_options: BTreeMap<VendorId, Vec<ShippingMethodRule>>,
    /// What each of those methods costs for its vendor's group; absent when it cannot carry the
    /// group (no weight tier covers it).
    pub shipping_prices: HashMap<(VendorId, ShippingMethodId), Money>,
    pub problems: Vec<CartProblem>,
    /// Entered codes that cannot be used, with why.
    pub code_problems: Vec<(String, CodeProblem)>,
    /// What each line's variant is now (what the order snapshots).
    pub sellable: HashMap<VariantId, Sellable>,
}

impl Quote {
    /// Whether `checkoutComplete` would accept the cart as far as the quote can tell.
    pub fn ready(&self, cart: &Cart) -> bool {
        cart.email.is_some()
            && cart.shipping_address.is_some()
            && !cart.lines.is_empty()
            && self.problems.is_empty()
            && self.code_problems.is_empty()
            && self.vendors.iter().all(|v| self.pricing.shipping_lines.iter().any(|s| s.vendor_id == *v))
    }
}

/// The problems of `cart` given what is sellable now.
pub fn problems_of(cart: &Cart, sellable: &HashMap<VariantId, Sellable>) -> Vec<CartProblem> {
    let mut out = Vec::new();
    for l in &cart.lines {
        match sellable.get(&l.variant_id) {
            None => out.push(CartProblem::VariantUnavailable { line: l.id }),
            Some(s) => {
                if s.variant.price != l.unit_price {
                    out.push(CartProblem::PriceChanged { line: l.id, seen: l.unit_price, now: s.variant.price });
                }
                let available = u32::try_from(s.variant.available()).unwrap_or(0);
                if available < l.quantity {
                    out.push(CartProblem::InsufficientStock { line: l.id, available });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(v: VariantId, q: u32) -> CartLine {
        CartLine {
            id: CartLineId::new(),
            variant_id: v,
            quantity: q,
            unit_price: Money::from_minor(100, Currency::USD),
        }
    }

    #[test]
    fn merge_adds_quantities_capped_by_stock_and_line_limit() {
        let (a, b, c) = (VariantId::new(), VariantId::new(), VariantId::new());
        let customer = [line(a, 2)];
        let guest = [line(a, 5), line(b, 3), line(c, 4)];
        let stock = |v: VariantId| {
            if v == a {
                4
            } else if v == b {
                10
            } else {
                0
            }
        };
        let merged = merged_quantities(&customer, &guest, stock, 999);
        assert_eq!(merged, vec![(a, 4), (b, 3)], "a capped at stock 4, c unavailable");
        assert_eq!(merged_quantities(&[], &[line(b, 3)], stock, 2), vec![(b, 2)], "capped at the line limit");
    }

    #[test]
    fn problems_name_unavailable_repriced_and_short_lines() {
        use crate::catalog::model::fixtures::sellable;
        let vendor = VendorId::new();
        let (fine, repriced, short) = (sellable(vendor, 500, 10), sellable(vendor, 700, 10), sellable(vendor, 500, 1));
        let gone = VariantId::new();
        let line_of = |v: VariantId, q: u32, cents: i64| CartLine {
            id: CartLineId::new(),
            variant_id: v,
            quantity: q,
            unit_price: Money::from_minor(cents, Currency::USD),
        };
        let lines = vec![
            line_of(fine.variant.id, 2, 500),
            line_of(repriced.variant.id, 1, 600),
            line_of(short.variant.id, 3, 500),
            line_of(gone, 1, 500),
        ];
        let ids: Vec<CartLineId> = lines.iter().map(|l| l.id).collect();
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let cart = Cart {
            id: CartId::random(),
            customer_id: None,
            status: CartStatus::Active,
            currency: Currency::USD,
            email: None,
            country: None,
            region: None,
            shipping_address: None,
            billing_address: None,
            discount_codes: vec![],
            shipping_methods: BTreeMap::new(),
            lines,
            completed_order_id: None,
            version: 0,
            created_at: now,
            updated_at: now,
        };
        let known: HashMap<VariantId, Sellable> =
            [fine, repriced, short].into_iter().map(|s| (s.variant.id, s)).collect();
        assert_eq!(
            problems_of(&cart, &known),
            vec![
                CartProblem::PriceChanged {
                    line: ids[1],
                    seen: Money::from_minor(600, Currency::USD),
                    now: Money::from_minor(700, Currency::USD)
                },
                CartProblem::InsufficientStock { line: ids[2], available: 1 },
                CartProblem::VariantUnavailable { line: ids[3] },
            ]
        );
    }
}
