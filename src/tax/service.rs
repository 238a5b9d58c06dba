//! Tax use cases: staff management of rates (one transaction each), the shop's tax setting,
//! and the call checkout makes on its own connection: `rates_for`.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait};

pub use crate::tax::model::TaxRateFields;
use crate::{
    context::RequestContext,
    pricing,
    shared::{
        geo::{CountryCode, RegionCode},
        ids::TaxRateId,
        money::Currency,
    },
    tax::{
        error::{TaxError, path},
        model::{self, TaxRate, effective_rates},
        repo,
    },
};

#[derive(Clone)]
pub struct TaxService {
    db: DatabaseConnection,
    currency: Currency,
    prices_include_tax: bool,
}

impl TaxService {
    pub fn new(db: DatabaseConnection, currency: Currency, prices_include_tax: bool) -> Self {
        Self { db, currency, prices_include_tax }
    }

    /// The currency prices are entered and sold in (`shop.currency`).
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Whether catalog and shipping prices include tax (`shop.prices_include_tax`).
    pub fn prices_include_tax(&self) -> bool {
        self.prices_include_tax
    }

    fn ensure_staff(rcx: &RequestContext) -> Result<(), TaxError> {
        if rcx.is_staff() { Ok(()) } else { Err(TaxError::Forbidden) }
    }

    /// The unique index also holds, but checking first gives the same answer on every backend
    /// and keeps a PostgreSQL transaction from aborting on the violation.
    async fn ensure_free(&self, conn: &impl ConnectionTrait, r: &TaxRate) -> Result<(), TaxError> {
        if repo::exists_for(conn, r.country, r.region.as_ref(), &r.tax_class, Some(r.id)).await? {
            return Err(TaxError::Taken { field: path(["taxClass"]) });
        }
        Ok(())
    }

    /// Every tax rate, by country, region (country-level first) and class (staff only).
    ///
    /// # Errors
    /// `Forbidden` for non-staff.
    pub async fn list(&self, rcx: &RequestContext) -> Result<Vec<TaxRate>, TaxError> {
        Self::ensure_staff(rcx)?;
        Ok(repo::list(&self.db).await?)
    }

    /// Creates a tax rate.
    ///
    /// # Errors
    /// `Required` (name), `Invalid` (country, region, taxClass, rate), `Taken` (taxClass: the
    /// destination already has a rate for the class); `Forbidden`.
    #[tracing::instrument(name = "tax.create_rate", skip(self, rcx, f))]
    pub async fn create(&self, rcx: &RequestContext, f: TaxRateFields) -> Result<TaxRate, TaxError> {
        let txn = self.db.begin().await?;
        let rate = self.create_in(&txn, rcx, f).await?;
        txn.commit().await?;
        Ok(rate)
    }

    /// As [`TaxService::create`], on the caller's connection (the demo seed).
    ///
    /// # Errors
    /// As [`TaxService::create`].
    pub async fn create_in(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        rcx: &RequestContext,
        f: TaxRateFields,
    ) -> Result<TaxRate, TaxError> {
        Self::ensure_staff(rcx)?;
        let rate = model::apply(None, &f, Utc::now())?;
        self.ensure_free(conn, &rate).await?;
        repo::insert(conn, &rate).await?;
        Ok(rate)
    }

    /// Changes a tax rate.
    ///
    /// # Errors
    /// `NotFound` (id), and the errors of [`TaxService::create`].
    #[tracing::instrument(name = "tax.update_rate", skip(self, rcx, f))]
    pub async fn update(&self, rcx: &RequestContext, id: TaxRateId, f: TaxRateFields) -> Result<TaxRate, TaxError> {
        Self::ensure_staff(rcx)?;
        let txn = self.db.begin().await?;
        let current = repo::by_id(&txn, id).await?.ok_or_else(|| TaxError::NotFound { field: path(["id"]) })?;
        let rate = model::apply(Some(&current), &f, Utc::now())?;
        self.ensure_free(&txn, &rate).await?;
        repo::update(&txn, &rate).await?;
        txn.commit().await?;
        Ok(rate)
    }

    /// Deletes a tax rate. Orders keep the tax they were charged.
    ///
    /// # Errors
    /// `NotFound` (id); `Forbidden`.
    #[tracing::instrument(name = "tax.delete_rate", skip(self, rcx))]
    pub async fn delete(&self, rcx: &RequestContext, id: TaxRateId) -> Result<TaxRateId, TaxError> {
        Self::ensure_staff(rcx)?;
        let txn = self.db.begin().await?;
        if !repo::delete(&txn, id).await? {
            return Err(TaxError::NotFound { field: path(["id"]) });
        }
        txn.commit().await?;
        Ok(id)
    }

    /// The tax rates at an address in `country` (and `region`), one per tax class, by class:
    /// a rate for the region overrides the country-level rate of the same class. Country and
    /// region are matched case-insensitively (`US-NY` and `NY` are the same region); a region
    /// that is not a subdivision code counts as unknown, and a malformed country has no rates.
    /// A class missing from the result is taxed at zero by pricing.
    ///
    /// Runs on `conn`, so checkout can call it inside its transaction.
    ///
    /// # Errors
    /// Only database errors.
    #[tracing::instrument(name = "tax.rates_for", skip(self, conn))]
    pub async fn rates_for(
        &self,
        conn: &impl ConnectionTrait,
        country: &str,
        region: Option<&str>,
    ) -> Result<Vec<pricing::TaxRate>, DbErr> {
        let Ok(country) = CountryCode::parse(country) else { return Ok(vec![]) };
        let region = region.and_then(|r| RegionCode::parse(r, country).ok());
        let rates = repo::for_destination(conn, country, region.as_ref()).await?;
        Ok(effective_rates(&rates, region.as_ref()))
    }
}
