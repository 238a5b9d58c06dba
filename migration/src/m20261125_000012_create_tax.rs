//! Tax rates by destination (country, optional region) and tax class.

use sea_orm_migration::prelude::*;

use crate::{pk_uuid, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TaxRates {
    Table,
    Id,
    Country,
    Region,
    TaxClass,
    Name,
    RatePcm,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TaxRates::Table)
                .col(pk_uuid(TaxRates::Id))
                // ISO 3166-1 alpha-2, upper-case.
                .col(ColumnDef::new(TaxRates::Country).char_len(2).not_null())
                // ISO 3166-2 subdivision part, upper-case; NULL = the whole country.
                .col(ColumnDef::new(TaxRates::Region).string_len(3).null())
                .col(ColumnDef::new(TaxRates::TaxClass).string_len(32).not_null())
                .col(ColumnDef::new(TaxRates::Name).string_len(100).not_null())
                // Per cent mille (thousandths of a percent): 20 % = 20000, 8.875 % = 8875.
                // Basis points cannot hold US sales-tax rates such as 8.875 %.
                .col(ColumnDef::new(TaxRates::RatePcm).integer().not_null())
                .col(timestamp(TaxRates::CreatedAt))
                .check(Check::named(
                    Alias::new("ck_tax_rates_rate_pcm"),
                    Expr::col(TaxRates::RatePcm).between(0, 100_000),
                ))
                .to_owned(),
        )
        .await?;
        // One rate per (country, region, class). A plain unique index would let any number of
        // country-level rows (region NULL) through, since NULLs are distinct in unique indexes
        // on SQLite and PostgreSQL < 15; indexing COALESCE(region, '') closes that on both.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_tax_rates_country_region_class \
                 ON tax_rates (country, COALESCE(region, ''), tax_class)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TaxRates::Table).to_owned()).await
    }
}
