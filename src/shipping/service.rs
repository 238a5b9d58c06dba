//! Shipping use cases: staff management of zones and methods (one transaction each), and the
//! calls checkout makes on its own connection: `methods_for` and `method_for`.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait};

use crate::{
    context::RequestContext,
    pricing::{DEFAULT_TAX_CLASS, ShippingMethodRule, ShippingRate, WeightTier},
    shared::{
        geo::{CountryCode, RegionCode},
        ids::{ShippingMethodId, ShippingZoneId, VendorId},
        money::{Currency, Money, MoneyError},
        text::{required_text, tax_class},
    },
    shipping::{
        error::{FieldPath, ShippingError, path},
        model::{Area, ShippingMethod, ShippingZone, TierProblem, check_tiers},
        repo,
    },
    vendors::VendorService,
};

/// An area as given by a caller: a country code and an optional region code.
#[derive(Debug, Clone)]
pub struct AreaInput {
    pub country: String,
    pub region: Option<String>,
}

/// Editable zone fields; `None` leaves a field as it is. Given areas replace the old ones.
#[derive(Debug, Clone, Default)]
pub struct ZoneFields {
    pub name: Option<String>,
    pub areas: Option<Vec<AreaInput>>,
}

/// Editable method fields; `None` leaves a field as it is (on create: its default),
/// `Some(None)` clears a nullable one. Giving `flat_rate` or `weight_tiers` replaces the rate.
#[derive(Debug, Clone, Default)]
pub struct MethodFields {
    /// Create only.
    pub zone_id: Option<ShippingZoneId>,
    pub vendor_id: Option<Option<VendorId>>,
    pub name: Option<String>,
    pub flat_rate: Option<Decimal>,
    /// `(up_to_grams, price)` per tier; `None` bound = open-ended.
    pub weight_tiers: Option<Vec<(Option<i32>, Decimal)>>,
    pub free_over: Option<Option<Decimal>>,
    pub tax_class: Option<String>,
    pub active: Option<bool>,
}

const MAX_NAME: usize = 200;
const MAX_AREAS: usize = 500;
const MAX_TIERS: usize = 50;

#[derive(Clone)]
pub struct ShippingService {
    db: DatabaseConnection,
    currency: Currency,
    vendors: VendorService,
}

fn invalid(field: FieldPath, message: &'static str) -> ShippingError {
    ShippingError::Invalid { field, message }
}

fn areas(list: &[AreaInput]) -> Result<Vec<Area>, ShippingError> {
    if list.len() > MAX_AREAS {
        return Err(invalid(path(["areas"]), "at most 500 areas per zone"));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, a) in list.iter().enumerate() {
        let at = |f: &str| path(["areas", &i.to_string(), f]);
        let country = CountryCode::parse(&a.country)
            .map_err(|_| invalid(at("country"), "a country is a two-letter ISO 3166-1 code such as US or DE"))?;
        let region = a
            .region
            .as_deref()
            .map(|r| RegionCode::parse(r, country))
            .transpose()
            .map_err(|_| invalid(at("region"), "a region is an ISO 3166-2 subdivision code such as CA or US-CA"))?;
        let area = Area { country, region };
        if !seen.insert(area.clone()) {
            return Err(invalid(path(["areas", &i.to_string()]), "this area is listed twice"));
        }
        out.push(area);
    }
    Ok(out)
}

impl ShippingService {
    pub fn new(db: DatabaseConnection, currency: Currency, vendors: VendorService) -> Self {
        Self { db, currency, vendors }
    }

    fn ensure_staff(rcx: &RequestContext) -> Result<(), ShippingError> {
        if rcx.is_staff() { Ok(()) } else { Err(ShippingError::Forbidden) }
    }

    fn price(&self, amount: Decimal, field: FieldPath) -> Result<Money, ShippingError> {
        Money::parse_price(amount, self.currency).map_err(|e| match e {
            MoneyError::Negative => invalid(field, "prices cannot be negative"),
            MoneyError::TooPrecise => invalid(field, "the price has more decimals than the shop currency allows"),
            _ => invalid(field, "prices are at most 1,000,000,000.00 (100,000,000,000 minor units)"),
        })
    }

