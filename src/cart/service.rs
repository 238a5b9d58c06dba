//! Cart use cases. Reads happen before the (short, write-only) transaction, so SQLite never
//! has to upgrade a read transaction under concurrent writers.

use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};

use crate::{
    cart::{
        error::{CartError, FieldPath, QuoteError, path},
        model::{Cart, CartLine, CartPatch, CartProblem, CartStatus, Quote, merged_quantities, problems_of},
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
        ids::{CartId, CartLineId, OrderId, ShippingMethodId, VariantId, VendorId},
        money::Currency,
    },
    shipping::ShippingService,
};

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

/// A planned addition to one line: `line.quantity` more units, the line holding at most `bound`
/// afterwards.
struct Addition {
    line: CartLine,
    /// The line's quantity when the cart was read (0 for a new line).
    seen: u32,
    exists: bool,
    bound: u32,
    available: u32,
    /// The request line this addition answers for in errors.
    index: usize,
}

impl Addition {
    /// Why the line cannot take the addition: stock when stock is the tighter bound.
    fn over_bound(&self, max_per_line: u32) -> CartError {
        let field = path(["lines", &self.index.to_string(), "quantity"]);
        if self.available < max_per_line {
            CartError::InsufficientStock { field, available: self.available }
        } else {
            CartError::InvalidQuantity { field, max: max_per_line }
        }
    }
}

/// Prices a cart as it stands: implemented by checkout, which knows promotions, shipping and
/// tax, so the cart can show its costs without depending on checkout.
#[async_trait::async_trait]
pub trait Quoter: Send + Sync {
    async fn quote(&self, cart: &Cart) -> Result<Quote, QuoteError>;
}

