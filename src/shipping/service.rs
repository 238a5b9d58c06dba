//! Shipping use cases: staff management of zones and methods (one transaction each), vendor
//! owners' management of their own vendor's methods, and the calls checkout makes on its own
//! connection: `methods_for` and `method_for`.
//!
//! Methods: staff manage every method (platform-wide ones without a vendor, and any vendor's).
//! Anyone else must name a vendor and hold `Manage` on it ([`VendorService::authorize_in`]):
//! they create methods only for that vendor, and update or delete only methods that already
//! belong to it, without moving them to another vendor or making them platform-wide.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait};

pub use crate::shipping::model::{AreaInput, MethodFields, ZoneFields};
use crate::{
    context::RequestContext,
    pricing::ShippingMethodRule,
    shared::{
        geo::{CountryCode, RegionCode},
        ids::{ShippingMethodId, ShippingZoneId, VendorId},
        money::Currency,
    },
    shipping::{
        error::{ShippingError, path},
        model::{self, ShippingMethod, ShippingZone, ZoneChanges},
        repo,
    },
    vendors::{VendorError, VendorService, model::VendorPermission},
};

#[derive(Clone)]
pub struct ShippingService {
    db: DatabaseConnection,
    currency: Currency,
    vendors: VendorService,
}

impl ShippingService {
    pub fn new(db: DatabaseConnection, currency: Currency, vendors: VendorService) -> Self {
        Self { db, currency, vendors }
    }

    fn ensure_staff(rcx: &RequestContext) -> Result<(), ShippingError> {
        if rcx.is_staff() { Ok(()) } else { Err(ShippingError::Forbidden) }
    }

    /// Lets a non-staff viewer change methods of `vendor` (`None`: a platform-wide method,
    /// staff only) inside `conn`: owners of that vendor only. Staff pass.
    async fn authorize_method(
        &self,
        conn: &impl ConnectionTrait,
        rcx: &RequestContext,
        vendor: Option<VendorId>,
    ) -> Result<(), ShippingError> {
        if rcx.is_staff() {
            return Ok(());
        }
        if rcx.viewer.is_none() {
            return Err(ShippingError::Unauthenticated);
        }
        let Some(vendor) = vendor else { return Err(ShippingError::Forbidden) };
        self.vendors.authorize_in(conn, rcx, vendor, VendorPermission::Manage).await.map_err(|e| match e {
            VendorError::NotFound => ShippingError::NotFound { field: path(["vendorId"]) },
            VendorError::Unauthenticated => ShippingError::Unauthenticated,
            VendorError::Db(e) => ShippingError::Db(e),
            _ => ShippingError::Forbidden,
        })?;
        Ok(())
    }

    async fn check_vendor(&self, conn: &impl ConnectionTrait, f: &MethodFields) -> Result<(), ShippingError> {
        if let Some(Some(v)) = f.vendor_id
            && !self.vendors.exists_in(conn, v).await?
        {
            return Err(ShippingError::NotFound { field: path(["vendorId"]) });
        }
        Ok(())
    }

    // ---------- zones ----------

    /// Every zone with its areas, by name: for staff, and with `vendor` for its owners too.
    ///
    /// # Errors
    /// `NotFound` (vendorId); `Forbidden`, `Unauthenticated`.
    pub async fn zones(
        &self,
        rcx: &RequestContext,
        vendor: Option<VendorId>,
    ) -> Result<Vec<ShippingZone>, ShippingError> {
        self.authorize_method(&self.db, rcx, vendor).await?;
        Ok(repo::zones(&self.db).await?)
    }

    /// Creates a zone.
    ///
    /// # Errors
    /// `Required` (name), `Invalid` (areas: country, region, repeats); `Forbidden`.
    #[tracing::instrument(name = "shipping.create_zone", skip(self, rcx, f))]
    pub async fn create_zone(&self, rcx: &RequestContext, f: ZoneFields) -> Result<ShippingZone, ShippingError> {
        Self::ensure_staff(rcx)?;
        let zone = model::new_zone(&f, Utc::now())?;
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
        let changes = ZoneChanges::of(&f)?;
        let txn = self.db.begin().await?;
        let zone = repo::zone_by_id(&txn, id).await?.ok_or_else(|| ShippingError::NotFound { field: path(["id"]) })?;
        let zone = changes.apply(zone);
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

    /// The methods only `vendor`'s goods ship with (its owners and staff), by name.
    ///
    /// # Errors
    /// `NotFound` (vendorId); `Forbidden`, `Unauthenticated`.
    pub async fn vendor_methods(
        &self,
        rcx: &RequestContext,
        vendor: VendorId,
    ) -> Result<Vec<ShippingMethod>, ShippingError> {
        if !rcx.is_staff() {
            self.authorize_method(&self.db, rcx, Some(vendor)).await?;
        }
        Ok(repo::methods_of_vendor(&self.db, vendor).await?)
    }

    /// Adds a shipping method to a zone: staff for any vendor or all; a vendor's owners for
    /// that vendor only (`vendorId` required).
    ///
    /// # Errors
    /// `Required` (name, flatRate, weightTiers), `Invalid` (prices, tiers, taxClass),
    /// `NotFound` (zoneId, vendorId); `Forbidden`, `Unauthenticated`. Nothing is written on error.
    #[tracing::instrument(name = "shipping.create_method", skip(self, rcx, f))]
    pub async fn create_method(&self, rcx: &RequestContext, f: MethodFields) -> Result<ShippingMethod, ShippingError> {
        let txn = self.db.begin().await?;
        self.authorize_method(&txn, rcx, f.vendor_id.flatten()).await?;
        let method = model::apply_method(None, &f, self.currency, Utc::now())?;
        if rcx.is_staff() {
            self.check_vendor(&txn, &f).await?;
        }
        if repo::zone_by_id(&txn, method.zone_id).await?.is_none() {
            return Err(ShippingError::NotFound { field: path(["zoneId"]) });
        }
        repo::insert_method(&txn, &method, self.currency).await?;
        txn.commit().await?;
        Ok(method)
    }

    /// Changes a shipping method (not its zone): staff any; a vendor's owners only their
    /// vendor's methods, and never to another vendor or to every vendor.
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
        let txn = self.db.begin().await?;
        let current =
            repo::method_by_id(&txn, id).await?.ok_or_else(|| ShippingError::NotFound { field: path(["id"]) })?;
        self.authorize_method(&txn, rcx, current.vendor_id).await?;
        if !rcx.is_staff() && f.vendor_id.is_some_and(|v| v != current.vendor_id) {
            return Err(ShippingError::Forbidden);
        }
        self.check_vendor(&txn, &f).await?;
        let method = model::apply_method(Some(&current), &f, self.currency, Utc::now())?;
        repo::update_method(&txn, &method, self.currency).await?;
        txn.commit().await?;
        Ok(method)
    }

    /// Deletes a shipping method (staff any; a vendor's owners only their vendor's). Orders
    /// keep their own copy of what they were charged.
    ///
    /// # Errors
    /// `NotFound` (id); `Forbidden`, `Unauthenticated`.
    #[tracing::instrument(name = "shipping.delete_method", skip(self, rcx))]
    pub async fn delete_method(
        &self,
        rcx: &RequestContext,
        id: ShippingMethodId,
    ) -> Result<ShippingMethodId, ShippingError> {
        let txn = self.db.begin().await?;
        let current =
            repo::method_by_id(&txn, id).await?.ok_or_else(|| ShippingError::NotFound { field: path(["id"]) })?;
        self.authorize_method(&txn, rcx, current.vendor_id).await?;
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