    fn tiers(&self, list: &[(Option<i32>, Decimal)]) -> Result<Vec<WeightTier>, ShippingError> {
        if list.len() > MAX_TIERS {
            return Err(invalid(path(["weightTiers"]), "at most 50 tiers"));
        }
        let mut tiers = Vec::with_capacity(list.len());
        for (i, (up_to, price)) in list.iter().enumerate() {
            let at = |f: &str| path(["weightTiers", &i.to_string(), f]);
            let up_to_grams = up_to
                .map(u32::try_from)
                .transpose()
                .map_err(|_| invalid(at("upToGrams"), "weights cannot be negative"))?;
            tiers.push(WeightTier { up_to_grams, price: self.price(*price, at("price"))? });
        }
        check_tiers(&tiers).map_err(|p| match p {
            TierProblem::Empty => {
                ShippingError::Required { field: path(["weightTiers"]), message: "give at least one tier" }
            }
            TierProblem::OpenEndedNotLast(i) => {
                invalid(path(["weightTiers", &i.to_string(), "upToGrams"]), "only the last tier may be open-ended")
            }
            TierProblem::NotAscending(i) => invalid(
                path(["weightTiers", &i.to_string(), "upToGrams"]),
                "tiers must be in strictly ascending order of weight",
            ),
        })?;
        Ok(tiers)
    }

    /// Applies `f` to `current` (or to the defaults on create) and checks the result.
    fn apply(&self, current: Option<&ShippingMethod>, f: &MethodFields) -> Result<ShippingMethod, ShippingError> {
        let name = match (&f.name, current) {
            (Some(n), _) => required_text(n, MAX_NAME)
                .ok_or(ShippingError::Required { field: path(["name"]), message: "a name of 1 to 200 characters" })?,
            (None, Some(c)) => c.name.clone(),
            (None, None) => {
                return Err(ShippingError::Required { field: path(["name"]), message: "a name is required" });
            }
        };
        let rate = match (f.flat_rate, &f.weight_tiers, current) {
            (Some(_), Some(_), _) => {
                return Err(invalid(path(["weightTiers"]), "give a flat rate or weight tiers, not both"));
            }
            (Some(flat), None, _) => ShippingRate::Flat(self.price(flat, path(["flatRate"]))?),
            (None, Some(tiers), _) => ShippingRate::WeightTiers(self.tiers(tiers)?),
            (None, None, Some(c)) => c.rate.clone(),
            (None, None, None) => {
                return Err(ShippingError::Required {
                    field: path(["flatRate"]),
                    message: "give a flat rate or weight tiers",
                });
            }
        };
        let free_over = match f.free_over {
            Some(Some(a)) => Some(self.price(a, path(["freeOver"]))?),
            Some(None) => None,
            None => current.and_then(|c| c.free_over),
        };
        let tax_class = match &f.tax_class {
            Some(t) => tax_class(t).ok_or_else(|| {
                invalid(path(["taxClass"]), "a tax class is 1 to 32 letters, digits, dashes or underscores")
            })?,
            None => current.map_or_else(|| DEFAULT_TAX_CLASS.to_owned(), |c| c.tax_class.clone()),
        };
        Ok(ShippingMethod {
            id: current.map_or_else(ShippingMethodId::new, |c| c.id),
            zone_id: current.map(|c| c.zone_id).or(f.zone_id).unwrap_or_default(),
            vendor_id: f.vendor_id.unwrap_or(current.and_then(|c| c.vendor_id)),
            name,
            rate,
            free_over,
            tax_class,
            active: f.active.unwrap_or(current.is_none_or(|c| c.active)),
            created_at: current.map_or_else(Utc::now, |c| c.created_at),
        })
    }

    async fn check_vendor(&self, f: &MethodFields) -> Result<(), ShippingError> {
        if let Some(Some(v)) = f.vendor_id
            && self.vendors.by_id(v).await?.is_none()
        {
            return Err(ShippingError::NotFound { field: path(["vendorId"]) });
        }
        Ok(())
    }

    // ---------- zones ----------

