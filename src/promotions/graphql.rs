//! Promotions in the API: staff manage discount codes and automatic promotions. Buyers never
//! query discounts directly; checkout applies them.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::{
    graphql::{
        ContextExt,
        errors::{OrInternal, top_level, user_error_type},
        guards::RoleGuard,
        ids,
        money::Money,
        payload::{payload, payload_type},
    },
    pricing::{DiscountTarget as Target, DiscountValue},
    promotions::{
        PromotionError,
        error::path,
        model::{self, TargetIds, TargetKind},
        service::DiscountFields,
    },
    shared::ids::{CategoryId, DiscountId, ProductId, TypedId, VendorId},
    shared::role::Role,
    vendors::graphql::Vendor,
};

user_error_type! {
    /// A problem with the input of a discount mutation.
    PromotionUserError,
    /// Why a discount mutation was refused.
    PromotionErrorCode mirrors crate::promotions::error::Code {
        /// The field must be given.
        Required,
        /// The value is not valid for this field; see the message.
        Invalid,
        /// Another discount already has this code.
        Taken,
        /// Nothing with this ID exists.
        NotFound,
        /// The ID is malformed or of the wrong type.
        InvalidId,
        /// The discount has been used as often as its usage limit allows.
        UsageLimitReached,
        /// This customer has used the discount as often as its per-customer limit allows.
        CustomerLimitReached,
    }
}

/// Which lines of an order a discount applies to.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "DiscountTarget")]
pub enum DiscountTargetKind {
    /// Every line: the order subtotal.
    Subtotal,
    /// Lines of the products in `targetIds`.
    Products,
    /// Lines of products listed in the categories in `targetIds` (the categories themselves,
    /// not their sub-categories).
    Categories,
}

impl From<DiscountTargetKind> for TargetKind {
    fn from(k: DiscountTargetKind) -> Self {
        match k {
            DiscountTargetKind::Subtotal => TargetKind::Subtotal,
            DiscountTargetKind::Products => TargetKind::Products,
            DiscountTargetKind::Categories => TargetKind::Categories,
        }
    }
}

#[derive(Clone)]
pub struct Discount(Arc<model::Discount>);

impl From<model::Discount> for Discount {
    fn from(d: model::Discount) -> Self {
        Self(Arc::new(d))
    }
}

