use sea_orm_migration::prelude::*;

use crate::{pk_uuid, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Carts {
    Table,
    Id,
    CustomerId,
    Status,
    Currency,
    Email,
    Country,
    Region,
    ShippingAddress,
    BillingAddress,
    DiscountCodes,
    ShippingMethods,
    CompletedOrderId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CartLines {
    Table,
    Id,
    CartId,
    VariantId,
    Quantity,
    UnitPriceMinor,
    Currency,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Carts::Table)
                .col(pk_uuid(Carts::Id))
                .col(ColumnDef::new(Carts::CustomerId).uuid().null())
                .col(ColumnDef::new(Carts::Status).string_len(16).not_null())
                .col(ColumnDef::new(Carts::Currency).char_len(3).not_null())
                .col(ColumnDef::new(Carts::Email).string_len(254).null())
                .col(ColumnDef::new(Carts::Country).char_len(2).null())
                .col(ColumnDef::new(Carts::Region).string_len(64).null())
                .col(ColumnDef::new(Carts::ShippingAddress).json().null())
                .col(ColumnDef::new(Carts::BillingAddress).json().null())
                .col(ColumnDef::new(Carts::DiscountCodes).json().not_null())
                .col(ColumnDef::new(Carts::ShippingMethods).json().not_null())
                .col(ColumnDef::new(Carts::CompletedOrderId).uuid().null())
                .col(timestamp(Carts::CreatedAt))
                .col(timestamp(Carts::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_carts_customer")
                        .from(Carts::Table, Carts::CustomerId)
                        .to(Alias::new("users"), Alias::new("id"))
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        // One active cart per signed-in customer (partial unique index; same syntax on both).
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_carts_active_customer ON carts (customer_id) \
                 WHERE status = 'ACTIVE' AND customer_id IS NOT NULL",
            )
            .await?;
        m.create_table(
            Table::create()
                .table(CartLines::Table)
                .col(pk_uuid(CartLines::Id))
                .col(ColumnDef::new(CartLines::CartId).uuid().not_null())
                .col(ColumnDef::new(CartLines::VariantId).uuid().not_null())
                .col(ColumnDef::new(CartLines::Quantity).integer().not_null())
                .col(ColumnDef::new(CartLines::UnitPriceMinor).big_integer().not_null())
                .col(ColumnDef::new(CartLines::Currency).char_len(3).not_null())
                .col(timestamp(CartLines::CreatedAt))
                .col(timestamp(CartLines::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_cart_lines_cart")
                        .from(CartLines::Table, CartLines::CartId)
                        .to(Carts::Table, Carts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_cart_lines_variant")
                        .from(CartLines::Table, CartLines::VariantId)
                        .to(Alias::new("variants"), Alias::new("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .check(Expr::col(CartLines::Quantity).gt(0))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_cart_lines_cart_variant")
                .table(CartLines::Table)
                .col(CartLines::CartId)
                .col(CartLines::VariantId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CartLines::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Carts::Table).to_owned()).await
    }
}
