use sea_orm_migration::prelude::*;

use crate::{fk_cascade, pk_uuid, timestamp};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
    Code,
    CustomerId,
    Email,
    Status,
    Currency,
    PricesIncludeTax,
    SubtotalMinor,
    DiscountMinor,
    ShippingMinor,
    TaxMinor,
    TotalMinor,
    ShippingAddress,
    BillingAddress,
    Discounts,
    CartId,
    ReservedUntil,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum VendorOrders {
    Table,
    Id,
    OrderId,
    VendorId,
    ShippingMethodId,
    ShippingMethodName,
    ShippingMinor,
    ShippingTaxMinor,
    ShippingTaxLines,
    SubtotalMinor,
    DiscountMinor,
    TaxMinor,
    TotalMinor,
}

#[derive(DeriveIden)]
enum OrderLines {
    Table,
    Id,
    OrderId,
    VendorOrderId,
    VariantId,
    ProductId,
    ProductTitle,
    VariantTitle,
    Sku,
    Quantity,
    FulfilledQuantity,
    UnitPriceMinor,
    SubtotalMinor,
    DiscountMinor,
    TaxMinor,
    TotalMinor,
    TaxLines,
    Position,
}

#[derive(DeriveIden)]
enum OrderHistory {
    Table,
    Id,
    OrderId,
    FromStatus,
    ToStatus,
    ActorKind,
    ActorId,
    Note,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CheckoutIdempotency {
    Table,
    PrincipalKey,
    IdempotencyKey,
    CartId,
    OrderId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Payments {
    Table,
    Id,
    OrderId,
    Provider,
    ProviderRef,
    IdempotencyKey,
    AmountMinor,
    Currency,
    Status,
    FailureCode,
    ClientSecret,
    CreatedAt,
    UpdatedAt,
}

fn money(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Orders::Table)
                .col(pk_uuid(Orders::Id))
                .col(ColumnDef::new(Orders::Code).string_len(16).not_null())
                .col(ColumnDef::new(Orders::CustomerId).uuid().null())
                .col(ColumnDef::new(Orders::Email).string_len(254).not_null())
                .col(ColumnDef::new(Orders::Status).string_len(24).not_null())
                .col(ColumnDef::new(Orders::Currency).char_len(3).not_null())
                .col(ColumnDef::new(Orders::PricesIncludeTax).boolean().not_null())
                .col(money(Orders::SubtotalMinor))
                .col(money(Orders::DiscountMinor))
                .col(money(Orders::ShippingMinor))
                .col(money(Orders::TaxMinor))
                .col(money(Orders::TotalMinor))
                .col(ColumnDef::new(Orders::ShippingAddress).json().not_null())
                .col(ColumnDef::new(Orders::BillingAddress).json().not_null())
                .col(ColumnDef::new(Orders::Discounts).json().not_null())
                .col(ColumnDef::new(Orders::CartId).uuid().not_null())
                .col(ColumnDef::new(Orders::ReservedUntil).timestamp_with_time_zone().not_null())
                .col(timestamp(Orders::CreatedAt))
                .col(timestamp(Orders::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ux_orders_code").table(Orders::Table).col(Orders::Code).unique().to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ux_orders_cart").table(Orders::Table).col(Orders::CartId).unique().to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_orders_customer")
                .table(Orders::Table)
                .col(Orders::CustomerId)
                .col(Orders::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_orders_status_reserved")
                .table(Orders::Table)
                .col(Orders::Status)
                .col(Orders::ReservedUntil)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(VendorOrders::Table)
                .col(pk_uuid(VendorOrders::Id))
                .col(ColumnDef::new(VendorOrders::OrderId).uuid().not_null())
                .col(ColumnDef::new(VendorOrders::VendorId).uuid().not_null())
                .col(ColumnDef::new(VendorOrders::ShippingMethodId).uuid().null())
                .col(ColumnDef::new(VendorOrders::ShippingMethodName).string().null())
                .col(money(VendorOrders::ShippingMinor))
                .col(money(VendorOrders::ShippingTaxMinor))
                .col(ColumnDef::new(VendorOrders::ShippingTaxLines).json().not_null())
                .col(money(VendorOrders::SubtotalMinor))
                .col(money(VendorOrders::DiscountMinor))
                .col(money(VendorOrders::TaxMinor))
                .col(money(VendorOrders::TotalMinor))
                .foreign_key(&mut fk_cascade(
                    "fk_vendor_orders_order",
                    (VendorOrders::Table, VendorOrders::OrderId),
                    (Orders::Table, Orders::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_vendor_orders_order")
                .table(VendorOrders::Table)
                .col(VendorOrders::OrderId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_vendor_orders_vendor")
                .table(VendorOrders::Table)
                .col(VendorOrders::VendorId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(OrderLines::Table)
                .col(pk_uuid(OrderLines::Id))
                .col(ColumnDef::new(OrderLines::OrderId).uuid().not_null())
                .col(ColumnDef::new(OrderLines::VendorOrderId).uuid().not_null())
                .col(ColumnDef::new(OrderLines::VariantId).uuid().not_null())
                .col(ColumnDef::new(OrderLines::ProductId).uuid().not_null())
                .col(ColumnDef::new(OrderLines::ProductTitle).string().not_null())
                .col(ColumnDef::new(OrderLines::VariantTitle).string().not_null())
                .col(ColumnDef::new(OrderLines::Sku).string_len(64).not_null())
                .col(ColumnDef::new(OrderLines::Quantity).integer().not_null())
                .col(ColumnDef::new(OrderLines::FulfilledQuantity).integer().not_null().default(0))
                .col(money(OrderLines::UnitPriceMinor))
                .col(money(OrderLines::SubtotalMinor))
                .col(money(OrderLines::DiscountMinor))
                .col(money(OrderLines::TaxMinor))
                .col(money(OrderLines::TotalMinor))
                .col(ColumnDef::new(OrderLines::TaxLines).json().not_null())
                .col(ColumnDef::new(OrderLines::Position).integer().not_null())
                .foreign_key(&mut fk_cascade(
                    "fk_order_lines_order",
                    (OrderLines::Table, OrderLines::OrderId),
                    (Orders::Table, Orders::Id),
                ))
                .foreign_key(&mut fk_cascade(
                    "fk_order_lines_vendor_order",
                    (OrderLines::Table, OrderLines::VendorOrderId),
                    (VendorOrders::Table, VendorOrders::Id),
                ))
                .check(Expr::col(OrderLines::FulfilledQuantity).lte(Expr::col(OrderLines::Quantity)))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_order_lines_order").table(OrderLines::Table).col(OrderLines::OrderId).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(OrderHistory::Table)
                .col(pk_uuid(OrderHistory::Id))
                .col(ColumnDef::new(OrderHistory::OrderId).uuid().not_null())
                .col(ColumnDef::new(OrderHistory::FromStatus).string_len(24).null())
                .col(ColumnDef::new(OrderHistory::ToStatus).string_len(24).not_null())
                .col(ColumnDef::new(OrderHistory::ActorKind).string_len(16).not_null())
                .col(ColumnDef::new(OrderHistory::ActorId).uuid().null())
                .col(ColumnDef::new(OrderHistory::Note).string().null())
                .col(timestamp(OrderHistory::CreatedAt))
                .foreign_key(&mut fk_cascade(
                    "fk_order_history_order",
                    (OrderHistory::Table, OrderHistory::OrderId),
                    (Orders::Table, Orders::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_order_history_order")
                .table(OrderHistory::Table)
                .col(OrderHistory::OrderId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CheckoutIdempotency::Table)
                .col(ColumnDef::new(CheckoutIdempotency::PrincipalKey).string_len(128).not_null())
                .col(ColumnDef::new(CheckoutIdempotency::IdempotencyKey).string_len(255).not_null())
                .col(ColumnDef::new(CheckoutIdempotency::CartId).uuid().not_null())
                .col(ColumnDef::new(CheckoutIdempotency::OrderId).uuid().not_null())
                .col(timestamp(CheckoutIdempotency::CreatedAt))
                .primary_key(Index::create().col(CheckoutIdempotency::IdempotencyKey))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Payments::Table)
                .col(pk_uuid(Payments::Id))
                .col(ColumnDef::new(Payments::OrderId).uuid().not_null())
                .col(ColumnDef::new(Payments::Provider).string_len(32).not_null())
                .col(ColumnDef::new(Payments::ProviderRef).string_len(255).null())
                .col(ColumnDef::new(Payments::IdempotencyKey).string_len(255).not_null())
                .col(money(Payments::AmountMinor))
                .col(ColumnDef::new(Payments::Currency).char_len(3).not_null())
                .col(ColumnDef::new(Payments::Status).string_len(24).not_null())
                .col(ColumnDef::new(Payments::FailureCode).string_len(64).null())
                .col(ColumnDef::new(Payments::ClientSecret).string_len(255).null())
                .col(timestamp(Payments::CreatedAt))
                .col(timestamp(Payments::UpdatedAt))
                .foreign_key(&mut fk_cascade(
                    "fk_payments_order",
                    (Payments::Table, Payments::OrderId),
                    (Orders::Table, Orders::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_payments_idempotency")
                .table(Payments::Table)
                .col(Payments::IdempotencyKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_payments_order").table(Payments::Table).col(Payments::OrderId).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["payments", "checkout_idempotency", "order_history", "order_lines", "vendor_orders", "orders"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned()).await?;
        }
        Ok(())
    }
}