/// A discount code a buyer enters at checkout, or an automatic promotion applied to every
/// eligible order. Exactly one of `percentage` and `amount` is set.
#[Object]
impl Discount {
    /// Global ID of the discount.
    async fn id(&self) -> ID {
        ids::encode(self.0.id)
    }
    /// The code buyers enter, upper-case; null for an automatic promotion.
    async fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }
    /// Whether the discount applies by itself to every eligible order, without a code.
    async fn automatic(&self) -> bool {
        self.0.automatic
    }
    /// The percentage taken off the eligible lines, e.g. `"12.5"` for 12.5 %; null for a fixed
    /// amount.
    async fn percentage(&self) -> Option<Decimal> {
        match &self.0.value {
            DiscountValue::Percentage(p) => Some(*p),
            DiscountValue::Fixed(_) => None,
        }
    }
    /// The fixed amount taken off, spread over the eligible lines; null for a percentage.
    async fn amount(&self) -> Option<Money> {
        match &self.0.value {
            DiscountValue::Fixed(m) => Some((*m).into()),
            DiscountValue::Percentage(_) => None,
        }
    }
    /// Which lines the discount applies to.
    async fn target(&self) -> DiscountTargetKind {
        match &self.0.target {
            Target::Subtotal => DiscountTargetKind::Subtotal,
            Target::Products(_) => DiscountTargetKind::Products,
            Target::Categories(_) => DiscountTargetKind::Categories,
        }
    }
    /// Global IDs of the targeted products or categories; empty for `SUBTOTAL`.
    async fn target_ids(&self) -> Vec<ID> {
        match &self.0.target {
            Target::Subtotal => vec![],
            Target::Products(p) => p.iter().map(|i| ids::encode(*i)).collect(),
            Target::Categories(c) => c.iter().map(|i| ids::encode(*i)).collect(),
        }
    }
    /// Only this vendor's lines are eligible; null for every vendor.
    async fn vendor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vendor>> {
        let Some(id) = self.0.vendor_id else { return Ok(None) };
        Ok(ctx.loader::<crate::vendors::graphql::VendorByIdLoader>().load_one(id).await.or_internal()?.map(Into::into))
    }
    /// The eligible lines must add up to at least this amount.
    async fn min_subtotal(&self) -> Option<Money> {
        self.0.min_subtotal.map(Into::into)
    }
    /// Usable from this instant on; null for "already".
    async fn starts_at(&self) -> Option<DateTime<Utc>> {
        self.0.starts_at
    }
    /// Usable until just before this instant; null for "no end".
    async fn ends_at(&self) -> Option<DateTime<Utc>> {
        self.0.ends_at
    }
    /// How many orders may use the discount in all; null for no limit.
    async fn usage_limit(&self) -> Option<i32> {
        self.0.usage_limit
    }
    /// How many orders use it now (uses of cancelled orders are given back).
    async fn used_count(&self) -> i32 {
        self.0.used_count
    }
    /// How many orders one customer may use it for; null for no limit.
    async fn per_customer_limit(&self) -> Option<i32> {
        self.0.per_customer_limit
    }
    /// Whether it may apply together with other discounts. When one of several applicable
    /// discounts does not combine, only the single best one applies.
    async fn combines_with_others(&self) -> bool {
        self.0.combines_with_others
    }
    /// Whether it can be used at all; deactivated discounts stay for history.
    async fn active(&self) -> bool {
        self.0.active
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When staff last changed it.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A new discount code or automatic promotion. Amounts are in the shop currency.
#[derive(InputObject)]
pub struct DiscountCreateInput {
    /// The code buyers enter: 3 to 32 letters, digits, `-` or `_`; stored upper-case and
    /// matched case-insensitively. Required unless `automatic`.
    pub code: Option<String>,
    /// Applies by itself to every eligible order; such a discount has no code.
    #[graphql(default)]
    pub automatic: bool,
    /// Percentage off, above 0 and at most 100, at most two decimals (`"12.5"`). Give this or
    /// `amount`.
    pub percentage: Option<Decimal>,
    /// Fixed amount off, at least 0, no more precise than the currency. Give this or
    /// `percentage`.
    pub amount: Option<Decimal>,
    /// Which lines the discount applies to (default `SUBTOTAL`).
    #[graphql(default_with = "DiscountTargetKind::Subtotal")]
    pub target: DiscountTargetKind,
    /// Global IDs of the targeted products (`PRODUCTS`) or categories (`CATEGORIES`).
    pub target_ids: Option<Vec<ID>>,
    /// Only this vendor's lines are eligible.
    pub vendor_id: Option<ID>,
    /// The eligible lines must add up to at least this amount.
    pub min_subtotal: Option<Decimal>,
    /// Usable from this instant on.
    pub starts_at: Option<DateTime<Utc>>,
    /// Usable until just before this instant; must be after `startsAt`.
    pub ends_at: Option<DateTime<Utc>>,
    /// How many orders may use it in all (at least 1).
    pub usage_limit: Option<i32>,
    /// How many orders one customer may use it for (at least 1).
    pub per_customer_limit: Option<i32>,
    /// Whether it may apply together with other discounts (default false).
    #[graphql(default)]
    pub combines_with_others: bool,
    /// Whether it can be used right away (default true).
    #[graphql(default = true)]
    pub active: bool,
}

/// Changes to a discount: omitted fields stay as they are, `null` clears a nullable one.
/// Giving `percentage` or `amount` replaces the value.
#[derive(InputObject, Default)]
pub struct DiscountUpdateInput {
    /// New code; `null` removes it (only for a discount made automatic).
    pub code: MaybeUndefined<String>,
    /// Make the discount automatic (then also set `code: null`) or code-based.
    pub automatic: Option<bool>,
    /// New percentage off.
    pub percentage: Option<Decimal>,
    /// New fixed amount off.
    pub amount: Option<Decimal>,
    /// New target; give `targetIds` with it unless it is `SUBTOTAL`.
    pub target: Option<DiscountTargetKind>,
    /// New targeted product or category IDs (replace the old ones).
    pub target_ids: Option<Vec<ID>>,
    /// New vendor restriction; `null` for every vendor.
    pub vendor_id: MaybeUndefined<ID>,
    /// New minimum; `null` removes it.
    pub min_subtotal: MaybeUndefined<Decimal>,
    /// New start; `null` for "already".
    pub starts_at: MaybeUndefined<DateTime<Utc>>,
    /// New end; `null` for "no end".
    pub ends_at: MaybeUndefined<DateTime<Utc>>,
    /// New usage limit; `null` for none.
    pub usage_limit: MaybeUndefined<i32>,
    /// New per-customer limit; `null` for none.
    pub per_customer_limit: MaybeUndefined<i32>,
    /// Whether it may apply together with other discounts.
    pub combines_with_others: Option<bool>,
    /// Whether it can be used.
    pub active: Option<bool>,
}

/// Result of the discount mutations.
#[derive(SimpleObject)]
pub struct DiscountPayload {
    /// The discount after the change; null when `userErrors` is not empty.
    pub discount: Option<Discount>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<PromotionUserError>,
}

payload_type!(DiscountPayload { discount: model::Discount }, PromotionUserError);

/// `targetIds` decoded as ids of the target `kind` in force; `INVALID_ID` at the first that is
/// malformed or of another type. A discount on the subtotal takes none: they are only counted
/// (the service refuses any).
fn target_ids(kind: TargetKind, list: &[ID]) -> Result<TargetIds, PromotionError> {
    fn decode<I: TypedId>(list: &[ID]) -> Result<Vec<I>, PromotionError> {
        Ok(ids::decode_list(list, |i| path(["targetIds", i]))?)
    }
    Ok(match kind {
        TargetKind::Subtotal => TargetIds::ForSubtotal(list.len()),
        TargetKind::Products => TargetIds::Products(decode::<ProductId>(list)?),
        TargetKind::Categories => TargetIds::Categories(decode::<CategoryId>(list)?),
    })
}

fn vendor_id(id: Option<&ID>) -> Result<Option<VendorId>, PromotionError> {
    Ok(id.map(|id| ids::decode_at::<VendorId>(id, path(["vendorId"]))).transpose()?)
}

impl TryFrom<DiscountCreateInput> for DiscountFields {
    type Error = PromotionError;
    fn try_from(i: DiscountCreateInput) -> Result<Self, Self::Error> {
        Ok(DiscountFields {
            code: Some(i.code),
            automatic: Some(i.automatic),
            percentage: i.percentage,
            amount: i.amount,
            target: Some(i.target.into()),
            target_ids: i.target_ids.map(|l| target_ids(i.target.into(), &l)).transpose()?,
            vendor_id: Some(vendor_id(i.vendor_id.as_ref())?),
            min_subtotal: Some(i.min_subtotal),
            starts_at: Some(i.starts_at),
            ends_at: Some(i.ends_at),
            usage_limit: Some(i.usage_limit),
            per_customer_limit: Some(i.per_customer_limit),
            combines_with_others: Some(i.combines_with_others),
            active: Some(i.active),
        })
    }
}

impl DiscountFields {
    /// The changes of `discountUpdate`; `current` is the target kind of the discount, needed
    /// only to decode `targetIds` given without `target`.
    fn from_update(i: DiscountUpdateInput, current: Option<TargetKind>) -> Result<Self, PromotionError> {
        let kind = i.target.map(Into::into).or(current).unwrap_or(TargetKind::Subtotal);
        Ok(DiscountFields {
            code: i.code.into(),
            automatic: i.automatic,
            percentage: i.percentage,
            amount: i.amount,
            target: i.target.map(Into::into),
            target_ids: i.target_ids.map(|l| target_ids(kind, &l)).transpose()?,
            vendor_id: i.vendor_id.as_opt_ref().map(vendor_id).transpose()?,
            min_subtotal: i.min_subtotal.into(),
            starts_at: i.starts_at.into(),
            ends_at: i.ends_at.into(),
            usage_limit: i.usage_limit.into(),
            per_customer_limit: i.per_customer_limit.into(),
            combines_with_others: i.combines_with_others,
            active: i.active,
        })
    }
}

#[derive(Default)]
pub struct PromotionQuery;

#[Object]
impl PromotionQuery {
    /// Every discount code and automatic promotion, newest first (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn discounts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Discount>> {
        let list = ctx.state().promotions.list(ctx.rcx()).await.map_err(top_level)?;
        Ok(list.into_iter().map(Into::into).collect())
    }

    /// A discount by its global ID; null when there is none (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn discount(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the discount.")] id: ID,
    ) -> async_graphql::Result<Option<Discount>> {
        let id = ids::arg::<DiscountId>(&id)?;
        Ok(ctx.state().promotions.by_id(ctx.rcx(), id).await.map_err(top_level)?.map(Into::into))
    }
}

