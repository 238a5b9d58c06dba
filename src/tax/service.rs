//! Tax use cases: staff management of rates (one transaction each), the shop's tax setting,
//! and the call checkout makes on its own connection: `rates_for`.

use chrono::Utc;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait};

use crate::{
    context::RequestContext,
    pricing,
    shared::{
        geo::{CountryCode, RegionCode},
        ids::TaxRateId,
        money::Currency,
        text::{required_text, tax_class},
    },
    tax::{
        error::{TaxError, path},
        model::{TaxRate, effective_rates, percent_to_pcm},
        repo,
    },
};

/// Editable rate fields; `None` leaves a field as it is (all but `region` are required on
/// create). `region: Some(None)` makes the rate country-level.
#[derive(Debug, Clone, Default)]
pub struct TaxRateFields {
    pub country: Option<String>,
    pub region: Option<Option<String>>,
    pub tax_class: Option<String>,
    pub name: Option<String>,
    /// A percentage: `20`, `8.875`.
    pub rate: Option<Decimal>,
}

const MAX_NAME: usize = 100;

#[derive(Clone)]
pub struct TaxService {
    db: DatabaseConnection,
    currency: Currency,
    prices_include_tax: bool,
}

fn invalid(field: &str, message: &'static str) -> TaxError {
    TaxError::Invalid { field: path([field]), message }
}

fn required(field: &str, message: &'static str) -> TaxError {
    TaxError::Required { field: path([field]), message }
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

    /// Applies `f` to `current` (or builds a new rate) and checks the result.
    fn apply(&self, current: Option<&TaxRate>, f: &TaxRateFields) -> Result<TaxRate, TaxError> {
        let country = match (&f.country, current) {
            (Some(c), _) => CountryCode::parse(c)
                .map_err(|_| invalid("country", "a country is a two-letter ISO 3166-1 code such as US or DE"))?,
            (None, Some(c)) => c.country,
            (None, None) => return Err(required("country", "a country is required")),
        };
        let region = match (&f.region, current) {
            (Some(Some(r)), _) => Some(
                RegionCode::parse(r, country)
                    .map_err(|_| invalid("region", "a region is an ISO 3166-2 subdivision code such as CA or US-CA"))?,
            ),
            (Some(None), _) | (None, None) => None,
            (None, Some(c)) => c.region.clone(),
        };
        let tax_class = match (&f.tax_class, current) {
            (Some(t), _) => tax_class(t)
                .ok_or_else(|| invalid("taxClass", "a tax class is 1 to 32 letters, digits, dashes or underscores"))?,
            (None, Some(c)) => c.tax_class.clone(),
            (None, None) => return Err(required("taxClass", "a tax class is required")),
        };
        let name = match (&f.name, current) {
            (Some(n), _) => {
                required_text(n, MAX_NAME).ok_or_else(|| required("name", "a name of 1 to 100 characters"))?
            }
            (None, Some(c)) => c.name.clone(),
            (None, None) => return Err(required("name", "a name is required")),
        };
        let rate_pcm = match (f.rate, current) {
            (Some(p), _) => percent_to_pcm(p)
                .ok_or_else(|| invalid("rate", "a rate is a percentage from 0 to 100 with at most three decimals"))?,
            (None, Some(c)) => c.rate_pcm,
            (None, None) => return Err(required("rate", "a rate is required")),
        };
        Ok(TaxRate {
            id: current.map_or_else(TaxRateId::new, |c| c.id),
            country,
            region,
            tax_class,
            name,
            rate_pcm,
            created_at: current.map_or_else(Utc::now, |c| c.created_at),
        })
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
        Self::ensure_staff(rcx)?;
        let rate = self.apply(None, &f)?;
        let txn = self.db.begin().await?;
        self.ensure_free(&txn, &rate).await?;
        repo::insert(&txn, &rate).await?;
        txn.commit().await?;
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
        let rate = self.apply(Some(&current), &f)?;
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
