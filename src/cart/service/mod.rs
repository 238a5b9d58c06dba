//! Cart use cases. Reads happen before the (short, write-only) transaction, so SQLite never
//! has to upgrade a read transaction under concurrent writers. Line writes are in `lines.rs`,
//! the guest-to-customer merge in `merge.rs`.

mod lines;
mod merge;

use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};

use crate::{
    cart::{
        error::{CartError, FieldPath, QuoteError, path},
        model::{Cart, CartPatch, CartProblem, CartStatus, Quote, problems_of},
        repo,
    },
    catalog::CatalogService,
    config::CheckoutSettings,
    context::RequestContext,
    promotions::{CodeProblem, PromotionService},
    shared::email::Email,
    shared::{
        address::{Address, country_code},
        clock::SharedClock,
        ids::{CartId, OrderId, ShippingMethodId, UserId, VariantId, VendorId},
        money::Currency,
    },
    shipping::ShippingService,
};

/// Each bad field of an address given as `argument`.
fn invalid_address(argument: &str, p: &crate::shared::address::AddressProblem) -> CartError {
    CartError::InvalidAddress { fields: p.0.iter().map(|f| path([argument, f])).collect() }
}

/// What `cartCreate` may set right away.
#[derive(Debug, Clone, Default)]
pub struct NewCart {
    pub lines: Vec<(VariantId, u32)>,
    pub email: Option<String>,
    pub country: Option<String>,
}

/// Buyer identity fields; `None` leaves a field unchanged.
#[derive(Debug, Clone, Default)]
pub struct BuyerIdentity {
    pub email: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
}

/// How many times a cart write re-reads and retries after a concurrent write to the same cart
/// before answering `CART_CHANGED`. Each retry means another write succeeded, so it only runs
/// out under a storm of writes to one cart.
const MAX_ATTEMPTS: usize = 16;

/// Prices a cart as it stands: implemented by checkout, which knows promotions, shipping and
/// tax, so the cart can show its costs without depending on checkout.
#[async_trait::async_trait]
pub trait Quoter: Send + Sync {
    async fn quote(&self, cart: &Cart) -> Result<Quote, QuoteError>;
}

/// A customer's account e-mail, a new cart's default buyer e-mail: implemented by accounts
/// (which depends on the cart, not the other way round).
#[async_trait::async_trait]
pub trait CustomerEmails: Send + Sync {
    async fn email_of(&self, customer: UserId) -> Result<Option<String>, DbErr>;
}

#[derive(Clone)]
pub struct CartService {
    db: DatabaseConnection,
    customer_emails: std::sync::Arc<dyn CustomerEmails>,
    catalog: CatalogService,
    promotions: PromotionService,
    shipping: ShippingService,
    clock: SharedClock,
    limits: CheckoutSettings,
    currency: Currency,
}

impl CartService {
    pub fn new(
        db: DatabaseConnection,
        catalog: CatalogService,
        promotions: PromotionService,
        shipping: ShippingService,
        clock: SharedClock,
        limits: CheckoutSettings,
        customer_emails: std::sync::Arc<dyn CustomerEmails>,
    ) -> Self {
        let currency = catalog.currency();
        Self { db, customer_emails, catalog, promotions, shipping, clock, limits, currency }
    }

    /// The cart if the caller may see it: guest carts to whoever holds the id, a customer's
    /// cart to that customer (and staff).
    ///
    /// # Errors
    /// `Forbidden` (top-level) for another customer's cart.
    pub async fn get(&self, rcx: &RequestContext, id: CartId) -> Result<Option<Cart>, CartError> {
        let Some(cart) = repo::find(&self.db, id).await? else { return Ok(None) };
        Self::ensure_access(rcx, &cart)?;
        Ok(Some(cart))
    }

    fn ensure_access(rcx: &RequestContext, cart: &Cart) -> Result<(), CartError> {
        match cart.customer_id {
            Some(owner) if !rcx.is_staff() && rcx.viewer.map(|v| v.user_id) != Some(owner) => Err(CartError::Forbidden),
            _ => Ok(()),
        }
    }

    async fn load_active(&self, rcx: &RequestContext, id: CartId) -> Result<Cart, CartError> {
        let cart = repo::find(&self.db, id).await?.ok_or(CartError::CartNotFound)?;
        Self::ensure_access(rcx, &cart)?;
        if cart.status != CartStatus::Active {
            return Err(CartError::CartCompleted);
        }
        Ok(cart)
    }

    fn check_quantity(&self, q: u32, field: FieldPath) -> Result<(), CartError> {
        if q == 0 || q > self.limits.max_quantity_per_line {
            return Err(CartError::InvalidQuantity { field, max: self.limits.max_quantity_per_line });
        }
        Ok(())
    }

