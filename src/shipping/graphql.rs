//! Shipping in the API: staff manage zones and their methods. Buyers see methods through
//! checkout, which asks the service for the ones serving their address.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{ComplexObject, Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::{
    graphql::{
        ContextExt,
        dataloader::complete,
        errors::{OrInternal, top_level, user_error_type},
        guards::RoleGuard,
        ids,
        money::Money,
        payload::{payload, payload_type},
    },
    pricing::ShippingRate,
    shared::ids::{ShippingMethodId, ShippingZoneId, VendorId},
    shared::role::Role,
    shipping::{
        ShippingError, ShippingService,
        error::path,
        model,
        service::{AreaInput, MethodFields, ZoneFields},
    },
    vendors::graphql::Vendor,
};

user_error_type! {
    /// A problem with the input of a shipping mutation.
    ShippingUserError,
    /// Why a shipping mutation was refused.
    ShippingErrorCode mirrors crate::shipping::error::Code {
        /// The field must be given.
        Required,
        /// The value is not valid for this field; see the message.
        Invalid,
        /// Nothing with this ID exists.
        NotFound,
        /// The ID is malformed or of the wrong type.
        InvalidId,
    }
}

/// Batches the methods of several zones within one request.
pub struct ShippingMethodsByZoneIdLoader(pub ShippingService);

impl async_graphql::dataloader::Loader<ShippingZoneId> for ShippingMethodsByZoneIdLoader {
    type Value = Vec<model::ShippingMethod>;
    type Error = Arc<sea_orm::DbErr>;

    #[tracing::instrument(name = "loader.shipping_methods_by_zone_id", skip_all, fields(count = keys.len()))]
    async fn load(&self, keys: &[ShippingZoneId]) -> Result<HashMap<ShippingZoneId, Self::Value>, Self::Error> {
        Ok(complete(keys, self.0.methods_by_zone_ids(keys).await.map_err(Arc::new)?))
    }
}

/// A country, or one region of it.
#[derive(SimpleObject, Clone)]
pub struct ShippingZoneArea {
    /// ISO 3166-1 alpha-2 country code, e.g. `US`.
    pub country: String,
    /// ISO 3166-2 subdivision code without the country prefix, e.g. `CA` for California; null
    /// for the whole country.
    pub region: Option<String>,
}

/// A set of countries or regions that share shipping methods. An address may be in several
/// zones; it is offered the methods of all of them.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct ShippingZone {
    /// Global ID of the zone.
    pub id: ID,
    /// Name for staff, e.g. "Europe".
    pub name: String,
    /// The countries and regions in the zone.
    pub areas: Vec<ShippingZoneArea>,
    /// When the zone was created.
    pub created_at: DateTime<Utc>,
    #[graphql(skip)]
    zone_id: ShippingZoneId,
    /// Listed for this vendor: only the methods its goods can ship with.
    #[graphql(skip)]
    for_vendor: Option<VendorId>,
}

impl From<model::ShippingZone> for ShippingZone {
    fn from(z: model::ShippingZone) -> Self {
        Self {
            id: ids::encode(z.id),
            name: z.name,
            areas: z
                .areas
                .into_iter()
                .map(|a| ShippingZoneArea { country: a.country.to_string(), region: a.region.map(|r| r.to_string()) })
                .collect(),
            created_at: z.created_at,
            zone_id: z.id,
            for_vendor: None,
        }
    }
}

#[ComplexObject]
impl ShippingZone {
    /// The shipping methods offered in the zone, active or not, by name. Listed for a vendor
    /// (`shippingZones(vendorId:)`): the methods its goods can ship with, the platform's and its
    /// own, never another vendor's.
    async fn methods(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ShippingMethod>> {
        let methods = ctx.loader::<ShippingMethodsByZoneIdLoader>().load_one(self.zone_id).await.or_internal()?;
        Ok(methods
            .unwrap_or_default()
            .into_iter()
            .filter(|m| self.for_vendor.is_none_or(|v| m.serves(v)))
            .map(Into::into)
            .collect())
    }
}

/// How a shipping method is priced.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ShippingRateKind {
    /// One price whatever the weight: see `flatRate`.
    Flat,
    /// A price per weight band: see `weightTiers`.
    WeightTiers,
}

/// One weight band of a weight-tiered rate.
#[derive(SimpleObject, Clone)]
pub struct ShippingWeightTier {
    /// Upper bound in grams, inclusive; null for "and above" (the last tier only).
    pub up_to_grams: Option<i32>,
    /// The price for a shipment up to this weight.
    pub price: Money,
}

