//! `checkoutComplete` in the API.

use async_graphql::{Context, ID, Object, SimpleObject};

use crate::{
    graphql::{
        ContextExt,
        errors::user_error_type,
        ids,
        payload::{payload, payload_type},
    },
    orders::graphql::Order,
    shared::ids::CartId,
};

user_error_type! {
    /// A reason the cart cannot be checked out.
    CheckoutUserError,
    /// Why `checkoutComplete` was refused. Nothing was written: no order, no reservation, no
    /// discount usage.
    CheckoutErrorCode mirrors crate::checkout::error::Code {
        /// No cart with this id.
        CartNotFound,
        /// The cart was already checked out (with another key) or merged.
        CartCompleted,
        /// The cart was edited (by another request) after it was priced for this checkout;
        /// nothing was ordered: read the cart again and retry with the same key.
        CartChanged,
        /// The cart has no lines.
        CartEmpty,
        /// Set an e-mail with `cartBuyerIdentityUpdate`.
        EmailRequired,
        /// Set a shipping address with `cartShippingAddressUpdate`.
        ShippingAddressRequired,
        /// Choose a shipping method for every vendor group with `cartShippingMethodsUpdate`.
        ShippingMethodRequired,
        /// A price changed; review the cart (`cartLinesUpdate` accepts the new price).
        PriceChanged,
        /// A product is no longer for sale; remove its line.
        VariantUnavailable,
        /// Not enough units available for a line.
        InsufficientStock,
        /// A discount code cannot be used (expired, inactive, or its limits reached).
        DiscountCodeInvalid,
        /// A discount code was used up while checking out.
        DiscountUsageLimitReached,
        /// This idempotency key was used for another cart or by someone else.
        IdempotencyKeyReused,
        /// The value is not valid for this field.
        Invalid,
        // Not produced any more (a malformed `cartId` is a top-level BAD_USER_INPUT, STYLE §2.3);
        // kept because removing a value breaks clients. Its doc stays: it is the schema text.
        /// The ID is malformed or of the wrong type.
        InvalidId,
    }
}

/// Result of `checkoutComplete`.
#[derive(SimpleObject)]
pub struct CheckoutCompletePayload {
    /// The order, awaiting payment; null when `userErrors` is not empty.
    pub order: Option<Order>,
    /// Why the cart could not be checked out; empty on success.
    pub user_errors: Vec<CheckoutUserError>,
}

payload_type!(CheckoutCompletePayload { order: crate::orders::model::Order }, CheckoutUserError);

#[derive(Default)]
pub struct CheckoutMutation;

#[Object]
impl CheckoutMutation {
    /// Turns the cart into an order awaiting payment, in one transaction: stock is reserved,
    /// discount usage redeemed, one vendor order made per vendor, and the cart completed.
    /// Calling again with the same `idempotencyKey` returns the same order, however often and
    /// however concurrently; the order holds its stock until `reservedUntil`.
    async fn checkout_complete(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        #[graphql(desc = "A unique key per checkout attempt (e.g. a UUID), reused on retries.")]
        idempotency_key: String,
    ) -> async_graphql::Result<CheckoutCompletePayload> {
        let cart = ids::arg::<CartId>(&cart_id)?;
        payload(ctx.state().checkout.complete(ctx.rcx(), cart, &idempotency_key).await)
    }
}
