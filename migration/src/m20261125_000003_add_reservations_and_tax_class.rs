use sea_orm_migration::prelude::*;

/// Stock is now `stock_on_hand` (physically present) and `reserved` (held by unpaid or
/// unfulfilled orders); available = on hand - reserved. Products get a tax class.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Variants {
    Table,
    Reserved,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    TaxClass,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Variants::Table)
                .add_column(ColumnDef::new(Variants::Reserved).integer().not_null().default(0))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Products::Table)
                .add_column(ColumnDef::new(Products::TaxClass).string_len(32).not_null().default("standard"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Variants::Table).drop_column(Variants::Reserved).to_owned()).await?;
        m.alter_table(Table::alter().table(Products::Table).drop_column(Products::TaxClass).to_owned()).await
    }
}