#[derive(Clone)]
pub struct ShippingMethod(Arc<model::ShippingMethod>);

impl From<model::ShippingMethod> for ShippingMethod {
    fn from(m: model::ShippingMethod) -> Self {
        Self(Arc::new(m))
    }
}

/// A way to ship goods to the areas of one zone, priced flat or by weight; a vendor's shipment
/// is offered the methods for that vendor and those for every vendor.
#[Object]
impl ShippingMethod {
    /// Global ID of the method.
    async fn id(&self) -> ID {
        ids::encode(self.0.id)
    }
    /// Global ID of the zone the method ships to.
    async fn zone_id(&self) -> ID {
        ids::encode(self.0.zone_id)
    }
    /// Only this vendor's goods ship with it; null for every vendor.
    async fn vendor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vendor>> {
        let Some(id) = self.0.vendor_id else { return Ok(None) };
        Ok(ctx.loader::<crate::vendors::graphql::VendorByIdLoader>().load_one(id).await.or_internal()?.map(Into::into))
    }
    /// Name shown to buyers, e.g. "Standard (3-5 days)".
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// How the method is priced.
    async fn rate_kind(&self) -> ShippingRateKind {
        match self.0.rate {
            ShippingRate::Flat(_) => ShippingRateKind::Flat,
            ShippingRate::WeightTiers(_) => ShippingRateKind::WeightTiers,
        }
    }
    /// The price of a shipment, whatever its weight; null for weight tiers.
    async fn flat_rate(&self) -> Option<Money> {
        match &self.0.rate {
            ShippingRate::Flat(m) => Some((*m).into()),
            ShippingRate::WeightTiers(_) => None,
        }
    }
    /// Prices by weight, in ascending order of weight; null for a flat rate. The first tier
    /// whose bound covers the shipment's weight applies.
    async fn weight_tiers(&self) -> Option<Vec<ShippingWeightTier>> {
        match &self.0.rate {
            ShippingRate::WeightTiers(t) => Some(
                t.iter()
                    .map(|t| ShippingWeightTier {
                        up_to_grams: t.up_to_grams.map(|g| i32::try_from(g).unwrap_or(i32::MAX)),
                        price: t.price.into(),
                    })
                    .collect(),
            ),
            ShippingRate::Flat(_) => None,
        }
    }
    /// Shipping is free when the vendor's goods in the order cost at least this much (before
    /// discounts); null for never.
    async fn free_over(&self) -> Option<Money> {
        self.0.free_over.map(Into::into)
    }
    /// The tax class shipping is taxed at, e.g. `standard`.
    async fn tax_class(&self) -> &str {
        &self.0.tax_class
    }
    /// Whether the method is offered at checkout.
    async fn active(&self) -> bool {
        self.0.active
    }
    /// When the method was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A country, or one region of it.
#[derive(InputObject, Clone)]
pub struct ShippingZoneAreaInput {
    /// ISO 3166-1 alpha-2 country code, e.g. `US` (case-insensitive).
    pub country: String,
    /// ISO 3166-2 subdivision code, e.g. `CA` or `US-CA` (case-insensitive); omit for the
    /// whole country.
    pub region: Option<String>,
}

/// A new shipping zone.
#[derive(InputObject)]
pub struct ShippingZoneCreateInput {
    /// Name for staff (1 to 200 characters).
    pub name: String,
    /// The countries and regions in the zone, each listed once.
    pub areas: Vec<ShippingZoneAreaInput>,
}

/// Changes to a shipping zone; omitted fields stay as they are.
#[derive(InputObject, Default)]
pub struct ShippingZoneUpdateInput {
    /// New name.
    pub name: Option<String>,
    /// New areas (replace the old ones).
    pub areas: Option<Vec<ShippingZoneAreaInput>>,
}

/// One weight band of a weight-tiered rate.
#[derive(InputObject, Clone)]
pub struct ShippingWeightTierInput {
    /// Upper bound in grams, inclusive; omit for "and above" (the last tier only). Bounds
    /// must ascend strictly.
    pub up_to_grams: Option<i32>,
    /// The price up to this weight, in the shop currency.
    pub price: Decimal,
}

/// A new shipping method. Give exactly one of `flatRate` and `weightTiers`; prices are in the
/// shop currency, not negative and no more precise than it.
#[derive(InputObject)]
pub struct ShippingMethodCreateInput {
    /// The zone the method ships to.
    pub zone_id: ID,
    /// Only this vendor's goods ship with it; omit for every vendor.
    pub vendor_id: Option<ID>,
    /// Name shown to buyers (1 to 200 characters).
    pub name: String,
    /// One price whatever the weight.
    pub flat_rate: Option<Decimal>,
    /// Prices by weight band.
    pub weight_tiers: Option<Vec<ShippingWeightTierInput>>,
    /// Free when the vendor's goods cost at least this much.
    pub free_over: Option<Decimal>,
    /// The tax class shipping is taxed at (default `standard`).
    pub tax_class: Option<String>,
    /// Whether it is offered at checkout (default true).
    #[graphql(default = true)]
    pub active: bool,
}

/// Changes to a shipping method: omitted fields stay as they are, `null` clears a nullable one.
/// Giving `flatRate` or `weightTiers` replaces the rate.
#[derive(InputObject, Default)]
pub struct ShippingMethodUpdateInput {
    /// New vendor restriction; `null` for every vendor.
    pub vendor_id: MaybeUndefined<ID>,
    /// New name.
    pub name: Option<String>,
    /// New flat rate.
    pub flat_rate: Option<Decimal>,
    /// New weight tiers.
    pub weight_tiers: Option<Vec<ShippingWeightTierInput>>,
    /// New free-shipping threshold; `null` for never.
    pub free_over: MaybeUndefined<Decimal>,
    /// New tax class.
    pub tax_class: Option<String>,
    /// Whether it is offered at checkout.
    pub active: Option<bool>,
}

/// Result of `shippingZoneCreate` and `shippingZoneUpdate`.
#[derive(SimpleObject)]
pub struct ShippingZonePayload {
    /// The zone after the change; null when `userErrors` is not empty.
    pub shipping_zone: Option<ShippingZone>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<ShippingUserError>,
}

/// Result of `shippingMethodCreate` and `shippingMethodUpdate`.
#[derive(SimpleObject)]
pub struct ShippingMethodPayload {
    /// The method after the change; null when `userErrors` is not empty.
    pub shipping_method: Option<ShippingMethod>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<ShippingUserError>,
}

/// Result of `shippingZoneDelete` and `shippingMethodDelete`.
#[derive(SimpleObject)]
pub struct ShippingDeletePayload {
    /// Global ID of what was deleted; null when `userErrors` is not empty.
    pub deleted_id: Option<ID>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<ShippingUserError>,
}

payload_type!(ShippingZonePayload { shipping_zone: model::ShippingZone }, ShippingUserError);
payload_type!(ShippingMethodPayload { shipping_method: model::ShippingMethod }, ShippingUserError);
payload_type!(ShippingDeletePayload { deleted_id: ID }, ShippingUserError);

fn area_inputs(list: Vec<ShippingZoneAreaInput>) -> Vec<AreaInput> {
    list.into_iter().map(|a| AreaInput { country: a.country, region: a.region }).collect()
}

fn tiers(list: Option<Vec<ShippingWeightTierInput>>) -> Option<Vec<(Option<i32>, Decimal)>> {
    list.map(|l| l.into_iter().map(|t| (t.up_to_grams, t.price)).collect())
}

fn vendor_id(id: Option<&ID>) -> Result<Option<VendorId>, ShippingError> {
    Ok(id.map(|id| ids::decode_at::<VendorId>(id, path(["vendorId"]))).transpose()?)
}

impl From<ShippingZoneCreateInput> for ZoneFields {
    fn from(i: ShippingZoneCreateInput) -> Self {
        ZoneFields { name: Some(i.name), areas: Some(area_inputs(i.areas)) }
    }
}

impl From<ShippingZoneUpdateInput> for ZoneFields {
    fn from(i: ShippingZoneUpdateInput) -> Self {
        ZoneFields { name: i.name, areas: i.areas.map(area_inputs) }
    }
}

impl TryFrom<ShippingMethodCreateInput> for MethodFields {
    type Error = ShippingError;
    fn try_from(i: ShippingMethodCreateInput) -> Result<Self, Self::Error> {
        let zone = ids::decode_at::<ShippingZoneId>(&i.zone_id, path(["zoneId"]))?;
        Ok(MethodFields {
            zone_id: Some(zone),
            vendor_id: Some(vendor_id(i.vendor_id.as_ref())?),
            name: Some(i.name),
            flat_rate: i.flat_rate,
            weight_tiers: tiers(i.weight_tiers),
            free_over: Some(i.free_over),
            tax_class: i.tax_class,
            active: Some(i.active),
        })
    }
}

impl TryFrom<ShippingMethodUpdateInput> for MethodFields {
    type Error = ShippingError;
    fn try_from(i: ShippingMethodUpdateInput) -> Result<Self, Self::Error> {
        Ok(MethodFields {
            zone_id: None,
            vendor_id: i.vendor_id.as_opt_ref().map(vendor_id).transpose()?,
            name: i.name,
            flat_rate: i.flat_rate,
            weight_tiers: tiers(i.weight_tiers),
            free_over: i.free_over.into(),
            tax_class: i.tax_class,
            active: i.active,
        })
    }
}

#[derive(Default)]
pub struct ShippingQuery;

#[Object]
impl ShippingQuery {
    /// The shipping methods only this vendor's goods ship with, by name: for its owners (who
    /// manage them with `shippingMethodCreate/Update/Delete`) and staff.
    async fn vendor_shipping_methods(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the vendor.")] vendor_id: ID,
    ) -> async_graphql::Result<Vec<ShippingMethod>> {
        let vendor = ids::arg::<crate::shared::ids::VendorId>(&vendor_id)?;
        let ms =
            ctx.state().shipping.vendor_methods(ctx.rcx(), vendor).await.map_err(crate::graphql::errors::top_level)?;
        Ok(ms.into_iter().map(Into::into).collect())
    }