    /// Every zone with its areas, by name (staff only).
    ///
    /// # Errors
    /// `Forbidden` for non-staff.
    pub async fn zones(&self, rcx: &RequestContext) -> Result<Vec<ShippingZone>, ShippingError> {
        Self::ensure_staff(rcx)?;
        Ok(repo::zones(&self.db).await?)
    }

    /// Creates a zone.
    ///
    /// # Errors
    /// `Required` (name), `Invalid` (areas: country, region, repeats); `Forbidden`.
    #[tracing::instrument(name = "shipping.create_zone", skip(self, rcx, f))]
    pub async fn create_zone(&self, rcx: &RequestContext, f: ZoneFields) -> Result<ShippingZone, ShippingError> {
        Self::ensure_staff(rcx)?;
        let name = f
            .name
            .as_deref()
            .and_then(|n| required_text(n, MAX_NAME))
            .ok_or(ShippingError::Required { field: path(["name"]), message: "a name of 1 to 200 characters" })?;
        let zone = ShippingZone {
            id: ShippingZoneId::new(),
            name,
            areas: areas(f.areas.as_deref().unwrap_or_default())?,
            created_at: Utc::now(),
        };
        let txn = self.db.begin().await?;
        repo::insert_zone(&txn, &zone).await?;
        txn.commit().await?;
        Ok(zone)
    }

    /// Renames a zone and/or replaces its areas.
    ///
    /// # Errors
    /// `NotFound` (id), `Required` (name), `Invalid` (areas); `Forbidden`.
    #[tracing::instrument(name = "shipping.update_zone", skip(self, rcx, f))]
    pub async fn update_zone(
        &self,
        rcx: &RequestContext,
        id: ShippingZoneId,
        f: ZoneFields,
    ) -> Result<ShippingZone, ShippingError> {
        Self::ensure_staff(rcx)?;
        let name = f
            .name
            .as_deref()
            .map(|n| {
                required_text(n, MAX_NAME)
                    .ok_or(ShippingError::Required { field: path(["name"]), message: "a name of 1 to 200 characters" })
            })
            .transpose()?;
        let new_areas = f.areas.as_deref().map(areas).transpose()?;
        let txn = self.db.begin().await?;
        let mut zone =
            repo::zone_by_id(&txn, id).await?.ok_or_else(|| ShippingError::NotFound { field: path(["id"]) })?;
        if let Some(n) = name {
            zone.name = n;
        }
        if let Some(a) = new_areas {
            zone.areas = a;
        }
        repo::update_zone(&txn, &zone).await?;
        txn.commit().await?;
        Ok(zone)
    }

    /// Deletes a zone with its areas and methods.
    ///
    /// # Errors
    /// `NotFound` (id); `Forbidden`.
    #[tracing::instrument(name = "shipping.delete_zone", skip(self, rcx))]
    pub async fn delete_zone(&self, rcx: &RequestContext, id: ShippingZoneId) -> Result<ShippingZoneId, ShippingError> {
        Self::ensure_staff(rcx)?;
        let txn = self.db.begin().await?;
        if !repo::delete_zone(&txn, id).await? {
            return Err(ShippingError::NotFound { field: path(["id"]) });
        }
        txn.commit().await?;
        Ok(id)
    }

    // ---------- methods ----------

    /// Methods of each zone, by name, for the dataloader. Callers are staff-only fields.
    pub async fn methods_by_zone_ids(
        &self,
        ids: &[ShippingZoneId],
    ) -> Result<HashMap<ShippingZoneId, Vec<ShippingMethod>>, DbErr> {
        repo::methods_by_zone_ids(&self.db, ids).await
    }

    /// Adds a shipping method to a zone.
    ///
    /// # Errors
    /// `Required` (name, flatRate, weightTiers), `Invalid` (prices, tiers, taxClass),
    /// `NotFound` (zoneId, vendorId); `Forbidden`. Nothing is written on error.
    #[tracing::instrument(name = "shipping.create_method", skip(self, rcx, f))]
    pub async fn create_method(&self, rcx: &RequestContext, f: MethodFields) -> Result<ShippingMethod, ShippingError> {
        Self::ensure_staff(rcx)?;
        let zone_id = f.zone_id.ok_or(ShippingError::Required { field: path(["zoneId"]), message: "a zone" })?;
        let method = self.apply(None, &f)?;
        self.check_vendor(&f).await?;
        let txn = self.db.begin().await?;
        if repo::zone_by_id(&txn, zone_id).await?.is_none() {
            return Err(ShippingError::NotFound { field: path(["zoneId"]) });
        }
        repo::insert_method(&txn, &method, self.currency).await?;
        txn.commit().await?;
        Ok(method)
    }

