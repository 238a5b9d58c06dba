//! Shipping zones, their areas and methods in the database: the only shipping file that knows
//! SeaORM. Batch functions here back the GraphQL dataloader.

use std::collections::HashMap;

use entity::{shipping_method, shipping_zone, shipping_zone_area};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, Set, sea_query::Query,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    pricing::{ShippingRate, WeightTier},
    shared::{
        geo::{CountryCode, RegionCode},
        ids::{ShippingMethodId, ShippingZoneId, TypedId, VendorId},
        money::{Currency, Money},
    },
    shipping::model::{Area, ShippingMethod, ShippingZone},
};

/// One weight tier as stored in `shipping_methods.tiers`.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredTier {
    up_to_grams: Option<u32>,
    price_minor: i64,
}

fn corrupt(what: &str) -> DbErr {
    DbErr::Type(format!("stored shipping {what} is invalid"))
}

fn minor(m: Money) -> Result<i64, DbErr> {
    m.to_minor().map_err(|_| DbErr::Custom("amount out of range".into()))
}

fn to_area(m: shipping_zone_area::Model) -> Result<Area, DbErr> {
    let country = CountryCode::parse(&m.country).map_err(|_| corrupt("country"))?;
    let region = m.region.map(|r| RegionCode::parse(&r, country)).transpose().map_err(|_| corrupt("region"))?;
    Ok(Area { country, region })
}

fn to_method(m: shipping_method::Model) -> Result<ShippingMethod, DbErr> {
    let currency = Currency::parse(&m.currency).map_err(|_| corrupt("currency"))?;
    let rate = match (m.rate_kind.as_str(), m.flat_minor, m.tiers) {
        ("FLAT", Some(flat), _) => ShippingRate::Flat(Money::from_minor(flat, currency)),
        ("WEIGHT_TIERS", _, Some(tiers)) => {
            let tiers: Vec<StoredTier> = serde_json::from_value(tiers).map_err(|_| corrupt("tiers"))?;
            ShippingRate::WeightTiers(
                tiers
                    .into_iter()
                    .map(|t| WeightTier {
                        up_to_grams: t.up_to_grams,
                        price: Money::from_minor(t.price_minor, currency),
                    })
                    .collect(),
            )
        }
        _ => return Err(corrupt("rate")),
    };
    Ok(ShippingMethod {
        id: ShippingMethodId(m.id),
        zone_id: ShippingZoneId(m.zone_id),
        vendor_id: m.vendor_id.map(VendorId),
        name: m.name,
        rate,
        free_over: m.free_over_minor.map(|x| Money::from_minor(x, currency)),
        tax_class: m.tax_class,
        active: m.active,
        created_at: m.created_at,
    })
}

fn method_model(m: &ShippingMethod, currency: Currency) -> Result<shipping_method::ActiveModel, DbErr> {
    let (kind, flat, tiers) = match &m.rate {
        ShippingRate::Flat(p) => ("FLAT", Some(minor(*p)?), None),
        ShippingRate::WeightTiers(t) => {
            let stored = t
                .iter()
                .map(|t| Ok(StoredTier { up_to_grams: t.up_to_grams, price_minor: minor(t.price)? }))
                .collect::<Result<Vec<_>, DbErr>>()?;
            ("WEIGHT_TIERS", None, Some(serde_json::to_value(stored).map_err(|e| DbErr::Json(e.to_string()))?))
        }
    };
    Ok(shipping_method::ActiveModel {
        id: Set(m.id.uuid()),
        zone_id: Set(m.zone_id.uuid()),
        vendor_id: Set(m.vendor_id.map(|v| v.uuid())),
        name: Set(m.name.clone()),
        rate_kind: Set(kind.to_owned()),
        flat_minor: Set(flat),
        tiers: Set(tiers),
        currency: Set(currency.code().to_owned()),
        free_over_minor: Set(m.free_over.map(minor).transpose()?),
        tax_class: Set(m.tax_class.clone()),
        active: Set(m.active),
        created_at: Set(m.created_at),
    })
}