    /// Every shipping zone with its areas and methods, by name: for staff; with `vendorId`,
    /// also for that vendor's owners, who pick a zone for their own shipping methods and see
    /// only the methods their goods can ship with.
    async fn shipping_zones(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "List for this vendor (global ID): its owners may ask; methods are the \
                          platform's and the vendor's own.")]
        vendor_id: Option<ID>,
    ) -> async_graphql::Result<Vec<ShippingZone>> {
        let vendor = vendor_id.as_ref().map(ids::arg::<VendorId>).transpose()?;
        let zones = ctx.state().shipping.zones(ctx.rcx(), vendor).await.map_err(top_level)?;
        Ok(zones.into_iter().map(|z| ShippingZone { for_vendor: vendor, ..z.into() }).collect())
    }
}

#[derive(Default)]
pub struct ShippingMutation;

#[Object]
impl ShippingMutation {
    /// Creates a shipping zone (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn shipping_zone_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new zone.")] input: ShippingZoneCreateInput,
    ) -> async_graphql::Result<ShippingZonePayload> {
        payload(ctx.state().shipping.create_zone(ctx.rcx(), input.into()).await)
    }

    /// Renames a shipping zone or replaces its areas (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn shipping_zone_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the zone.")] id: ID,
        #[graphql(desc = "The changes.")] input: ShippingZoneUpdateInput,
    ) -> async_graphql::Result<ShippingZonePayload> {
        let id = ids::arg::<ShippingZoneId>(&id)?;
        payload(ctx.state().shipping.update_zone(ctx.rcx(), id, input.into()).await)
    }

    /// Deletes a shipping zone and its methods (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn shipping_zone_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the zone.")] id: ID,
    ) -> async_graphql::Result<ShippingDeletePayload> {
        let id = ids::arg::<ShippingZoneId>(&id)?;
        payload(ctx.state().shipping.delete_zone(ctx.rcx(), id).await.map(ids::encode))
    }

    /// Adds a shipping method to a zone: staff for any vendor or every vendor; a vendor's
    /// owners for their vendor only (`vendorId` required). Nothing is written when the input
    /// is refused.
    async fn shipping_method_create(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new method.")] input: ShippingMethodCreateInput,
    ) -> async_graphql::Result<ShippingMethodPayload> {
        payload(async { ctx.state().shipping.create_method(ctx.rcx(), input.try_into()?).await }.await)
    }

    /// Changes a shipping method: staff any; a vendor's owners only their vendor's methods
    /// (and cannot move them to another vendor or to every vendor).
    async fn shipping_method_update(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the method.")] id: ID,
        #[graphql(desc = "The changes.")] input: ShippingMethodUpdateInput,
    ) -> async_graphql::Result<ShippingMethodPayload> {
        let id = ids::arg::<ShippingMethodId>(&id)?;
        payload(async { ctx.state().shipping.update_method(ctx.rcx(), id, input.try_into()?).await }.await)
    }

    /// Deletes a shipping method: staff any; a vendor's owners only their vendor's. To stop
    /// offering it for a while, set `active: false` instead.
    async fn shipping_method_delete(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the method.")] id: ID,
    ) -> async_graphql::Result<ShippingDeletePayload> {
        let id = ids::arg::<ShippingMethodId>(&id)?;
        payload(ctx.state().shipping.delete_method(ctx.rcx(), id).await.map(ids::encode))
    }
}
