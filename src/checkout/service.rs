//! Quoting a cart and completing a checkout.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};

use crate::{
    cart::{
        CartService,
        error::QuoteError,
        model::{Cart, CartProblem, CartStatus, Quote, problems_of},
        service::Quoter,
    },
    catalog::CatalogService,
    checkout::{
        error::CheckoutError,
        model::{OrderTerms, build_order},
        repo::{self, StoredKey},
    },
    config::CheckoutSettings,
    context::RequestContext,
    orders::{OrderService, model::Order},
    pricing::{self, LineInput, PricingInput, ShippingInput},
    promotions::PromotionService,
    shared::{
        clock::SharedClock,
        ids::{CartId, VariantId, VendorId},
        money::Money,
    },
    shipping::ShippingService,
    tax::TaxService,
};

#[async_trait::async_trait]
impl Quoter for CheckoutService {
    async fn quote(&self, cart: &Cart) -> Result<Quote, QuoteError> {
        self.quote_in(&self.db, cart).await
    }
}

#[derive(Clone)]
pub struct CheckoutService {
    db: DatabaseConnection,
    catalog: CatalogService,
    carts: CartService,
    orders: OrderService,
    promotions: PromotionService,
    shipping: ShippingService,
    tax: TaxService,
    clock: SharedClock,
    settings: CheckoutSettings,
    prices_include_tax: bool,
}

fn customer_key(cart: &Cart) -> Option<String> {
    cart.customer_id.map(|c| c.to_string()).or_else(|| cart.email.clone())
}

fn principal(rcx: &RequestContext) -> String {
    rcx.viewer.map_or_else(|| "guest".to_owned(), |v| format!("user:{}", v.user_id))
}

