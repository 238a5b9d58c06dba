//! Cart object types: the cart, its lines, groups, cost and problems.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use tokio::sync::OnceCell;

use crate::{
    cart::{
        CartError,
        model::{self, CartProblem as DomainProblem, CartStatus as DomainStatus, Quote},
    },
    catalog::graphql::ProductVariant,
    graphql::{
        ContextExt,
        errors::{OrInternal, top_level},
        ids,
        money::Money,
    },
    shared::{address::Address, ids::VendorId},
    vendors::graphql::Vendor,
};

/// Where a cart stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum CartStatus {
    /// Being filled; can be checked out.
    Active,
    /// Checked out: see the order.
    Completed,
    /// Merged into the customer's cart at sign-in.
    Merged,
}

/// A postal address.
#[derive(SimpleObject, Clone)]
pub struct MailingAddress {
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Company, if any.
    pub company: Option<String>,
    /// Street and number.
    pub line1: String,
    /// Apartment, suite, floor.
    pub line2: Option<String>,
    /// City or town.
    pub city: String,
    /// Postal or ZIP code.
    pub postal_code: String,
    /// State, province or county.
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2 country code, e.g. `US`.
    pub country_code: String,
    /// Phone number for the carrier.
    pub phone: Option<String>,
}

impl From<Address> for MailingAddress {
    fn from(a: Address) -> Self {
        Self {
            first_name: a.first_name,
            last_name: a.last_name,
            company: a.company,
            line1: a.line1,
            line2: a.line2,
            city: a.city,
            postal_code: a.postal_code,
            region: a.region,
            country_code: a.country,
            phone: a.phone,
        }
    }
}

/// A postal address to set.
#[derive(InputObject, Clone)]
pub struct MailingAddressInput {
    /// Given name (1 to 100 characters).
    pub first_name: String,
    /// Family name (1 to 100 characters).
    pub last_name: String,
    /// Company.
    pub company: Option<String>,
    /// Street and number (1 to 200 characters).
    pub line1: String,
    /// Apartment, suite, floor.
    pub line2: Option<String>,
    /// City or town.
    pub city: String,
    /// Postal or ZIP code: letters, digits, spaces and dashes.
    pub postal_code: String,
    /// State, province or county.
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2 country code, e.g. `US`.
    pub country_code: String,
    /// Phone number.
    pub phone: Option<String>,
}

impl From<MailingAddressInput> for Address {
    fn from(a: MailingAddressInput) -> Self {
        Address {
            first_name: a.first_name,
            last_name: a.last_name,
            company: a.company,
            line1: a.line1,
            line2: a.line2,
            city: a.city,
            postal_code: a.postal_code,
            region: a.region,
            country: a.country_code,
            phone: a.phone,
        }
    }
}

/// What is wrong with a line now, compared with when the buyer added it.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum CartProblemCode {
    /// The price changed; `cartLinesUpdate` on the line accepts the new price.
    PriceChanged,
    /// The product is no longer for sale; remove the line.
    VariantUnavailable,
    /// Fewer units are available than the line asks for.
    InsufficientStock,
}

/// A problem with one line.
#[derive(SimpleObject, Clone)]
pub struct CartProblem {
    /// What is wrong.
    pub code: CartProblemCode,
    /// The line concerned.
    pub line_id: ID,
    /// Units available now (for INSUFFICIENT_STOCK).
    pub available: Option<u32>,
    /// The price the buyer saw (for PRICE_CHANGED).
    pub previous_price: Option<Money>,
    /// The price now (for PRICE_CHANGED).
    pub current_price: Option<Money>,
}

impl From<&DomainProblem> for CartProblem {
    fn from(p: &DomainProblem) -> Self {
        match p {
            DomainProblem::PriceChanged { line, seen, now } => CartProblem {
                code: CartProblemCode::PriceChanged,
                line_id: ids::encode(*line),
                available: None,
                previous_price: Some((*seen).into()),
                current_price: Some((*now).into()),
            },
            DomainProblem::VariantUnavailable { line } => CartProblem {
                code: CartProblemCode::VariantUnavailable,
                line_id: ids::encode(*line),
                available: None,
                previous_price: None,
                current_price: None,
            },
            DomainProblem::InsufficientStock { line, available } => CartProblem {
                code: CartProblemCode::InsufficientStock,
                line_id: ids::encode(*line),
                available: Some(*available),
                previous_price: None,
                current_price: None,
            },
        }
    }
}

/// A discount applied to the cart.
#[derive(SimpleObject, Clone)]
pub struct AppliedDiscount {
    /// The code, or null for an automatic promotion.
    pub code: Option<String>,
    /// How much it takes off.
    pub amount: Money,
}