#[derive(Clone)]
pub struct CartService {
    db: DatabaseConnection,
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
    ) -> Self {
        let currency = catalog.currency();
        Self { db, catalog, promotions, shipping, clock, limits, currency }
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
    /// gets that cart back, with the lines added to it.
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
        let email = new.email.as_deref().map(|e| Email::parse(e).ok_or(CartError::InvalidEmail)).transpose()?;
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

    /// Checks requested additions against the cart and the catalog as read; returns, per
    /// variant, how many units to add (a line's `quantity`) and the most its line may then hold.
    /// The write re-checks that bound in the same statement as the increment.
    async fn plan_additions(&self, cart: &Cart, adds: &[(VariantId, u32)]) -> Result<Vec<Addition>, CartError> {
        let ids: Vec<VariantId> = adds.iter().map(|(v, _)| *v).collect();
        let sellable = self.catalog.sellable(&self.db, &ids).await?;
        let max = self.limits.max_quantity_per_line;
        let mut planned: Vec<Addition> = Vec::new();
        for (i, (variant, qty)) in adds.iter().enumerate() {
            self.check_quantity(*qty, path(["lines", &i.to_string(), "quantity"]))?;
            let s = sellable
                .get(variant)
                .ok_or(CartError::VariantUnavailable { field: path(["lines", &i.to_string(), "variantId"]) })?;
            let available = u32::try_from(s.variant.available()).unwrap_or(0);
            let add = match planned.iter_mut().find(|a| a.line.variant_id == *variant) {
                Some(a) => a,
                None => {
                    let existing = cart.lines.iter().find(|l| l.variant_id == *variant);
                    planned.push(Addition {
                        line: CartLine {
                            id: existing.map_or_else(CartLineId::new, |l| l.id),
                            variant_id: *variant,
                            quantity: 0,
                            unit_price: s.variant.price,
                        },
                        seen: existing.map_or(0, |l| l.quantity),
                        exists: existing.is_some(),
                        bound: max.min(available),
                        available,
                        index: i,
                    });
                    planned.last_mut().expect("just pushed")
                }
            };
            add.line.quantity = add.line.quantity.saturating_add(*qty);
            add.index = i;
            let total = add.seen.saturating_add(add.line.quantity);
            self.check_quantity(total, path(["lines", &i.to_string(), "quantity"]))?;
            if total > available {
                return Err(add.over_bound(max));
            }
        }
        let new_lines = planned.iter().filter(|a| !a.exists).count();
        if cart.lines.len() + new_lines > self.limits.max_lines_per_cart {
            return Err(CartError::TooManyLines { max: self.limits.max_lines_per_cart });
        }
        Ok(planned)
    }

    /// Writes planned additions as increments: the cart's version first (refused when the cart
    /// is no longer ACTIVE), then one upsert per line. Concurrent additions all count.
    async fn write_additions(
        &self,
        txn: &impl sea_orm::ConnectionTrait,
        cart: CartId,
        planned: &[Addition],
    ) -> Result<(), CartError> {
        let now = self.clock.now();
        if !repo::touch(txn, cart, now).await? {
            return Err(CartError::CartCompleted);
        }
        for add in planned {
            if !repo::add_to_line(txn, cart, &add.line, add.bound, now).await? {
                return Err(add.over_bound(self.limits.max_quantity_per_line));
            }
        }
        Ok(())
    }

    /// Adds lines; a variant already in the cart has its quantity increased.
    ///
    /// # Errors
    /// `CartNotFound`, `CartCompleted`, `InvalidQuantity`, `VariantUnavailable`,
    /// `InsufficientStock`, `TooManyLines`.
    #[tracing::instrument(name = "cart.add_lines", skip_all)]
    pub async fn add_lines(
        &self,
        rcx: &RequestContext,
        id: CartId,
        lines: Vec<(VariantId, u32)>,
    ) -> Result<Cart, CartError> {
        let cart = self.load_active(rcx, id).await?;
        let planned = self.plan_additions(&cart, &lines).await?;
        let txn = self.db.begin().await?;
        self.write_additions(&txn, id, &planned).await?;
        txn.commit().await?;
        self.load_active(rcx, id).await
    }

    /// Sets line quantities. Updating a line also accepts its current price (refreshes the
    /// snapshot), which clears a `PRICE_CHANGED` problem.
    ///
    /// # Errors
    /// `CartNotFound`, `CartCompleted`, `LineNotFound`, `InvalidQuantity`,
    /// `VariantUnavailable`, `InsufficientStock`.
    #[tracing::instrument(name = "cart.update_lines", skip_all)]
    pub async fn update_lines(
        &self,
        rcx: &RequestContext,
        id: CartId,
        updates: Vec<(CartLineId, u32)>,
    ) -> Result<Cart, CartError> {
        let cart = self.load_active(rcx, id).await?;
        let ids: Vec<VariantId> = cart.lines.iter().map(|l| l.variant_id).collect();
        let sellable = self.catalog.sellable(&self.db, &ids).await?;
        let mut changed = Vec::new();
        for (i, (line_id, qty)) in updates.iter().enumerate() {
            let mut line = cart
                .lines
                .iter()
                .find(|l| l.id == *line_id)
                .cloned()
                .ok_or(CartError::LineNotFound { field: path(["lines", &i.to_string(), "id"]) })?;
            self.check_quantity(*qty, path(["lines", &i.to_string(), "quantity"]))?;
            let s = sellable
                .get(&line.variant_id)
                .ok_or(CartError::VariantUnavailable { field: path(["lines", &i.to_string(), "id"]) })?;
            let available = u32::try_from(s.variant.available()).unwrap_or(0);
            if *qty > available {
                return Err(CartError::InsufficientStock {
                    field: path(["lines", &i.to_string(), "quantity"]),
                    available,
                });
            }
            line.quantity = *qty;
            line.unit_price = s.variant.price;
            changed.push((i, line));
        }
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        if !repo::touch(&txn, id, now).await? {
            return Err(CartError::CartCompleted);
        }
        for (i, line) in &changed {
            // Removed meanwhile by a concurrent call.
            if !repo::set_line(&txn, id, line, now).await? {
                return Err(CartError::LineNotFound { field: path(["lines", &i.to_string(), "id"]) });
            }
        }
        txn.commit().await?;
        self.load_active(rcx, id).await
    }

    /// Removes lines.
    ///
    /// # Errors
    /// `CartNotFound`, `CartCompleted`, `LineNotFound`.
    #[tracing::instrument(name = "cart.remove_lines", skip_all)]
    pub async fn remove_lines(
        &self,
        rcx: &RequestContext,
        id: CartId,
        line_ids: Vec<CartLineId>,
    ) -> Result<Cart, CartError> {
        let cart = self.load_active(rcx, id).await?;
        if let Some(i) = line_ids.iter().position(|l| !cart.lines.iter().any(|c| c.id == *l)) {
            return Err(CartError::LineNotFound { field: path(["lineIds", &i.to_string()]) });
        }
        let txn = self.db.begin().await?;
        if !repo::touch(&txn, id, self.clock.now()).await? {
            return Err(CartError::CartCompleted);
        }
        repo::delete_lines(&txn, id, &line_ids).await?;
        txn.commit().await?;
        self.load_active(rcx, id).await
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
        let shipping = shipping
            .map(|a| a.normalised().map_err(|p| CartError::Invalid { field: path(["shippingAddress", p.0]) }))
            .transpose()?;
        let billing = billing
            .map(|a| a.normalised().map_err(|p| CartError::Invalid { field: path(["billingAddress", p.0]) }))
            .transpose()?;
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

    /// Merges a guest cart into the signed-in customer's active cart (or adopts it when the
    /// customer has none). Quantities add up, capped at what is available and at the line
    /// maximum; unavailable lines are dropped; the customer's discount codes are kept and the
    /// guest's added; buyer identity and addresses fill in what the customer's cart lacks. The
    /// guest cart becomes MERGED.
    ///
    /// # Errors
    /// `CartNotFound`, `CartCompleted`, `Forbidden` (the guest cart belongs to someone else);
    /// `Unauthenticated` is the caller's job (guarded in GraphQL).
    #[tracing::instrument(name = "cart.merge", skip_all)]
    pub async fn merge(&self, rcx: &RequestContext, guest_id: CartId) -> Result<Cart, CartError> {
        for _ in 0..MAX_ATTEMPTS {
            match self.try_merge(rcx, guest_id).await {
                Err(CartError::CartChanged) => continue,
                done => return done,
            }
        }
        Err(CartError::CartChanged)
    }

    /// One merge attempt; `CartChanged` when either cart was written meanwhile (nothing is
    /// saved then, and the caller tries again on fresh reads).
    async fn try_merge(&self, rcx: &RequestContext, guest_id: CartId) -> Result<Cart, CartError> {
        let customer = rcx.viewer.map(|v| v.user_id).ok_or(CartError::Forbidden)?;
        let guest = self.load_active(rcx, guest_id).await?;
        if guest.customer_id == Some(customer) {
            return Ok(guest);
        }
        let Some(target) = repo::active_cart_of(&self.db, customer).await? else {
            let adopt = CartPatch { customer_id: Some(customer), ..CartPatch::default() };
            if !repo::update_fields(&self.db, guest_id, &adopt, None, self.clock.now()).await? {
                return Err(CartError::CartChanged);
            }
            return self.load_active(rcx, guest_id).await;
        };
        let mine = self.load_active(rcx, target).await?;
        let ids: Vec<VariantId> = guest.lines.iter().map(|l| l.variant_id).collect();
        let sellable = self.catalog.sellable(&self.db, &ids).await?;
        let available =
            |v: VariantId| sellable.get(&v).map_or(0, |s| u32::try_from(s.variant.available()).unwrap_or(0));
        let cap = |v: VariantId| available(v).min(self.limits.max_quantity_per_line);
        let merged = merged_quantities(&mine.lines, &guest.lines, available, self.limits.max_quantity_per_line);
        let mut room = self.limits.max_lines_per_cart.saturating_sub(mine.lines.len());
        let mut additions = Vec::new();
        for (variant, quantity) in merged {
            let price = sellable[&variant].variant.price;
            let existing = mine.lines.iter().find(|l| l.variant_id == variant);
            if existing.is_none() {
                if room == 0 {
                    continue;
                }
                room -= 1;
            }
            let seen = existing.map_or(0, |l| l.quantity);
            let id = existing.map_or_else(CartLineId::new, |l| l.id);
            additions.push((
                CartLine { id, variant_id: variant, quantity: quantity - seen, unit_price: price },
                cap(variant),
            ));
        }
        let mut codes = mine.discount_codes.clone();
        for code in &guest.discount_codes {
            if !codes.contains(code) {
                codes.push(code.clone());
            }
        }
        // Fills in what the customer's cart lacks; saved only at the version read.
        let patch = CartPatch {
            customer_id: None,
            email: mine.email.is_none().then_some(guest.email).flatten(),
            country: mine.country.is_none().then_some(guest.country).flatten(),
            region: mine.region.is_none().then_some(guest.region).flatten().map(Some),
            shipping_address: mine.shipping_address.is_none().then_some(guest.shipping_address).flatten(),
            billing_address: mine.billing_address.is_none().then_some(guest.billing_address).flatten(),
            discount_codes: Some(codes),
            shipping_methods: None,
        };
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        if !repo::finish(&txn, guest_id, Some(guest.version), CartStatus::Merged, None, now).await?
            || !repo::update_fields(&txn, target, &patch, Some(mine.version), now).await?
        {
            return Err(CartError::CartChanged);
        }
        for (line, cap) in &additions {
            // Over the cap only when the customer added the same variant meanwhile: the merge
            // then keeps what they added (merging is capped, never refused).
            repo::add_to_line(&txn, target, line, *cap, now).await?;
        }
        txn.commit().await?;
        self.load_active(rcx, target).await
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