// ---- zones ----

/// Areas of each zone, in insertion order.
async fn areas_by_zone(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<Area>>, DbErr> {
    let rows = shipping_zone_area::Entity::find()
        .filter(shipping_zone_area::Column::ZoneId.is_in(ids.iter().copied()))
        .order_by_asc(shipping_zone_area::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, Vec<Area>> = HashMap::new();
    for row in rows {
        out.entry(row.zone_id).or_default().push(to_area(row)?);
    }
    Ok(out)
}

async fn with_areas(db: &impl ConnectionTrait, rows: Vec<shipping_zone::Model>) -> Result<Vec<ShippingZone>, DbErr> {
    let ids: Vec<Uuid> = rows.iter().map(|z| z.id).collect();
    let mut areas = areas_by_zone(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|z| ShippingZone {
            id: ShippingZoneId(z.id),
            areas: areas.remove(&z.id).unwrap_or_default(),
            name: z.name,
            created_at: z.created_at,
        })
        .collect())
}

/// Every zone with its areas, by name (two queries).
pub async fn zones(db: &impl ConnectionTrait) -> Result<Vec<ShippingZone>, DbErr> {
    let rows = shipping_zone::Entity::find()
        .order_by_asc(shipping_zone::Column::Name)
        .order_by_asc(shipping_zone::Column::Id)
        .all(db)
        .await?;
    with_areas(db, rows).await
}

pub async fn zone_by_id(db: &impl ConnectionTrait, id: ShippingZoneId) -> Result<Option<ShippingZone>, DbErr> {
    let rows = shipping_zone::Entity::find_by_id(id.uuid()).all(db).await?;
    Ok(with_areas(db, rows).await?.pop())
}

pub async fn insert_zone(db: &impl ConnectionTrait, z: &ShippingZone) -> Result<(), DbErr> {
    shipping_zone::ActiveModel { id: Set(z.id.uuid()), name: Set(z.name.clone()), created_at: Set(z.created_at) }
        .insert(db)
        .await?;
    set_areas(db, z.id, &z.areas).await
}

/// Writes the name and replaces the areas.
pub async fn update_zone(db: &impl ConnectionTrait, z: &ShippingZone) -> Result<(), DbErr> {
    shipping_zone::ActiveModel { id: Set(z.id.uuid()), name: Set(z.name.clone()), created_at: NotSet }
        .update(db)
        .await?;
    set_areas(db, z.id, &z.areas).await
}

async fn set_areas(db: &impl ConnectionTrait, zone: ShippingZoneId, areas: &[Area]) -> Result<(), DbErr> {
    shipping_zone_area::Entity::delete_many()
        .filter(shipping_zone_area::Column::ZoneId.eq(zone.uuid()))
        .exec(db)
        .await?;
    if areas.is_empty() {
        return Ok(());
    }
    // UUIDv7 ids keep the areas in the order given.
    let rows = areas.iter().map(|a| shipping_zone_area::ActiveModel {
        id: Set(Uuid::now_v7()),
        zone_id: Set(zone.uuid()),
        country: Set(a.country.as_str().to_owned()),
        region: Set(a.region.as_ref().map(|r| r.as_str().to_owned())),
    });
    shipping_zone_area::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// Deletes a zone with its areas and methods; returns whether it existed.
pub async fn delete_zone(db: &impl ConnectionTrait, id: ShippingZoneId) -> Result<bool, DbErr> {
    // The foreign keys cascade too; deleting explicitly does not depend on SQLite's
    // `foreign_keys` pragma being on.
    shipping_method::Entity::delete_many().filter(shipping_method::Column::ZoneId.eq(id.uuid())).exec(db).await?;
    shipping_zone_area::Entity::delete_many().filter(shipping_zone_area::Column::ZoneId.eq(id.uuid())).exec(db).await?;
    Ok(shipping_zone::Entity::delete_by_id(id.uuid()).exec(db).await?.rows_affected == 1)
}

// ---- methods ----

pub async fn method_by_id(db: &impl ConnectionTrait, id: ShippingMethodId) -> Result<Option<ShippingMethod>, DbErr> {
    shipping_method::Entity::find_by_id(id.uuid()).one(db).await?.map(to_method).transpose()
}

/// Methods of each zone, by name (batch for the `ShippingMethodsByZoneIdLoader`).
pub async fn methods_by_zone_ids(
    db: &impl ConnectionTrait,
    ids: &[ShippingZoneId],
) -> Result<HashMap<ShippingZoneId, Vec<ShippingMethod>>, DbErr> {
    let rows = shipping_method::Entity::find()
        .filter(shipping_method::Column::ZoneId.is_in(ids.iter().map(TypedId::uuid)))
        .order_by_asc(shipping_method::Column::Name)
        .order_by_asc(shipping_method::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<ShippingZoneId, Vec<ShippingMethod>> = HashMap::new();
    for row in rows {
        let m = to_method(row)?;
        out.entry(m.zone_id).or_default().push(m);
    }
    Ok(out)
}

/// The methods only `vendor`'s goods ship with, by name.
pub async fn methods_of_vendor(db: &impl ConnectionTrait, vendor: VendorId) -> Result<Vec<ShippingMethod>, DbErr> {
    shipping_method::Entity::find()
        .filter(shipping_method::Column::VendorId.eq(vendor.uuid()))
        .order_by_asc(shipping_method::Column::Name)
        .order_by_asc(shipping_method::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_method)
        .collect()
}

pub async fn insert_method(db: &impl ConnectionTrait, m: &ShippingMethod, currency: Currency) -> Result<(), DbErr> {
    method_model(m, currency)?.insert(db).await?;
    Ok(())
}

/// Writes everything but the zone and the creation time.
pub async fn update_method(db: &impl ConnectionTrait, m: &ShippingMethod, currency: Currency) -> Result<(), DbErr> {
    let mut row = method_model(m, currency)?;
    row.zone_id = NotSet;
    row.created_at = NotSet;
    row.update(db).await?;
    Ok(())
}

/// Returns whether the method existed.
pub async fn delete_method(db: &impl ConnectionTrait, id: ShippingMethodId) -> Result<bool, DbErr> {
    Ok(shipping_method::Entity::delete_by_id(id.uuid()).exec(db).await?.rows_affected == 1)
}

/// Active methods for `vendor` (or any vendor) in zones with an area covering the address: one
/// statement, `… WHERE zone_id IN (SELECT zone_id FROM shipping_zone_areas WHERE country = ?
/// AND (region IS NULL OR region = ?))`. With `only`, just that method (if it qualifies).
pub async fn available_methods(
    db: &impl ConnectionTrait,
    country: CountryCode,
    region: Option<&RegionCode>,
    vendor: VendorId,
    only: Option<ShippingMethodId>,
) -> Result<Vec<ShippingMethod>, DbErr> {
    let mut covers = Condition::any().add(shipping_zone_area::Column::Region.is_null());
    if let Some(r) = region {
        covers = covers.add(shipping_zone_area::Column::Region.eq(r.as_str()));
    }
    let zones = Query::select()
        .column(shipping_zone_area::Column::ZoneId)
        .from(shipping_zone_area::Entity)
        .cond_where(Condition::all().add(shipping_zone_area::Column::Country.eq(country.as_str())).add(covers))
        .to_owned();
    let mut q = shipping_method::Entity::find()
        .filter(shipping_method::Column::ZoneId.in_subquery(zones))
        .filter(shipping_method::Column::Active.eq(true))
        .filter(
            Condition::any()
                .add(shipping_method::Column::VendorId.is_null())
                .add(shipping_method::Column::VendorId.eq(vendor.uuid())),
        );
    if let Some(id) = only {
        q = q.filter(shipping_method::Column::Id.eq(id.uuid()));
    }
    q.order_by_asc(shipping_method::Column::Name)
        .order_by_asc(shipping_method::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_method)
        .collect()
}