/// A discount code entered on the cart.
#[derive(SimpleObject, Clone)]
pub struct CartDiscountCode {
    /// The code, upper-cased.
    pub code: String,
    /// Whether it applies to the cart as it is now.
    pub applicable: bool,
}

/// The money side of a cart, as it would be charged now.
#[derive(SimpleObject, Clone)]
pub struct CartCost {
    /// Sum of line subtotals (unit price × quantity, as the buyer saw them).
    pub subtotal: Money,
    /// Sum of discounts.
    pub discounts: Money,
    /// Sum of chosen shipping.
    pub shipping: Money,
    /// Sum of tax (contained in the prices when `pricesIncludeTax`).
    pub tax: Money,
    /// What the buyer pays.
    pub total: Money,
    /// Whether prices include tax.
    pub prices_include_tax: bool,
    /// Discounts applied, with amounts.
    pub applied_discounts: Vec<AppliedDiscount>,
}

/// A shipping method offered for a vendor group.
#[derive(SimpleObject, Clone)]
pub struct ShippingMethodOption {
    /// Global ID of the shipping method.
    pub id: ID,
    /// Display name, e.g. "Standard (3–5 days)".
    pub name: String,
    /// What it costs for this group; null when it cannot carry the group (too heavy).
    pub price: Option<Money>,
}

/// The lines one vendor ships, with their shipping choice.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct CartVendorGroup {
    /// Ids of the cart lines in this group.
    pub line_ids: Vec<ID>,
    /// The chosen shipping method; null until chosen.
    pub shipping_method: Option<ShippingMethodOption>,
    /// Methods that ship this group to the cart's destination.
    pub available_shipping_methods: Vec<ShippingMethodOption>,
    #[graphql(skip)]
    vendor_id: VendorId,
}

#[async_graphql::ComplexObject]
impl CartVendorGroup {
    /// The vendor shipping these lines.
    async fn vendor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vendor>> {
        Ok(ctx
            .loader::<crate::vendors::graphql::VendorByIdLoader>()
            .load_one(self.vendor_id)
            .await
            .or_internal()?
            .map(Into::into))
    }
}

/// The cart object; its quote (pricing) is computed once, on first use by any field.
#[derive(Clone)]
pub struct Cart {
    model: Arc<model::Cart>,
    quote: Arc<OnceCell<Quote>>,
}

impl From<model::Cart> for Cart {
    fn from(c: model::Cart) -> Self {
        Self { model: Arc::new(c), quote: Arc::new(OnceCell::new()) }
    }
}

impl Cart {
    async fn quote(&self, ctx: &Context<'_>) -> async_graphql::Result<&Quote> {
        self.quote
            .get_or_try_init(|| async { ctx.state().quoter.quote(&self.model).await })
            .await
            .map_err(|e| top_level(CartError::from(e)))
    }
}

/// One line of a cart, with its cart for the shared quote.
pub struct CartLine {
    cart: Cart,
    index: usize,
}

impl CartLine {
    fn line(&self) -> &model::CartLine {
        &self.cart.model.lines[self.index]
    }

