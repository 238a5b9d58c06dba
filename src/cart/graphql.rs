//! Carts in the API: the storefront's whole pre-checkout surface.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use tokio::sync::OnceCell;

use crate::{
    cart::{
        CartError,
        model::{self, CartProblem as DomainProblem, CartStatus as DomainStatus},
        service::{BuyerIdentity, NewCart},
    },
    catalog::graphql::ProductVariant,
    checkout::service::Quote,
    graphql::{
        ContextExt,
        errors::{internal, top_level, user_error_type, user_errors},
        ids,
        money::Money,
    },
    shared::{
        address::Address,
        ids::{CartId, CartLineId, VariantId, VendorId},
    },
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
        Ok(ctx.loaders().vendor_by_id.load_one(self.vendor_id).await.map_err(|e| internal(&*e))?.map(Into::into))
    }
}

/// A cart: what a shopper intends to buy. Its id is its credential for guests: keep it secret.
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
        self.quote.get_or_try_init(|| async { ctx.state().checkout.quote(&self.model).await }).await.map_err(top_level)
    }
}

/// One line of a cart.
pub struct CartLine {
    line: model::CartLine,
    index: usize,
    quote: Arc<OnceCell<Quote>>,
}

/// One line of a cart: a variant, a quantity, and the unit price the buyer saw.
#[Object]
impl CartLine {
    /// Global ID of the line.
    async fn id(&self) -> ID {
        ids::encode(self.line.id)
    }
    /// Units wanted.
    async fn quantity(&self) -> u32 {
        self.line.quantity
    }
    /// The unit price the buyer saw when adding or last updating the line; it is what
    /// checkout charges, and `problems` tells when the catalog price has moved.
    async fn unit_price(&self) -> Money {
        self.line.unit_price.into()
    }
    /// The variant; null if it no longer exists.
    async fn variant(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ProductVariant>> {
        Ok(ctx.loaders().variant_by_id.load_one(self.line.variant_id).await.map_err(|e| internal(&*e))?.map(Into::into))
    }
    /// `unitPrice × quantity`; null when the line cannot be priced (variant unavailable).
    async fn subtotal(&self) -> Option<Money> {
        let q = self.quote.get()?;
        q.pricing.lines.iter().find(|l| l.index == self.index).map(|l| l.subtotal.into())
    }
    /// Discounts on this line.
    async fn discount(&self) -> Option<Money> {
        let q = self.quote.get()?;
        q.pricing.lines.iter().find(|l| l.index == self.index).map(|l| l.discount.into())
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
    async fn lines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CartLine>> {
        self.quote(ctx).await?;
        Ok(self
            .model
            .lines
            .iter()
            .enumerate()
            .map(|(index, l)| CartLine { line: l.clone(), index, quote: self.quote.clone() })
            .collect())
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
                ShippingMethodOption {
                    id: ids::encode(crate::shared::ids::ShippingMethodId(m.id)),
                    name: m.name.clone(),
                    price: price.map(Into::into),
                }
            };
            groups.push(CartVendorGroup {
                line_ids,
                shipping_method: chosen
                    .and_then(|c| options.iter().find(|m| m.id == c.method_id).map(|m| option(m, Some(c.price)))),
                available_shipping_methods: options.iter().map(|m| option(m, None)).collect(),
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
        self.model.completed_order_id.map(|o| ids::encode(crate::shared::ids::OrderId(o)))
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

user_error_type! {
    /// A problem with the input of a cart mutation.
    CartUserError,
    /// Why a cart mutation was refused.
    CartErrorCode {
        /// No cart with this id.
        CartNotFound,
        /// The cart was checked out or merged and can no longer change.
        CartCompleted,
        /// The ID is malformed or of the wrong type.
        InvalidId,
        /// Quantities are 1 to the per-line maximum (999 by default).
        InvalidQuantity,
        /// The product is not for sale.
        VariantUnavailable,
        /// Not that many units are available.
        InsufficientStock,
        /// A cart holds at most 250 lines.
        TooManyLines,
        /// No line with this id in the cart.
        LineNotFound,
        /// The e-mail address is not valid.
        InvalidEmail,
        /// The value is not valid for this field.
        Invalid,
        /// The discount code does not exist.
        DiscountCodeInvalid,
        /// The shipping method does not serve this vendor at this destination.
        ShippingMethodUnavailable,
    }
}

/// Result of cart mutations.
#[derive(SimpleObject)]
pub struct CartPayload {
    /// The cart after the change; null when `userErrors` is not empty.
    pub cart: Option<Cart>,
    /// What was wrong with the input; empty on success. Nothing was changed when not empty.
    pub user_errors: Vec<CartUserError>,
}

fn payload(r: Result<model::Cart, CartError>) -> async_graphql::Result<CartPayload> {
    Ok(match r {
        Ok(c) => CartPayload { cart: Some(c.into()), user_errors: vec![] },
        Err(e) => CartPayload { cart: None, user_errors: user_errors(e)? },
    })
}

/// A line to add.
#[derive(InputObject, Clone)]
pub struct CartLineInput {
    /// The variant to buy.
    pub variant_id: ID,
    /// Units (1 to 999).
    pub quantity: u32,
}

/// A line quantity to set.
#[derive(InputObject, Clone)]
pub struct CartLineUpdateInput {
    /// The cart line.
    pub id: ID,
    /// New quantity (1 to 999); use `cartLinesRemove` to remove a line.
    pub quantity: u32,
}

/// Input of `cartCreate`.
#[derive(InputObject, Clone, Default)]
pub struct CartCreateInput {
    /// Lines to start with.
    pub lines: Option<Vec<CartLineInput>>,
    /// The buyer's e-mail.
    pub email: Option<String>,
    /// The buyer's country (ISO 3166-1 alpha-2), for shipping and tax estimates.
    pub country_code: Option<String>,
}

/// The buyer's identity.
#[derive(InputObject, Clone)]
pub struct CartBuyerIdentityInput {
    /// E-mail for the order confirmation.
    pub email: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country_code: Option<String>,
    /// State, province or county.
    pub region: Option<String>,
}

/// A shipping method chosen for one vendor group.
#[derive(InputObject, Clone)]
pub struct CartShippingMethodInput {
    /// The vendor of the group.
    pub vendor_id: ID,
    /// One of the group's `availableShippingMethods`.
    pub shipping_method_id: ID,
}

fn lines(list: Vec<CartLineInput>) -> Result<Vec<(VariantId, u32)>, CartError> {
    list.into_iter()
        .enumerate()
        .map(|(i, l)| {
            let v = ids::decode::<VariantId>(&l.variant_id)
                .ok_or(CartError::InvalidId { field: vec!["lines".into(), i.to_string(), "variantId".into()] })?;
            Ok((v, l.quantity))
        })
        .collect()
}

#[derive(Default)]
pub struct CartQuery;

#[Object]
impl CartQuery {
    /// A cart by id: guest carts to whoever holds the id, a customer's cart to that customer.
    async fn cart(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Cart>> {
        let id = ids::arg::<CartId>(&id)?;
        Ok(ctx.state().carts.get(ctx.rcx(), id).await.map_err(top_level)?.map(Into::into))
    }
}

#[derive(Default)]
pub struct CartMutation;

#[Object]
impl CartMutation {
    /// Creates a cart; anonymous callers are welcome. A signed-in customer has one active
    /// cart: calling this again returns it (with the lines added).
    async fn cart_create(
        &self,
        ctx: &Context<'_>,
        input: Option<CartCreateInput>,
    ) -> async_graphql::Result<CartPayload> {
        let input = input.unwrap_or_default();
        let lines = match lines(input.lines.unwrap_or_default()) {
            Ok(l) => l,
            Err(e) => return payload(Err(e)),
        };
        let new = NewCart { lines, email: input.email, country: input.country_code };
        payload(ctx.state().carts.create(ctx.rcx(), new).await)
    }

    /// Adds lines; a variant already in the cart has its quantity increased.
    async fn cart_lines_add(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        lines: Vec<CartLineInput>,
    ) -> async_graphql::Result<CartPayload> {
        let id = ids::arg::<CartId>(&cart_id)?;
        match self::lines(lines) {
            Ok(l) => payload(ctx.state().carts.add_lines(ctx.rcx(), id, l).await),
            Err(e) => payload(Err(e)),
        }
    }

    /// Sets line quantities; also accepts each updated line's current price.
    async fn cart_lines_update(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        lines: Vec<CartLineUpdateInput>,
    ) -> async_graphql::Result<CartPayload> {
        let id = ids::arg::<CartId>(&cart_id)?;
        let parsed: Result<Vec<_>, CartError> = lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                let line = ids::decode::<CartLineId>(&l.id)
                    .ok_or(CartError::InvalidId { field: vec!["lines".into(), i.to_string(), "id".into()] })?;
                Ok((line, l.quantity))
            })
            .collect();
        match parsed {
            Ok(p) => payload(ctx.state().carts.update_lines(ctx.rcx(), id, p).await),
            Err(e) => payload(Err(e)),
        }
    }

    /// Removes lines.
    async fn cart_lines_remove(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        line_ids: Vec<ID>,
    ) -> async_graphql::Result<CartPayload> {
        let id = ids::arg::<CartId>(&cart_id)?;
        let parsed: Result<Vec<_>, CartError> = line_ids
            .iter()
            .enumerate()
            .map(|(i, l)| {
                ids::decode::<CartLineId>(l)
                    .ok_or(CartError::InvalidId { field: vec!["lineIds".into(), i.to_string()] })
            })
            .collect();
        match parsed {
            Ok(p) => payload(ctx.state().carts.remove_lines(ctx.rcx(), id, p).await),
            Err(e) => payload(Err(e)),
        }
    }

    /// Sets the buyer's e-mail, country and region.
    async fn cart_buyer_identity_update(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        buyer_identity: CartBuyerIdentityInput,
    ) -> async_graphql::Result<CartPayload> {
        let id = ids::arg::<CartId>(&cart_id)?;
        let b = BuyerIdentity {
            email: buyer_identity.email,
            country: buyer_identity.country_code,
            region: buyer_identity.region,
        };
        payload(ctx.state().carts.update_buyer_identity(ctx.rcx(), id, b).await)
    }

    /// Replaces the discount codes. Unknown codes are refused; known ones that do not apply
    /// now are kept, with `applicable: false`.
    async fn cart_discount_codes_update(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        discount_codes: Vec<String>,
    ) -> async_graphql::Result<CartPayload> {
        let id = ids::arg::<CartId>(&cart_id)?;
        payload(ctx.state().checkout.set_discount_codes(ctx.rcx(), id, discount_codes).await)
    }

    /// Sets the shipping address (validated); country and region follow it.
    async fn cart_shipping_address_update(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        address: MailingAddressInput,
    ) -> async_graphql::Result<CartPayload> {
        let id = ids::arg::<CartId>(&cart_id)?;
        payload(ctx.state().carts.update_addresses(ctx.rcx(), id, Some(address.into()), None).await)
    }

    /// Sets the billing address (validated).
    async fn cart_billing_address_update(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        address: MailingAddressInput,
    ) -> async_graphql::Result<CartPayload> {
        let id = ids::arg::<CartId>(&cart_id)?;
        payload(ctx.state().carts.update_addresses(ctx.rcx(), id, None, Some(address.into())).await)
    }

    /// Chooses a shipping method for vendor groups.
    async fn cart_shipping_methods_update(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        shipping_methods: Vec<CartShippingMethodInput>,
    ) -> async_graphql::Result<CartPayload> {
        let id = ids::arg::<CartId>(&cart_id)?;
        let parsed: Result<Vec<_>, CartError> = shipping_methods
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let vendor = ids::decode::<VendorId>(&m.vendor_id).ok_or(CartError::InvalidId {
                    field: vec!["shippingMethods".into(), i.to_string(), "vendorId".into()],
                })?;
                let method = ids::decode::<crate::shared::ids::ShippingMethodId>(&m.shipping_method_id).ok_or(
                    CartError::InvalidId {
                        field: vec!["shippingMethods".into(), i.to_string(), "shippingMethodId".into()],
                    },
                )?;
                Ok((vendor, method.0))
            })
            .collect();
        match parsed {
            Ok(p) => payload(ctx.state().checkout.set_shipping_methods(ctx.rcx(), id, p).await),
            Err(e) => payload(Err(e)),
        }
    }

    /// Merges a guest cart into the signed-in customer's cart: quantities add up (capped at
    /// available stock and the line maximum), unavailable lines are dropped, discount codes are
    /// kept, and the guest cart becomes MERGED. Without a customer cart, the guest cart is
    /// simply adopted.
    #[graphql(guard = "crate::graphql::guards::RoleGuard(crate::accounts::model::Role::Customer)")]
    async fn cart_merge(&self, ctx: &Context<'_>, guest_cart_id: ID) -> async_graphql::Result<CartPayload> {
        let id = ids::arg::<CartId>(&guest_cart_id)?;
        payload(ctx.state().carts.merge(ctx.rcx(), id).await)
    }
}