    /// Creates a cart (anonymous allowed). A signed-in customer who already has an active cart
    /// gets that cart back, with the lines added to it; a new customer cart takes the account's
    /// e-mail unless `email` is given.
    ///
    /// # Errors
    /// `InvalidQuantity`, `VariantUnavailable`, `InsufficientStock`, `TooManyLines`,
    /// `InvalidEmail`, `Invalid` (country).
    #[tracing::instrument(name = "cart.create", skip_all)]
    pub async fn create(&self, rcx: &RequestContext, new: NewCart) -> Result<Cart, CartError> {
        let customer = rcx.viewer.map(|v| v.user_id);
        if let Some(c) = customer
            && let Some(existing) = repo::active_cart_of(&self.db, c).await?
        {
            return if new.lines.is_empty() {
                self.load_active(rcx, existing).await
            } else {
                self.add_lines(rcx, existing, new.lines).await
            };
        }
        let mut email = new.email.as_deref().map(|e| Email::parse(e).ok_or(CartError::InvalidEmail)).transpose()?;
        // A signed-in customer buys under their account's e-mail unless they give another.
        if let (None, Some(c)) = (&email, customer) {
            email = self.customer_emails.email_of(c).await?.as_deref().and_then(Email::parse);
        }
        let country = new
            .country
            .as_deref()
            .map(|c| country_code(c).ok_or(CartError::Invalid { field: path(["countryCode"]) }))
            .transpose()?;
        let now = self.clock.now();
        let cart = Cart {
            id: CartId::random(),
            customer_id: customer,
            status: CartStatus::Active,
            currency: self.currency,
            email: email.map(|e| e.as_str().to_owned()),
            country,
            region: None,
            shipping_address: None,
            billing_address: None,
            discount_codes: vec![],
            shipping_methods: Default::default(),
            lines: vec![],
            completed_order_id: None,
            version: 0,
            created_at: now,
            updated_at: now,
        };
        // Validate the lines before anything is written.
        let planned = self.plan_additions(&cart, &new.lines).await?;
        let txn = self.db.begin().await?;
        if let Err(e) = repo::insert_cart(&txn, &cart).await {
            // Two concurrent first carts for one customer: the partial unique index decides.
            if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) && customer.is_some() {
                drop(txn);
                return Box::pin(self.create(rcx, new)).await;
            }
            return Err(e.into());
        }
        self.write_additions(&txn, cart.id, &planned).await?;
        txn.commit().await?;
        self.load_active(rcx, cart.id).await
    }

    /// Saves `patch` on the active cart in one statement (only the patched columns).
    async fn update_with(&self, rcx: &RequestContext, id: CartId, patch: CartPatch) -> Result<Cart, CartError> {
        self.load_active(rcx, id).await?;
        if !repo::update_fields(&self.db, id, &patch, None, self.clock.now()).await? {
            return Err(CartError::CartCompleted);
        }
        self.load_active(rcx, id).await
    }

    /// Sets the buyer's e-mail, country and region.
    ///
    /// # Errors
    /// `CartNotFound`, `CartCompleted`, `InvalidEmail`, `Invalid` (countryCode, region).
    #[tracing::instrument(name = "cart.update_buyer_identity", skip_all)]
    pub async fn update_buyer_identity(
        &self,
        rcx: &RequestContext,
        id: CartId,
        b: BuyerIdentity,
    ) -> Result<Cart, CartError> {
        let email = b.email.as_deref().map(|e| Email::parse(e).ok_or(CartError::InvalidEmail)).transpose()?;
        let country = b
            .country
            .as_deref()
            .map(|c| country_code(c).ok_or(CartError::Invalid { field: path(["countryCode"]) }))
            .transpose()?;
        if b.region.as_deref().is_some_and(|r| r.trim().is_empty() || r.chars().count() > 64) {
            return Err(CartError::Invalid { field: path(["region"]) });
        }
        let patch = CartPatch {
            email: email.map(|e| e.as_str().to_owned()),
            country,
            region: b.region.map(|r| Some(r.trim().to_owned())),
            ..CartPatch::default()
        };
        self.update_with(rcx, id, patch).await
    }

    /// Replaces the discount codes (upper-cased, de-duplicated). Unknown codes are refused;
    /// known codes that do not apply now (expired, used up, minimum not reached) are kept and
    /// shown on the cart as not applicable.
    ///
    /// # Errors
    /// `CartNotFound`, `CartCompleted`, `DiscountCodeInvalid`; `Forbidden`.
    #[tracing::instrument(name = "cart.update_discount_codes", skip_all)]
    pub async fn update_discount_codes(
        &self,
        rcx: &RequestContext,
        id: CartId,
        codes: Vec<String>,
    ) -> Result<Cart, CartError> {
        let upper: Vec<String> = codes.iter().map(|c| c.trim().to_uppercase()).collect();
        let found = self.promotions.candidates(&self.db, &upper, None, self.clock.now()).await?;
        let unknown: Vec<String> =
            found.problems.iter().filter(|(_, p)| *p == CodeProblem::Unknown).map(|(c, _)| c.to_uppercase()).collect();
        let mut normalised: Vec<String> = Vec::new();
        for (i, c) in upper.into_iter().enumerate() {
            if c.is_empty() || c.len() > 32 || unknown.contains(&c) {
                return Err(CartError::DiscountCodeInvalid { field: path(["discountCodes", &i.to_string()]) });
            }
            if !normalised.contains(&c) {
                normalised.push(c);
            }
        }
        self.update_with(rcx, id, CartPatch { discount_codes: Some(normalised), ..CartPatch::default() }).await
    }

    /// Sets the shipping address (validated); the billing address defaults to it.
    ///
    /// # Errors
    /// `CartNotFound`, `CartCompleted`, `Invalid` naming the address field.
    #[tracing::instrument(name = "cart.update_addresses", skip_all)]
    pub async fn update_addresses(
        &self,
        rcx: &RequestContext,
        id: CartId,
        shipping: Option<Address>,
        billing: Option<Address>,
    ) -> Result<Cart, CartError> {
        let shipping =
            shipping.map(|a| a.normalised().map_err(|p| invalid_address("shippingAddress", &p))).transpose()?;
        let billing = billing.map(|a| a.normalised().map_err(|p| invalid_address("billingAddress", &p))).transpose()?;
        let mut patch = CartPatch::default();
        if let Some(s) = shipping {
            patch.country = Some(s.country.clone());
            patch.region = Some(s.region.clone());
            patch.shipping_address = Some(s);
        }
        patch.billing_address = billing;
        self.update_with(rcx, id, patch).await
    }

    /// Chooses a shipping method for each listed vendor group, checked against what ships to
    /// the cart's destination for that vendor.
    ///
    /// # Errors
    /// `CartNotFound`, `CartCompleted`, `ShippingMethodUnavailable`, `CartChanged`; `Forbidden`.
    #[tracing::instrument(name = "cart.update_shipping_methods", skip_all)]
    pub async fn update_shipping_methods(
        &self,
        rcx: &RequestContext,
        id: CartId,
        choices: Vec<(VendorId, ShippingMethodId)>,
    ) -> Result<Cart, CartError> {
        // The choices join those already made: a change computed from a read, so it is saved
        // only if nobody wrote the cart meanwhile, and retried on a fresh read otherwise.
        for _ in 0..MAX_ATTEMPTS {
            let cart = self.load_active(rcx, id).await?;
            for (i, (vendor, method)) in choices.iter().enumerate() {
                let served = match cart.destination() {
                    Some((country, region)) => {
                        self.shipping.method_for(&self.db, *method, &country, region.as_deref(), *vendor).await?
                    }
                    None => None,
                };
                if served.is_none() {
                    return Err(CartError::ShippingMethodUnavailable {
                        field: path(["shippingMethods", &i.to_string(), "shippingMethodId"]),
                    });
                }
            }
            let mut methods = cart.shipping_methods.clone();
            methods.extend(choices.iter().copied());
            let patch = CartPatch { shipping_methods: Some(methods), ..CartPatch::default() };
            if repo::update_fields(&self.db, id, &patch, Some(cart.version), self.clock.now()).await? {
                return self.load_active(rcx, id).await;
            }
        }
        Err(CartError::CartChanged)
    }

    /// What changed since the buyer saw the cart: prices, availability, stock.
    pub async fn problems(&self, cart: &Cart) -> Result<Vec<CartProblem>, DbErr> {
        let ids: Vec<VariantId> = cart.lines.iter().map(|l| l.variant_id).collect();
        let sellable = self.catalog.sellable(&self.db, &ids).await?;
        Ok(problems_of(cart, &sellable))
    }

    /// Marks the cart completed by `order_id` inside the checkout's transaction; `false` when
    /// it was not ACTIVE any more or was written after checkout read it at `version`.
    pub async fn complete_in(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        id: CartId,
        version: i64,
        order_id: OrderId,
    ) -> Result<bool, DbErr> {
        repo::finish(conn, id, Some(version), CartStatus::Completed, Some(order_id), self.clock.now()).await
    }

    /// The cart as stored (no access check), for checkout inside its transaction.
    pub async fn find_in(&self, conn: &impl sea_orm::ConnectionTrait, id: CartId) -> Result<Option<Cart>, DbErr> {
        repo::find(conn, id).await
    }

    /// Checks the caller may use this cart.
    ///
    /// # Errors
    /// `Forbidden`.
    pub fn authorize(&self, rcx: &RequestContext, cart: &Cart) -> Result<(), CartError> {
        Self::ensure_access(rcx, cart)
    }
}