#[derive(Default)]
pub struct PromotionMutation;

#[Object]
impl PromotionMutation {
    /// Creates a discount code or an automatic promotion (staff only). Nothing is written when
    /// the input is refused.
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn discount_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new discount.")] input: DiscountCreateInput,
    ) -> async_graphql::Result<DiscountPayload> {
        payload(async { ctx.state().promotions.create(ctx.rcx(), input.try_into()?).await }.await)
    }

    /// Changes a discount (staff only). Its usage count is not editable.
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn discount_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the discount.")] id: ID,
        #[graphql(desc = "The changes.")] input: DiscountUpdateInput,
    ) -> async_graphql::Result<DiscountPayload> {
        let id = ids::arg::<DiscountId>(&id)?;
        let service = &ctx.state().promotions;
        // `targetIds` without `target` are ids of the discount's current kind: read it to decode them.
        payload(
            async {
                let current = if input.target.is_none() && input.target_ids.is_some() {
                    let discount = service.by_id(ctx.rcx(), id).await?;
                    Some(TargetKind::of(&discount.ok_or(PromotionError::NotFound { field: path(["id"]) })?.target))
                } else {
                    None
                };
                service.update(ctx.rcx(), id, DiscountFields::from_update(input, current)?).await
            }
            .await,
        )
    }

    /// Deactivates a discount: no longer applied nor redeemable; kept for order history
    /// (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn discount_deactivate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the discount.")] id: ID,
    ) -> async_graphql::Result<DiscountPayload> {
        let id = ids::arg::<DiscountId>(&id)?;
        payload(ctx.state().promotions.deactivate(ctx.rcx(), id).await)
    }
}
