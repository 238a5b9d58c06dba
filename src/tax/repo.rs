//! Tax rates in the database: the only tax file that knows SeaORM.

use entity::tax_rate;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    Set, SqlErr,
};

use crate::{
    shared::{
        geo::{CountryCode, RegionCode},
        ids::{TaxRateId, TypedId},
    },
    tax::{
        error::{TaxError, path},
        model::TaxRate,
    },
};

fn corrupt(what: &str) -> DbErr {
    DbErr::Type(format!("stored tax rate {what} is invalid"))
}

fn to_model(m: tax_rate::Model) -> Result<TaxRate, DbErr> {
    let country = CountryCode::parse(&m.country).map_err(|_| corrupt("country"))?;
    Ok(TaxRate {
        id: TaxRateId(m.id),
        country,
        region: m.region.map(|r| RegionCode::parse(&r, country)).transpose().map_err(|_| corrupt("region"))?,
        tax_class: m.tax_class,
        name: m.name,
        rate_pcm: m.rate_pcm,
        created_at: m.created_at,
    })
}

fn active_model(r: &TaxRate) -> tax_rate::ActiveModel {
    tax_rate::ActiveModel {
        id: Set(r.id.uuid()),
        country: Set(r.country.as_str().to_owned()),
        region: Set(r.region.as_ref().map(|x| x.as_str().to_owned())),
        tax_class: Set(r.tax_class.clone()),
        name: Set(r.name.clone()),
        rate_pcm: Set(r.rate_pcm),
        created_at: Set(r.created_at),
    }
}

/// `ux_tax_rates_country_region_class` is the table's only unique index.
fn on_unique(e: DbErr) -> TaxError {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => TaxError::Taken { field: path(["taxClass"]) },
        _ => TaxError::Db(e),
    }
}

/// Sorted in Rust: SQLite puts NULLs first in ascending order and PostgreSQL last; here the
/// country-level rate (no region) always comes before its regions.
fn sorted(mut rates: Vec<TaxRate>) -> Vec<TaxRate> {
    rates.sort_by(|a, b| (a.country, &a.region, &a.tax_class).cmp(&(b.country, &b.region, &b.tax_class)));
    rates
}

/// Every rate, by country, region (country-level first) and class.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<TaxRate>, DbErr> {
    let rows = tax_rate::Entity::find().all(db).await?;
    Ok(sorted(rows.into_iter().map(to_model).collect::<Result<_, _>>()?))
}

pub async fn by_id(db: &impl ConnectionTrait, id: TaxRateId) -> Result<Option<TaxRate>, DbErr> {
    tax_rate::Entity::find_by_id(id.uuid()).one(db).await?.map(to_model).transpose()
}

/// The rates of a country that can apply in `region`: country-level ones and, when the
/// region is known, that region's.
pub async fn for_destination(
    db: &impl ConnectionTrait,
    country: CountryCode,
    region: Option<&RegionCode>,
) -> Result<Vec<TaxRate>, DbErr> {
    let mut regions = Condition::any().add(tax_rate::Column::Region.is_null());
    if let Some(r) = region {
        regions = regions.add(tax_rate::Column::Region.eq(r.as_str()));
    }
    let rows =
        tax_rate::Entity::find().filter(tax_rate::Column::Country.eq(country.as_str())).filter(regions).all(db).await?;
    Ok(sorted(rows.into_iter().map(to_model).collect::<Result<_, _>>()?))
}

/// Whether another rate (not `except`) has this destination and class.
pub async fn exists_for(
    db: &impl ConnectionTrait,
    country: CountryCode,
    region: Option<&RegionCode>,
    tax_class: &str,
    except: Option<TaxRateId>,
) -> Result<bool, DbErr> {
    let mut q = tax_rate::Entity::find()
        .filter(tax_rate::Column::Country.eq(country.as_str()))
        .filter(tax_rate::Column::TaxClass.eq(tax_class))
        .filter(match region {
            Some(r) => tax_rate::Column::Region.eq(r.as_str()),
            None => tax_rate::Column::Region.is_null(),
        });
    if let Some(id) = except {
        q = q.filter(tax_rate::Column::Id.ne(id.uuid()));
    }
    Ok(q.one(db).await?.is_some())
}

pub async fn insert(db: &impl ConnectionTrait, r: &TaxRate) -> Result<(), TaxError> {
    active_model(r).insert(db).await.map_err(on_unique)?;
    Ok(())
}

/// Writes everything but the creation time.
pub async fn update(db: &impl ConnectionTrait, r: &TaxRate) -> Result<(), TaxError> {
    let mut row = active_model(r);
    row.created_at = NotSet;
    row.update(db).await.map_err(on_unique)?;
    Ok(())
}

/// Returns whether the rate existed.
pub async fn delete(db: &impl ConnectionTrait, id: TaxRateId) -> Result<bool, DbErr> {
    Ok(tax_rate::Entity::delete_by_id(id.uuid()).exec(db).await?.rows_affected == 1)
}