    async fn totals(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&crate::pricing::LineTotals>> {
        Ok(self.cart.quote(ctx).await?.pricing.lines.iter().find(|l| l.index == self.index))
    }
}

/// One line of a cart: a variant, a quantity, and the unit price the buyer saw.
#[Object]
impl CartLine {
    /// Global ID of the line.
    async fn id(&self) -> ID {
        ids::encode(self.line().id)
    }
    /// Units wanted.
    async fn quantity(&self) -> u32 {
        self.line().quantity
    }
    /// The unit price the buyer saw when adding or last updating the line; it is what
    /// checkout charges, and `problems` tells when the catalog price has moved.
    async fn unit_price(&self) -> Money {
        self.line().unit_price.into()
    }
    /// The variant; null if it no longer exists.
    async fn variant(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ProductVariant>> {
        Ok(ctx
            .loader::<crate::catalog::graphql::loaders::VariantByIdLoader>()
            .load_one(self.line().variant_id)
            .await
            .or_internal()?
            .map(Into::into))
    }
    /// `unitPrice × quantity`; null when the line cannot be priced (variant unavailable).
    async fn subtotal(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Money>> {
        Ok(self.totals(ctx).await?.map(|l| l.subtotal.into()))
    }
    /// Discounts on this line.
    async fn discount(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Money>> {
        Ok(self.totals(ctx).await?.map(|l| l.discount.into()))
    }
}

/// A cart: what a shopper intends to buy. Its id is its credential for guests: keep it
/// secret. Amounts are those the buyer saw; `problems` reports what changed since.
#[Object]
impl Cart {
    /// Global ID of the cart.
    async fn id(&self) -> ID {
        ids::encode(self.model.id)
    }
    /// Whether the cart can still change.
    async fn status(&self) -> CartStatus {
        match self.model.status {
            DomainStatus::Active => CartStatus::Active,
            DomainStatus::Completed => CartStatus::Completed,
            DomainStatus::Merged => CartStatus::Merged,
        }
    }
    /// The buyer's e-mail, for the order confirmation.
    async fn email(&self) -> Option<&str> {
        self.model.email.as_deref()
    }
    /// The buyer's country (from the shipping address once set).
    async fn country_code(&self) -> Option<&str> {
        self.model.country.as_deref()
    }
    /// The buyer's region (state, province).
    async fn region(&self) -> Option<&str> {
        self.model.region.as_deref()
    }
    /// Lines in the order they were added.
    async fn lines(&self) -> Vec<CartLine> {
        (0..self.model.lines.len()).map(|index| CartLine { cart: self.clone(), index }).collect()
    }
    /// Total units across lines.
    async fn total_quantity(&self) -> u64 {
        self.model.total_quantity()
    }
    /// Codes entered, and whether each applies now.
    async fn discount_codes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CartDiscountCode>> {
        let q = self.quote(ctx).await?;
        Ok(self
            .model
            .discount_codes
            .iter()
            .map(|code| CartDiscountCode {
                code: code.clone(),
                applicable: q.pricing.applied_discounts.iter().any(|d| d.code.as_deref() == Some(code.as_str())),
            })
            .collect())
    }
    /// Where the order ships.
    async fn shipping_address(&self) -> Option<MailingAddress> {
        self.model.shipping_address.clone().map(Into::into)
    }
    /// Where the invoice goes; defaults to the shipping address at checkout.
    async fn billing_address(&self) -> Option<MailingAddress> {
        self.model.billing_address.clone().map(Into::into)
    }
    /// One group per vendor: each vendor ships its own lines and needs a shipping method.
    async fn vendor_groups(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CartVendorGroup>> {
        let q = self.quote(ctx).await?;
        let mut groups = Vec::new();
        for vendor in &q.vendors {
            let line_ids = q
                .pricing
                .lines
                .iter()
                .filter(|l| l.vendor_id == *vendor)
                .map(|l| ids::encode(self.model.lines[l.index].id))
                .collect();
            let chosen = q.pricing.shipping_lines.iter().find(|s| s.vendor_id == *vendor);
            let options = q.shipping_options.get(vendor).cloned().unwrap_or_default();
            let option = |m: &crate::pricing::ShippingMethodRule, price: Option<crate::shared::money::Money>| {
                ShippingMethodOption { id: ids::encode(m.id), name: m.name.clone(), price: price.map(Into::into) }
            };
            groups.push(CartVendorGroup {
                line_ids,
                shipping_method: chosen
                    .and_then(|c| options.iter().find(|m| m.id == c.method_id).map(|m| option(m, Some(c.price)))),
                available_shipping_methods: options
                    .iter()
                    .map(|m| option(m, q.shipping_prices.get(&(*vendor, m.id)).copied()))
                    .collect(),
                vendor_id: *vendor,
            });
        }
        Ok(groups)
    }
    /// Subtotal, discounts, shipping, tax and total as they would be charged now.
    async fn cost(&self, ctx: &Context<'_>) -> async_graphql::Result<CartCost> {
        let p = &self.quote(ctx).await?.pricing;
        Ok(CartCost {
            subtotal: p.subtotal.into(),
            discounts: p.discounts.into(),
            shipping: p.shipping.into(),
            tax: p.tax.into(),
            total: p.total.into(),
            prices_include_tax: ctx.state().settings.shop.prices_include_tax,
            applied_discounts: p
                .applied_discounts
                .iter()
                .map(|d| AppliedDiscount { code: d.code.clone(), amount: d.amount.into() })
                .collect(),
        })
    }
    /// What changed since the buyer saw the cart. Amounts are never changed silently.
    async fn problems(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CartProblem>> {
        Ok(self.quote(ctx).await?.problems.iter().map(Into::into).collect())
    }
    /// Whether `checkoutComplete` would accept the cart now (e-mail, address, shipping for
    /// every vendor, no problems).
    async fn checkout_ready(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(self.quote(ctx).await?.ready(&self.model))
    }
    /// The order this cart became, once completed.
    async fn completed_order_id(&self) -> Option<ID> {
        self.model.completed_order_id.map(ids::encode)
    }
    /// When the cart was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }
    /// When the cart last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.model.updated_at
    }
}
