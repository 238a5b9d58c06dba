//! Cart queries and mutations.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use crate::{
    cart::{
        CartError,
        error::path,
        model::{self},
        service::{BuyerIdentity, NewCart},
    },
    graphql::{
        ContextExt,
        errors::{top_level, user_error_type},
        ids,
        payload::{payload, payload_type},
    },
    shared::ids::{CartId, CartLineId, ShippingMethodId, VariantId, VendorId},
};

use super::types::*;

user_error_type! {
    /// A problem with the input of a cart mutation.
    CartUserError,
    /// Why a cart mutation was refused.
    CartErrorCode mirrors crate::cart::error::Code {
        /// No cart with this id.
        CartNotFound,
        /// The cart was checked out or merged and can no longer change.
        CartCompleted,
        /// The cart kept being changed by other requests while this one saved; read it and try
        /// again.
        CartChanged,
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

payload_type!(CartPayload { cart: model::Cart }, CartUserError);

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
    let variants = ids::decode_list(list.iter().map(|l| &l.variant_id), |i| path(["lines", i, "variantId"]))?;
    Ok(variants.into_iter().zip(list.iter().map(|l| l.quantity)).collect())
}

fn line_updates(list: Vec<CartLineUpdateInput>) -> Result<Vec<(CartLineId, u32)>, CartError> {
    let lines = ids::decode_list(list.iter().map(|l| &l.id), |i| path(["lines", i, "id"]))?;
    Ok(lines.into_iter().zip(list.iter().map(|l| l.quantity)).collect())
}

impl TryFrom<CartCreateInput> for NewCart {
    type Error = CartError;
    fn try_from(i: CartCreateInput) -> Result<Self, Self::Error> {
        Ok(NewCart { lines: lines(i.lines.unwrap_or_default())?, email: i.email, country: i.country_code })
    }
}

impl From<CartBuyerIdentityInput> for BuyerIdentity {
    fn from(b: CartBuyerIdentityInput) -> Self {
        BuyerIdentity { email: b.email, country: b.country_code, region: b.region }
    }
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
        payload(async { ctx.state().carts.create(ctx.rcx(), input.unwrap_or_default().try_into()?).await }.await)
    }

    /// Adds lines; a variant already in the cart has its quantity increased.
    async fn cart_lines_add(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        lines: Vec<CartLineInput>,
    ) -> async_graphql::Result<CartPayload> {
        let id = ids::arg::<CartId>(&cart_id)?;
        payload(async { ctx.state().carts.add_lines(ctx.rcx(), id, self::lines(lines)?).await }.await)
    }

    /// Sets line quantities; also accepts each updated line's current price.
    async fn cart_lines_update(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        lines: Vec<CartLineUpdateInput>,
    ) -> async_graphql::Result<CartPayload> {
        let id = ids::arg::<CartId>(&cart_id)?;
        payload(async { ctx.state().carts.update_lines(ctx.rcx(), id, line_updates(lines)?).await }.await)
    }

    /// Removes lines.
    async fn cart_lines_remove(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        line_ids: Vec<ID>,
    ) -> async_graphql::Result<CartPayload> {
        let id = ids::arg::<CartId>(&cart_id)?;
        payload(
            async {
                let lines = ids::decode_list(&line_ids, |i| path(["lineIds", i]))?;
                ctx.state().carts.remove_lines(ctx.rcx(), id, lines).await
            }
            .await,
        )
    }

    /// Sets the buyer's e-mail, country and region.
    async fn cart_buyer_identity_update(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        buyer_identity: CartBuyerIdentityInput,
    ) -> async_graphql::Result<CartPayload> {
        let id = ids::arg::<CartId>(&cart_id)?;
        payload(ctx.state().carts.update_buyer_identity(ctx.rcx(), id, buyer_identity.into()).await)
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
        payload(ctx.state().carts.update_discount_codes(ctx.rcx(), id, discount_codes).await)
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
                let at = |leaf| path(["shippingMethods", &i.to_string(), leaf]);
                let vendor = ids::decode_at::<VendorId>(&m.vendor_id, at("vendorId"))?;
                let method = ids::decode_at::<ShippingMethodId>(&m.shipping_method_id, at("shippingMethodId"))?;
                Ok((vendor, method))
            })
            .collect();
        payload(async { ctx.state().carts.update_shipping_methods(ctx.rcx(), id, parsed?).await }.await)
    }

    /// Merges a guest cart into the signed-in customer's cart: quantities add up (capped at
    /// available stock and the line maximum), unavailable lines are dropped, discount codes are
    /// kept, and the guest cart becomes MERGED. Without a customer cart, the guest cart is
    /// simply adopted.
    #[graphql(guard = "crate::graphql::guards::RoleGuard(crate::shared::role::Role::Customer)")]
    async fn cart_merge(&self, ctx: &Context<'_>, guest_cart_id: ID) -> async_graphql::Result<CartPayload> {
        let id = ids::arg::<CartId>(&guest_cart_id)?;
        payload(ctx.state().carts.merge(ctx.rcx(), id).await)
    }
}
