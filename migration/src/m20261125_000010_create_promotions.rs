//! Discounts (codes and automatic promotions) and their redemptions.

use sea_orm_migration::prelude::*;

use crate::{pk_uuid, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Vendors {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Discounts {
    Table,
    Id,
    Code,
    Automatic,
    ValueKind,
    PercentageBp,
    AmountMinor,
    Currency,
    Target,
    TargetIds,
    VendorId,
    MinSubtotalMinor,
    StartsAt,
    EndsAt,
    UsageLimit,
    UsedCount,
    PerCustomerLimit,
    CombinesWithOthers,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DiscountRedemptions {
    Table,
    Id,
    DiscountId,
    OrderId,
    CustomerKey,
    CreatedAt,
    ReleasedAt,
}

fn named_check(name: &str, expr: SimpleExpr) -> Check {
    Check::named(Alias::new(name), expr)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Discounts::Table)
                .col(pk_uuid(Discounts::Id))
                // Stored upper-cased; NULL for automatic promotions (NULLs never collide in a
                // unique index, on SQLite and PostgreSQL alike).
                .col(ColumnDef::new(Discounts::Code).string_len(32).null())
                .col(ColumnDef::new(Discounts::Automatic).boolean().not_null())
                .col(ColumnDef::new(Discounts::ValueKind).string_len(16).not_null())
                .col(ColumnDef::new(Discounts::PercentageBp).integer().null())
                .col(ColumnDef::new(Discounts::AmountMinor).big_integer().null())
                .col(ColumnDef::new(Discounts::Currency).char_len(3).not_null())
                .col(ColumnDef::new(Discounts::Target).string_len(16).not_null())
                .col(ColumnDef::new(Discounts::TargetIds).json().not_null())
                .col(ColumnDef::new(Discounts::VendorId).uuid().null())
                .col(ColumnDef::new(Discounts::MinSubtotalMinor).big_integer().null())
                .col(ColumnDef::new(Discounts::StartsAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Discounts::EndsAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Discounts::UsageLimit).integer().null())
                .col(ColumnDef::new(Discounts::UsedCount).integer().not_null().default(0))
                .col(ColumnDef::new(Discounts::PerCustomerLimit).integer().null())
                .col(ColumnDef::new(Discounts::CombinesWithOthers).boolean().not_null().default(false))
                .col(ColumnDef::new(Discounts::Active).boolean().not_null().default(true))
                .col(timestamp(Discounts::CreatedAt))
                .col(timestamp(Discounts::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_discounts_vendor")
                        .from(Discounts::Table, Discounts::VendorId)
                        .to(Vendors::Table, Vendors::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .check(named_check("ck_discounts_used_count", Expr::col(Discounts::UsedCount).gte(0)))
                .check(named_check(
                    "ck_discounts_percentage_bp",
                    Expr::col(Discounts::PercentageBp)
                        .is_null()
                        .or(Expr::col(Discounts::PercentageBp).between(1, 10_000)),
                ))
                .check(named_check(
                    "ck_discounts_amount_minor",
                    Expr::col(Discounts::AmountMinor).is_null().or(Expr::col(Discounts::AmountMinor).gte(0)),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ux_discounts_code").table(Discounts::Table).col(Discounts::Code).unique().to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_discounts_automatic_active")
                .table(Discounts::Table)
                .col(Discounts::Automatic)
                .col(Discounts::Active)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(DiscountRedemptions::Table)
                .col(pk_uuid(DiscountRedemptions::Id))
                .col(ColumnDef::new(DiscountRedemptions::DiscountId).uuid().not_null())
                // No foreign key: orders are another domain's table, and a redemption is
                // written inside the transaction that creates the order.
                .col(ColumnDef::new(DiscountRedemptions::OrderId).uuid().not_null())
                // A user id or a lower-cased e-mail; NULL when the buyer is unknown.
                .col(ColumnDef::new(DiscountRedemptions::CustomerKey).string_len(254).null())
                .col(timestamp(DiscountRedemptions::CreatedAt))
                .col(ColumnDef::new(DiscountRedemptions::ReleasedAt).timestamp_with_time_zone().null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_discount_redemptions_discount")
                        .from(DiscountRedemptions::Table, DiscountRedemptions::DiscountId)
                        .to(Discounts::Table, Discounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_discount_redemptions_discount_customer")
                .table(DiscountRedemptions::Table)
                .col(DiscountRedemptions::DiscountId)
                .col(DiscountRedemptions::CustomerKey)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_discount_redemptions_order")
                .table(DiscountRedemptions::Table)
                .col(DiscountRedemptions::OrderId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DiscountRedemptions::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Discounts::Table).to_owned()).await
    }
}
