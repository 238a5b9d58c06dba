//! Shipping zones (countries and regions) and the shipping methods offered in each.

use sea_orm_migration::prelude::*;

use crate::{fk_cascade, pk_uuid, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Vendors {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ShippingZones {
    Table,
    Id,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ShippingZoneAreas {
    Table,
    Id,
    ZoneId,
    Country,
    Region,
}

#[derive(DeriveIden)]
enum ShippingMethods {
    Table,
    Id,
    ZoneId,
    VendorId,
    Name,
    RateKind,
    FlatMinor,
    Tiers,
    Currency,
    FreeOverMinor,
    TaxClass,
    Active,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ShippingZones::Table)
                .col(pk_uuid(ShippingZones::Id))
                .col(ColumnDef::new(ShippingZones::Name).string_len(200).not_null())
                .col(timestamp(ShippingZones::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ShippingZoneAreas::Table)
                // A surrogate key: `region` is nullable, so (zone, country, region) cannot be
                // the primary key.
                .col(pk_uuid(ShippingZoneAreas::Id))
                .col(ColumnDef::new(ShippingZoneAreas::ZoneId).uuid().not_null())
                // ISO 3166-1 alpha-2, upper-case.
                .col(ColumnDef::new(ShippingZoneAreas::Country).char_len(2).not_null())
                // ISO 3166-2 subdivision part, upper-case; NULL = the whole country.
                .col(ColumnDef::new(ShippingZoneAreas::Region).string_len(3).null())
                .foreign_key(&mut fk_cascade(
                    "fk_shipping_zone_areas_zone",
                    (ShippingZoneAreas::Table, ShippingZoneAreas::ZoneId),
                    (ShippingZones::Table, ShippingZones::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_shipping_zone_areas_country")
                .table(ShippingZoneAreas::Table)
                .col(ShippingZoneAreas::Country)
                .col(ShippingZoneAreas::Region)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_shipping_zone_areas_zone")
                .table(ShippingZoneAreas::Table)
                .col(ShippingZoneAreas::ZoneId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ShippingMethods::Table)
                .col(pk_uuid(ShippingMethods::Id))
                .col(ColumnDef::new(ShippingMethods::ZoneId).uuid().not_null())
                // NULL = offered for every vendor's goods.
                .col(ColumnDef::new(ShippingMethods::VendorId).uuid().null())
                .col(ColumnDef::new(ShippingMethods::Name).string_len(200).not_null())
                .col(ColumnDef::new(ShippingMethods::RateKind).string_len(16).not_null())
                .col(ColumnDef::new(ShippingMethods::FlatMinor).big_integer().null())
                // `[{"upToGrams": 500, "priceMinor": 499}, {"upToGrams": null, "priceMinor": 999}]`
                .col(ColumnDef::new(ShippingMethods::Tiers).json().null())
                .col(ColumnDef::new(ShippingMethods::Currency).char_len(3).not_null())
                .col(ColumnDef::new(ShippingMethods::FreeOverMinor).big_integer().null())
                .col(ColumnDef::new(ShippingMethods::TaxClass).string_len(32).not_null().default("standard"))
                .col(ColumnDef::new(ShippingMethods::Active).boolean().not_null().default(true))
                .col(timestamp(ShippingMethods::CreatedAt))
                .foreign_key(&mut fk_cascade(
                    "fk_shipping_methods_zone",
                    (ShippingMethods::Table, ShippingMethods::ZoneId),
                    (ShippingZones::Table, ShippingZones::Id),
                ))
                .foreign_key(&mut fk_cascade(
                    "fk_shipping_methods_vendor",
                    (ShippingMethods::Table, ShippingMethods::VendorId),
                    (Vendors::Table, Vendors::Id),
                ))
                .check(Check::named(
                    Alias::new("ck_shipping_methods_flat_minor"),
                    Expr::col(ShippingMethods::FlatMinor).is_null().or(Expr::col(ShippingMethods::FlatMinor).gte(0)),
                ))
                .check(Check::named(
                    Alias::new("ck_shipping_methods_free_over_minor"),
                    Expr::col(ShippingMethods::FreeOverMinor)
                        .is_null()
                        .or(Expr::col(ShippingMethods::FreeOverMinor).gte(0)),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_shipping_methods_zone")
                .table(ShippingMethods::Table)
                .col(ShippingMethods::ZoneId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ShippingMethods::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ShippingZoneAreas::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(ShippingZones::Table).to_owned()).await
    }
}
