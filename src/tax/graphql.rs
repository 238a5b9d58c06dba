//! Tax in the API: staff manage tax rates; anyone can read the shop's tax setting.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::{
    graphql::{
        ContextExt,
        errors::{top_level, user_error_type},
        guards::RoleGuard,
        ids,
        money::CurrencyCode,
        payload::{payload, payload_type},
    },
    shared::ids::TaxRateId,
    shared::role::Role,
    tax::{model, service::TaxRateFields},
};

user_error_type! {
    /// A problem with the input of a tax rate mutation.
    TaxUserError,
    /// Why a tax rate mutation was refused.
    TaxErrorCode mirrors crate::tax::error::Code {
        /// The field must be given.
        Required,
        /// The value is not valid for this field; see the message.
        Invalid,
        /// The destination already has a rate for this tax class.
        Taken,
        /// Nothing with this ID exists.
        NotFound,
    }
}

/// The shop's settings that storefronts need to show prices right.
#[derive(SimpleObject)]
pub struct Shop {
    /// The currency prices are entered and sold in.
    pub currency_code: CurrencyCode,
    /// Whether catalog and shipping prices include tax (as usual in the EU) or have tax added
    /// at checkout (as usual in the US).
    pub prices_include_tax: bool,
}

/// The tax rate for one tax class at a destination: a country, or one region of it (which
/// then overrides the country's rate for that class).
#[derive(SimpleObject, Clone)]
pub struct TaxRate {
    /// Global ID of the rate.
    pub id: ID,
    /// ISO 3166-1 alpha-2 country code, e.g. `US`.
    pub country: String,
    /// ISO 3166-2 subdivision code without the country prefix, e.g. `NY`; null for the whole
    /// country.
    pub region: Option<String>,
    /// The tax class the rate applies to, e.g. `standard`.
    pub tax_class: String,
    /// Name shown on receipts, e.g. "VAT 20%".
    pub name: String,
    /// The rate in percent, e.g. `"20"` or `"8.875"`.
    pub rate: Decimal,
    /// When the rate was created.
    pub created_at: DateTime<Utc>,
}

impl From<model::TaxRate> for TaxRate {
    fn from(r: model::TaxRate) -> Self {
        Self {
            id: ids::encode(r.id),
            country: r.country.to_string(),
            region: r.region.as_ref().map(ToString::to_string),
            rate: r.percent(),
            tax_class: r.tax_class,
            name: r.name,
            created_at: r.created_at,
        }
    }
}

/// A new tax rate.
#[derive(InputObject)]
pub struct TaxRateCreateInput {
    /// ISO 3166-1 alpha-2 country code, e.g. `DE` (case-insensitive).
    pub country: String,
    /// ISO 3166-2 subdivision code, e.g. `NY` or `US-NY` (case-insensitive); omit for the whole
    /// country.
    pub region: Option<String>,
    /// The tax class: 1 to 32 letters, digits, `-` or `_`, stored lower-case (`standard`,
    /// `reduced`, `zero`, …). Products and shipping methods name their class.
    pub tax_class: String,
    /// Name shown on receipts (1 to 100 characters), e.g. "VAT 20%".
    pub name: String,
    /// The rate in percent, 0 to 100 with at most three decimals, e.g. `"20"` or `"8.875"`.
    pub rate: Decimal,
}

/// Changes to a tax rate: omitted fields stay as they are.
#[derive(InputObject, Default)]
pub struct TaxRateUpdateInput {
    /// New country.
    pub country: Option<String>,
    /// New region; `null` makes the rate apply to the whole country.
    pub region: MaybeUndefined<String>,
    /// New tax class.
    pub tax_class: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New rate in percent.
    pub rate: Option<Decimal>,
}

/// Result of `taxRateCreate` and `taxRateUpdate`.
#[derive(SimpleObject)]
pub struct TaxRatePayload {
    /// The rate after the change; null when `userErrors` is not empty.
    pub tax_rate: Option<TaxRate>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<TaxUserError>,
}

/// Result of `taxRateDelete`.
#[derive(SimpleObject)]
pub struct TaxRateDeletePayload {
    /// Global ID of the deleted rate; null when `userErrors` is not empty.
    pub deleted_id: Option<ID>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<TaxUserError>,
}

payload_type!(TaxRatePayload { tax_rate: model::TaxRate }, TaxUserError);
payload_type!(TaxRateDeletePayload { deleted_id: ID }, TaxUserError);

impl From<TaxRateCreateInput> for TaxRateFields {
    fn from(i: TaxRateCreateInput) -> Self {
        TaxRateFields {
            country: Some(i.country),
            region: Some(i.region),
            tax_class: Some(i.tax_class),
            name: Some(i.name),
            rate: Some(i.rate),
        }
    }
}

impl From<TaxRateUpdateInput> for TaxRateFields {
    fn from(i: TaxRateUpdateInput) -> Self {
        TaxRateFields {
            country: i.country,
            region: i.region.into(),
            tax_class: i.tax_class,
            name: i.name,
            rate: i.rate,
        }
    }
}

#[derive(Default)]
pub struct TaxQuery;

#[Object]
impl TaxQuery {
    /// The shop's currency and whether its prices include tax.
    async fn shop(&self, ctx: &Context<'_>) -> Shop {
        let tax = &ctx.state().tax;
        Shop { currency_code: CurrencyCode(tax.currency()), prices_include_tax: tax.prices_include_tax() }
    }

    /// Every tax rate, by country, region (country-level first) and class (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn tax_rates(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TaxRate>> {
        let rates = ctx.state().tax.list(ctx.rcx()).await.map_err(top_level)?;
        Ok(rates.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct TaxMutation;

#[Object]
impl TaxMutation {
    /// Creates a tax rate (staff only). A destination has one rate per tax class.
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn tax_rate_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new rate.")] input: TaxRateCreateInput,
    ) -> async_graphql::Result<TaxRatePayload> {
        payload(ctx.state().tax.create(ctx.rcx(), input.into()).await)
    }

    /// Changes a tax rate (staff only). Orders already placed keep the tax they were charged.
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn tax_rate_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the rate.")] id: ID,
        #[graphql(desc = "The changes.")] input: TaxRateUpdateInput,
    ) -> async_graphql::Result<TaxRatePayload> {
        let id = ids::arg::<TaxRateId>(&id)?;
        payload(ctx.state().tax.update(ctx.rcx(), id, input.into()).await)
    }

    /// Deletes a tax rate (staff only); its class is then taxed at the country-level rate, or
    /// at zero when there is none.
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn tax_rate_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the rate.")] id: ID,
    ) -> async_graphql::Result<TaxRateDeletePayload> {
        let id = ids::arg::<TaxRateId>(&id)?;
        payload(ctx.state().tax.delete(ctx.rcx(), id).await.map(ids::encode))
    }
}