impl CheckoutService {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        db: DatabaseConnection,
        catalog: CatalogService,
        carts: CartService,
        orders: OrderService,
        promotions: PromotionService,
        shipping: ShippingService,
        tax: TaxService,
        clock: SharedClock,
        settings: CheckoutSettings,
        prices_include_tax: bool,
    ) -> Self {
        Self { db, catalog, carts, orders, promotions, shipping, tax, clock, settings, prices_include_tax }
    }

    /// Prices `cart` with its snapshot prices, its discount codes and automatic promotions,
    /// the chosen shipping per vendor group, and the tax at its destination.
    async fn quote_in(&self, conn: &impl ConnectionTrait, cart: &Cart) -> Result<Quote, QuoteError> {
        let ids: Vec<VariantId> = cart.lines.iter().map(|l| l.variant_id).collect();
        let sellable = self.catalog.sellable(conn, &ids).await?;
        let problems = problems_of(cart, &sellable);
        let mut lines = Vec::new();
        let mut vendors: Vec<VendorId> = Vec::new();
        let mut weight: HashMap<VendorId, u64> = HashMap::new();
        let mut group_subtotal: HashMap<VendorId, Money> = HashMap::new();
        for (index, l) in cart.lines.iter().enumerate() {
            let Some(s) = sellable.get(&l.variant_id) else { continue };
            let vendor = s.product.vendor_id;
            if !vendors.contains(&vendor) {
                vendors.push(vendor);
            }
            *weight.entry(vendor).or_default() +=
                u64::try_from(s.variant.weight_grams.unwrap_or(0).max(0)).unwrap_or(0) * u64::from(l.quantity);
            let line_total = Money::new(l.unit_price.amount() * rust_decimal::Decimal::from(l.quantity), cart.currency);
            let sum = group_subtotal.entry(vendor).or_insert_with(|| Money::from_minor(0, cart.currency));
            *sum = sum.checked_add(line_total).map_err(|_| pricing::PricingError::CurrencyMismatch)?;
            lines.push(LineInput {
                index,
                variant_id: l.variant_id,
                product_id: s.product.id,
                vendor_id: vendor,
                category_ids: s.category_ids.clone(),
                unit_price: l.unit_price,
                quantity: l.quantity,
                tax_class: s.product.tax_class.clone(),
            });
        }
        let now = self.clock.now();
        let candidates =
            self.promotions.candidates(conn, &cart.discount_codes, customer_key(cart).as_deref(), now).await?;
        let destination = cart.destination();
        let mut shipping_options = BTreeMap::new();
        let mut shipping_prices = HashMap::new();
        let mut shipping = Vec::new();
        if let Some((country, region)) = &destination {
            for vendor in &vendors {
                let options = self.shipping.methods_for(conn, country, region.as_deref(), *vendor).await?;
                for option in &options {
                    if let Some(price) = pricing::shipping_price(option, weight[vendor], group_subtotal[vendor])? {
                        shipping_prices.insert((*vendor, option.id), price);
                    }
                }
                if let Some(rule) = cart.shipping_methods.get(vendor).and_then(|m| options.iter().find(|o| o.id == *m))
                    && let Some(price) = pricing::shipping_price(rule, weight[vendor], group_subtotal[vendor])?
                {
                    shipping.push(ShippingInput {
                        vendor_id: *vendor,
                        method_id: rule.id,
                        price,
                        tax_class: rule.tax_class.clone(),
                    });
                }
                shipping_options.insert(*vendor, options);
            }
        }
        let tax_rates = match &destination {
            Some((country, region)) => self.tax.rates_for(conn, country, region.as_deref()).await?,
            None => vec![],
        };
        let input = PricingInput {
            currency: cart.currency,
            prices_include_tax: self.prices_include_tax,
            lines,
            shipping,
            discounts: candidates.rules,
            tax_rates,
        };
        let pricing = pricing::compute(&input)?;
        Ok(Quote {
            pricing,
            vendors,
            shipping_options,
            shipping_prices,
            problems,
            code_problems: candidates.problems,
            sellable,
        })
    }

    /// Turns a ready cart into an order awaiting payment, holding its stock until the
    /// reservation ends (guest and customer TTLs are configured separately).
    ///
    /// # Errors
    /// `CartNotFound`, `CartCompleted`, `CartChanged`, `CartEmpty`, `EmailRequired`,
    /// `ShippingAddressRequired`, `ShippingMethodRequired`, `PriceChanged`,
    /// `VariantUnavailable`, `InsufficientStock`, `DiscountCodeInvalid`,
    /// `DiscountUsageLimitReached`, `IdempotencyKeyReused`, `InvalidIdempotencyKey`;
    /// `Forbidden` (top-level) for another customer's cart.
    #[tracing::instrument(name = "checkout.complete", skip_all)]
    pub async fn complete(&self, rcx: &RequestContext, cart_id: CartId, key: &str) -> Result<Order, CheckoutError> {
        if key.is_empty() || key.len() > 255 || key.chars().any(char::is_control) {
            return Err(CheckoutError::InvalidIdempotencyKey);
        }
        let principal = principal(rcx);
        if let Some(done) = repo::find(&self.db, key).await? {
            return self.replay(done, &principal, cart_id).await;
        }
        let cart = self.carts.find_in(&self.db, cart_id).await?.ok_or(CheckoutError::CartNotFound)?;
        self.carts.authorize(rcx, &cart).map_err(|_| CheckoutError::Forbidden)?;
        if cart.status != CartStatus::Active {
            // A concurrent call with this key may have completed the cart since we looked.
            return match repo::find(&self.db, key).await? {
                Some(done) => self.replay(done, &principal, cart_id).await,
                None => Err(CheckoutError::CartCompleted),
            };
        }
        let quote = self.check_ready(&cart).await?;

        let now = self.clock.now();
        let order = build_order(&cart, &quote, self.terms(), now)?;
        let stored = StoredKey { principal: principal.clone(), cart_id, order_id: order.id };
        let txn = self.db.begin().await?;
        // First statement is a write: it takes the write lock at once (SQLite) and makes
        // concurrent calls with the same key queue on the key's unique index (PostgreSQL).
        if !repo::claim(&txn, key, &stored, now).await? {
            drop(txn);
            let done = repo::find(&self.db, key).await?.ok_or(CheckoutError::IdempotencyKeyReused)?;
            return self.replay(done, &principal, cart_id).await;
        }
        for (i, line) in cart.lines.iter().enumerate() {
            if !self.catalog.reserve_in(&txn, line.variant_id, line.quantity).await? {
                return Err(CheckoutError::InsufficientStock { line: i });
            }
        }
        let customer = customer_key(&cart);
        for applied in &quote.pricing.applied_discounts {
            if let Err(e) =
                self.promotions.redeem_in(&txn, applied.discount_id, order.id, customer.as_deref(), now).await
            {
                let index =
                    applied.code.as_ref().and_then(|c| cart.discount_codes.iter().position(|x| x == c)).unwrap_or(0);
                return Err(CheckoutError::redeeming(e, index));
            }
        }
        self.orders.insert_in(&txn, &order, rcx).await?;
        if !self.carts.complete_in(&txn, cart_id, cart.version, order.id).await? {
            // Completed meanwhile by a call with another key, or edited since it was priced:
            // this attempt rolls back whole.
            drop(txn);
            let now_active =
                self.carts.find_in(&self.db, cart_id).await?.is_some_and(|c| c.status == CartStatus::Active);
            return Err(if now_active { CheckoutError::CartChanged } else { CheckoutError::CartCompleted });
        }
        txn.commit().await?;
        Ok(order)
    }

    fn terms(&self) -> OrderTerms {
        OrderTerms {
            guest_reservation_secs: self.settings.guest_reservation_secs,
            customer_reservation_secs: self.settings.customer_reservation_secs,
            prices_include_tax: self.prices_include_tax,
        }
    }

    async fn replay(&self, done: StoredKey, principal: &str, cart_id: CartId) -> Result<Order, CheckoutError> {
        if done.principal != principal || done.cart_id != cart_id {
            return Err(CheckoutError::IdempotencyKeyReused);
        }
        self.orders.find_in(&self.db, done.order_id).await?.ok_or(CheckoutError::CartNotFound)
    }

    async fn check_ready(&self, cart: &Cart) -> Result<Quote, CheckoutError> {
        if cart.lines.is_empty() {
            return Err(CheckoutError::CartEmpty);
        }
        if cart.email.is_none() {
            return Err(CheckoutError::EmailRequired);
        }
        if cart.shipping_address.is_none() {
            return Err(CheckoutError::ShippingAddressRequired);
        }
        let quote = self.quote_in(&self.db, cart).await?;
        if let Some((code, _)) = quote.code_problems.first() {
            let index = cart.discount_codes.iter().position(|c| c == code).unwrap_or(0);
            return Err(CheckoutError::DiscountCodeInvalid { index });
        }
        let line_of = |id| cart.lines.iter().position(|l| l.id == id).unwrap_or(0);
        if let Some(p) = quote.problems.first() {
            return Err(match p {
                CartProblem::VariantUnavailable { line } => CheckoutError::VariantUnavailable { line: line_of(*line) },
                CartProblem::PriceChanged { line, .. } => CheckoutError::PriceChanged { line: line_of(*line) },
                CartProblem::InsufficientStock { line, .. } => {
                    CheckoutError::InsufficientStock { line: line_of(*line) }
                }
            });
        }
        if let Some(i) =
            quote.vendors.iter().position(|v| !quote.pricing.shipping_lines.iter().any(|s| s.vendor_id == *v))
        {
            return Err(CheckoutError::ShippingMethodRequired { vendor_index: i });
        }
        Ok(quote)
    }
}
