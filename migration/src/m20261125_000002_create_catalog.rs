use sea_orm_migration::prelude::*;

use crate::{fk_cascade, pk_uuid, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Vendors {
    Table,
    Id,
    Name,
    Slug,
    Status,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    ParentId,
    Name,
    Slug,
    Description,
    Position,
    Archived,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    VendorId,
    Title,
    Slug,
    Description,
    Status,
    MinPriceMinor,
    Currency,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProductCategories {
    Table,
    ProductId,
    CategoryId,
}

#[derive(DeriveIden)]
enum ProductAttributes {
    Table,
    Id,
    ProductId,
    Key,
    Kind,
    Value,
}

#[derive(DeriveIden)]
enum ProductImages {
    Table,
    Id,
    ProductId,
    Url,
    Alt,
    Position,
}

#[derive(DeriveIden)]
enum Variants {
    Table,
    Id,
    ProductId,
    Sku,
    Title,
    Options,
    PriceMinor,
    CompareAtMinor,
    Currency,
    StockOnHand,
    WeightGrams,
    Position,
    Archived,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StockMovements {
    Table,
    Id,
    VariantId,
    Delta,
    QuantityAfter,
    Reason,
    Note,
    ActorId,
    CreatedAt,
}

fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create().name(name).table(table).to_owned();
    for c in cols {
        i.col(Alias::new(*c));
    }
    i
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Vendors::Table)
                .col(pk_uuid(Vendors::Id))
                .col(ColumnDef::new(Vendors::Name).string().not_null())
                .col(ColumnDef::new(Vendors::Slug).string().not_null())
                .col(ColumnDef::new(Vendors::Status).string_len(16).not_null())
                .col(timestamp(Vendors::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ux_vendors_slug", Vendors::Table, &["slug"]).unique().to_owned()).await?;

        m.create_table(
            Table::create()
                .table(Categories::Table)
                .col(pk_uuid(Categories::Id))
                .col(ColumnDef::new(Categories::ParentId).uuid().null())
                .col(ColumnDef::new(Categories::Name).string().not_null())
                .col(ColumnDef::new(Categories::Slug).string().not_null())
                .col(ColumnDef::new(Categories::Description).text().not_null().default(""))
                .col(ColumnDef::new(Categories::Position).integer().not_null().default(0))
                .col(ColumnDef::new(Categories::Archived).boolean().not_null().default(false))
                .col(timestamp(Categories::CreatedAt))
                .foreign_key(&mut fk_cascade(
                    "fk_categories_parent",
                    (Categories::Table, Categories::ParentId),
                    (Categories::Table, Categories::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ux_categories_slug", Categories::Table, &["slug"]).unique().to_owned()).await?;
        m.create_index(index("ix_categories_parent", Categories::Table, &["parent_id", "position"])).await?;

        m.create_table(
            Table::create()
                .table(Products::Table)
                .col(pk_uuid(Products::Id))
                .col(ColumnDef::new(Products::VendorId).uuid().not_null())
                .col(ColumnDef::new(Products::Title).string().not_null())
                .col(ColumnDef::new(Products::Slug).string().not_null())
                .col(ColumnDef::new(Products::Description).text().not_null().default(""))
                .col(ColumnDef::new(Products::Status).string_len(16).not_null())
                .col(ColumnDef::new(Products::MinPriceMinor).big_integer().null())
                .col(ColumnDef::new(Products::Currency).char_len(3).not_null())
                .col(timestamp(Products::CreatedAt))
                .col(timestamp(Products::UpdatedAt))
                .foreign_key(&mut fk_cascade(
                    "fk_products_vendor",
                    (Products::Table, Products::VendorId),
                    (Vendors::Table, Vendors::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ux_products_slug", Products::Table, &["slug"]).unique().to_owned()).await?;
        m.create_index(index("ix_products_vendor", Products::Table, &["vendor_id"])).await?;
        m.create_index(index("ix_products_status_created", Products::Table, &["status", "created_at"])).await?;

        m.create_table(
            Table::create()
                .table(ProductCategories::Table)
                .col(ColumnDef::new(ProductCategories::ProductId).uuid().not_null())
                .col(ColumnDef::new(ProductCategories::CategoryId).uuid().not_null())
                .primary_key(Index::create().col(ProductCategories::ProductId).col(ProductCategories::CategoryId))
                .foreign_key(&mut fk_cascade(
                    "fk_product_categories_product",
                    (ProductCategories::Table, ProductCategories::ProductId),
                    (Products::Table, Products::Id),
                ))
                .foreign_key(&mut fk_cascade(
                    "fk_product_categories_category",
                    (ProductCategories::Table, ProductCategories::CategoryId),
                    (Categories::Table, Categories::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_product_categories_category", ProductCategories::Table, &["category_id"])).await?;

        m.create_table(
            Table::create()
                .table(ProductAttributes::Table)
                .col(pk_uuid(ProductAttributes::Id))
                .col(ColumnDef::new(ProductAttributes::ProductId).uuid().not_null())
                .col(ColumnDef::new(ProductAttributes::Key).string_len(64).not_null())
                .col(ColumnDef::new(ProductAttributes::Kind).string_len(16).not_null())
                .col(ColumnDef::new(ProductAttributes::Value).string().not_null())
                .foreign_key(&mut fk_cascade(
                    "fk_product_attributes_product",
                    (ProductAttributes::Table, ProductAttributes::ProductId),
                    (Products::Table, Products::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_product_attributes_product", ProductAttributes::Table, &["product_id"])).await?;
        m.create_index(index("ix_product_attributes_key_value", ProductAttributes::Table, &["key", "value"])).await?;

        m.create_table(
            Table::create()
                .table(ProductImages::Table)
                .col(pk_uuid(ProductImages::Id))
                .col(ColumnDef::new(ProductImages::ProductId).uuid().not_null())
                .col(ColumnDef::new(ProductImages::Url).string_len(2048).not_null())
                .col(ColumnDef::new(ProductImages::Alt).string().not_null().default(""))
                .col(ColumnDef::new(ProductImages::Position).integer().not_null().default(0))
                .foreign_key(&mut fk_cascade(
                    "fk_product_images_product",
                    (ProductImages::Table, ProductImages::ProductId),
                    (Products::Table, Products::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_product_images_product", ProductImages::Table, &["product_id", "position"])).await?;

        m.create_table(
            Table::create()
                .table(Variants::Table)
                .col(pk_uuid(Variants::Id))
                .col(ColumnDef::new(Variants::ProductId).uuid().not_null())
                .col(ColumnDef::new(Variants::Sku).string_len(64).not_null())
                .col(ColumnDef::new(Variants::Title).string().not_null())
                .col(ColumnDef::new(Variants::Options).json().not_null())
                .col(ColumnDef::new(Variants::PriceMinor).big_integer().not_null())
                .col(ColumnDef::new(Variants::CompareAtMinor).big_integer().null())
                .col(ColumnDef::new(Variants::Currency).char_len(3).not_null())
                .col(ColumnDef::new(Variants::StockOnHand).integer().not_null().default(0))
                .col(ColumnDef::new(Variants::WeightGrams).integer().null())
                .col(ColumnDef::new(Variants::Position).integer().not_null().default(0))
                .col(ColumnDef::new(Variants::Archived).boolean().not_null().default(false))
                .col(timestamp(Variants::CreatedAt))
                .col(timestamp(Variants::UpdatedAt))
                .foreign_key(&mut fk_cascade(
                    "fk_variants_product",
                    (Variants::Table, Variants::ProductId),
                    (Products::Table, Products::Id),
                ))
                .check(Expr::col(Variants::StockOnHand).gte(0))
                .check(Expr::col(Variants::PriceMinor).gte(0))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ux_variants_sku", Variants::Table, &["sku"]).unique().to_owned()).await?;
        m.create_index(index("ix_variants_product", Variants::Table, &["product_id", "position"])).await?;

        m.create_table(
            Table::create()
                .table(StockMovements::Table)
                .col(pk_uuid(StockMovements::Id))
                .col(ColumnDef::new(StockMovements::VariantId).uuid().not_null())
                .col(ColumnDef::new(StockMovements::Delta).integer().not_null())
                .col(ColumnDef::new(StockMovements::QuantityAfter).integer().not_null())
                .col(ColumnDef::new(StockMovements::Reason).string_len(32).not_null())
                .col(ColumnDef::new(StockMovements::Note).string().null())
                .col(ColumnDef::new(StockMovements::ActorId).uuid().null())
                .col(timestamp(StockMovements::CreatedAt))
                .foreign_key(&mut fk_cascade(
                    "fk_stock_movements_variant",
                    (StockMovements::Table, StockMovements::VariantId),
                    (Variants::Table, Variants::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_stock_movements_variant", StockMovements::Table, &["variant_id", "created_at"])).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "stock_movements",
            "variants",
            "product_images",
            "product_attributes",
            "product_categories",
            "products",
            "categories",
            "vendors",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned()).await?;
        }
        Ok(())
    }
}
