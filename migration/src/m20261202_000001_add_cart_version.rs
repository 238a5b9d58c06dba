use sea_orm_migration::prelude::*;

/// Carts get a `version`, bumped by every write to the cart or its lines. Checkout compares it
/// inside its transaction, so a cart edited after it was read is never ordered stale.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Carts {
    Table,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Carts::Table)
                .add_column(ColumnDef::new(Carts::Version).big_integer().not_null().default(0))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Carts::Table).drop_column(Carts::Version).to_owned()).await
    }
}
