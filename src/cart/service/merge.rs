//! Folding a guest's cart into the customer's at sign-in.

use sea_orm::TransactionTrait;

use super::{CartService, MAX_ATTEMPTS};
use crate::{
    cart::{
        error::CartError,
        model::{Cart, CartLine, CartPatch, CartStatus, merged_quantities},
        repo,
    },
    context::RequestContext,
    shared::ids::{CartId, CartLineId, VariantId},
};

impl CartService {
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
}