    /// Changes a shipping method (not its zone).
    ///
    /// # Errors
    /// `NotFound` (id), and the errors of [`ShippingService::create_method`].
    #[tracing::instrument(name = "shipping.update_method", skip(self, rcx, f))]
    pub async fn update_method(
        &self,
        rcx: &RequestContext,
        id: ShippingMethodId,
        f: MethodFields,
    ) -> Result<ShippingMethod, ShippingError> {
        Self::ensure_staff(rcx)?;
        self.check_vendor(&f).await?;
        let txn = self.db.begin().await?;
        let current =
            repo::method_by_id(&txn, id).await?.ok_or_else(|| ShippingError::NotFound { field: path(["id"]) })?;
        let method = self.apply(Some(&current), &f)?;
        repo::update_method(&txn, &method, self.currency).await?;
        txn.commit().await?;
        Ok(method)
    }

    /// Deletes a shipping method. Orders keep their own copy of what they were charged.
    ///
    /// # Errors
    /// `NotFound` (id); `Forbidden`.
    #[tracing::instrument(name = "shipping.delete_method", skip(self, rcx))]
    pub async fn delete_method(
        &self,
        rcx: &RequestContext,
        id: ShippingMethodId,
    ) -> Result<ShippingMethodId, ShippingError> {
        Self::ensure_staff(rcx)?;
        let txn = self.db.begin().await?;
        if !repo::delete_method(&txn, id).await? {
            return Err(ShippingError::NotFound { field: path(["id"]) });
        }
        txn.commit().await?;
        Ok(id)
    }

    // ---------- checkout ----------

    /// The active shipping methods that can ship `vendor_id`'s goods to an address in `country`
    /// (and `region`): methods of every zone with an area covering the address (an area
    /// without a region covers the whole country) that are for that vendor or for any vendor,
    /// by name. Country and region are matched case-insensitively; `US-CA` and `CA` are the
    /// same region. An address whose region is not a subdivision code is matched by country
    /// only; a malformed country matches nothing.
    ///
    /// Runs on `conn`, so checkout can call it inside its transaction.
    ///
    /// # Errors
    /// Only database errors.
    #[tracing::instrument(name = "shipping.methods_for", skip(self, conn))]
    pub async fn methods_for(
        &self,
        conn: &impl ConnectionTrait,
        country: &str,
        region: Option<&str>,
        vendor_id: VendorId,
    ) -> Result<Vec<ShippingMethodRule>, DbErr> {
        self.available(conn, None, country, region, vendor_id).await
    }

    /// The method `method_id` as pricing sees it, if it is active and can ship `vendor_id`'s
    /// goods to the address (as in [`ShippingService::methods_for`]); `None` otherwise.
    ///
    /// # Errors
    /// Only database errors.
    #[tracing::instrument(name = "shipping.method_for", skip(self, conn))]
    pub async fn method_for(
        &self,
        conn: &impl ConnectionTrait,
        method_id: ShippingMethodId,
        country: &str,
        region: Option<&str>,
        vendor_id: VendorId,
    ) -> Result<Option<ShippingMethodRule>, DbErr> {
        Ok(self.available(conn, Some(method_id), country, region, vendor_id).await?.pop())
    }

    async fn available(
        &self,
        conn: &impl ConnectionTrait,
        only: Option<ShippingMethodId>,
        country: &str,
        region: Option<&str>,
        vendor_id: VendorId,
    ) -> Result<Vec<ShippingMethodRule>, DbErr> {
        let Ok(country) = CountryCode::parse(country) else { return Ok(vec![]) };
        let region = region.and_then(|r| RegionCode::parse(r, country).ok());
        let methods = repo::available_methods(conn, country, region.as_ref(), vendor_id, only).await?;
        Ok(methods.iter().map(ShippingMethod::to_rule).collect())
    }
}
