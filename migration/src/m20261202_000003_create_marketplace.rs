use sea_orm_migration::prelude::*;

use crate::{fk_cascade, pk_uuid, timestamp};

/// The marketplace in core:
/// - vendors gain onboarding (`PENDING` → `ACTIVE`/`REJECTED`, `SUSPENDED`, with a reason), a
///   profile editable by their owners, trust (auto-approval) and a commission override;
/// - `vendor_members` (a user's role in a vendor) and `vendor_invites` (single-use, hashed token);
/// - products gain an approval state beside their status, with every decision in
///   `product_history`;
/// - vendor orders gain their own status; `fulfillments` and their lines record shipments, and
///   order lines count units cancelled before shipping;
/// - users can be blocked; `marketplace_settings` holds the platform's default commission and
///   whether edits to approved products need review again;
/// - `audit_log`: every privileged action, append-only (triggers refuse UPDATE and DELETE).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    BlockedAt,
}

#[derive(DeriveIden)]
enum Vendors {
    Table,
    Id,
    StatusReason,
    ContactEmail,
    Country,
    Description,
    LogoUrl,
    ReturnPolicy,
    SupportEmail,
    Trusted,
    CommissionBps,
    AppliedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum VendorMembers {
    Table,
    VendorId,
    UserId,
    Role,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum VendorInvites {
    Table,
    Id,
    VendorId,
    Email,
    Role,
    TokenHash,
    InvitedBy,
    ExpiresAt,
    AcceptedAt,
    AcceptedBy,
    RevokedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    ApprovalStatus,
    ApprovalReason,
}

#[derive(DeriveIden)]
enum ProductHistory {
    Table,
    Id,
    ProductId,
    VendorId,
    ActorId,
    Action,
    FromStatus,
    ToStatus,
    Reason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum VendorOrders {
    Table,
    Id,
    Status,
}

#[derive(DeriveIden)]
enum OrderLines {
    Table,
    Id,
    CancelledQuantity,
}

#[derive(DeriveIden)]
enum Fulfillments {
    Table,
    Id,
    OrderId,
    VendorOrderId,
    VendorId,
    Carrier,
    TrackingNumber,
    TrackingUrl,
    Status,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    DeliveredAt,
}

#[derive(DeriveIden)]
enum FulfillmentLines {
    Table,
    FulfillmentId,
    OrderLineId,
    Quantity,
}

#[derive(DeriveIden)]
enum MarketplaceSettings {
    Table,
    Id,
    DefaultCommissionBps,
    ReviewApprovedEdits,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    ActorId,
    ActorRole,
    Action,
    TargetType,
    TargetId,
    VendorId,
    Summary,
    RequestId,
    CreatedAt,
}

async fn add_columns(m: &SchemaManager<'_>, table: impl IntoIden, cols: Vec<ColumnDef>) -> Result<(), DbErr> {
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    let table = table.into_iden();
    for col in cols {
        m.alter_table(Table::alter().table(table.clone()).add_column(col).to_owned()).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        add_columns(
            m,
            Users::Table,
            vec![ColumnDef::new(Users::BlockedAt).timestamp_with_time_zone().null().to_owned()],
        )
        .await?;

        add_columns(
            m,
            Vendors::Table,
            vec![
                ColumnDef::new(Vendors::StatusReason).string_len(1000).null().to_owned(),
                ColumnDef::new(Vendors::ContactEmail).string_len(254).null().to_owned(),
                ColumnDef::new(Vendors::Country).char_len(2).null().to_owned(),
                ColumnDef::new(Vendors::Description).text().not_null().default("").to_owned(),
                ColumnDef::new(Vendors::LogoUrl).string_len(2048).null().to_owned(),
                ColumnDef::new(Vendors::ReturnPolicy).text().not_null().default("").to_owned(),
                ColumnDef::new(Vendors::SupportEmail).string_len(254).null().to_owned(),
                ColumnDef::new(Vendors::Trusted).boolean().not_null().default(false).to_owned(),
                ColumnDef::new(Vendors::CommissionBps).integer().null().to_owned(),
                ColumnDef::new(Vendors::AppliedBy).uuid().null().to_owned(),
                ColumnDef::new(Vendors::UpdatedAt).timestamp_with_time_zone().null().to_owned(),
            ],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(VendorMembers::Table)
                .col(ColumnDef::new(VendorMembers::VendorId).uuid().not_null())
                .col(ColumnDef::new(VendorMembers::UserId).uuid().not_null())
                .col(ColumnDef::new(VendorMembers::Role).string_len(16).not_null())
                .col(timestamp(VendorMembers::CreatedAt))
                .col(timestamp(VendorMembers::UpdatedAt))
                .primary_key(Index::create().col(VendorMembers::VendorId).col(VendorMembers::UserId))
                .foreign_key(&mut fk_cascade(
                    "fk_vendor_members_vendor",
                    (VendorMembers::Table, VendorMembers::VendorId),
                    (Vendors::Table, Vendors::Id),
                ))
                .foreign_key(&mut fk_cascade(
                    "fk_vendor_members_user",
                    (VendorMembers::Table, VendorMembers::UserId),
                    (Users::Table, Users::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_vendor_members_user")
                .table(VendorMembers::Table)
                .col(VendorMembers::UserId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(VendorInvites::Table)
                .col(pk_uuid(VendorInvites::Id))
                .col(ColumnDef::new(VendorInvites::VendorId).uuid().not_null())
                .col(ColumnDef::new(VendorInvites::Email).string_len(254).not_null())
                .col(ColumnDef::new(VendorInvites::Role).string_len(16).not_null())
                .col(ColumnDef::new(VendorInvites::TokenHash).string_len(64).not_null())
                .col(ColumnDef::new(VendorInvites::InvitedBy).uuid().null())
                .col(timestamp(VendorInvites::ExpiresAt))
                .col(ColumnDef::new(VendorInvites::AcceptedAt).timestamp_with_time_zone().null())
                .col(ColumnDef::new(VendorInvites::AcceptedBy).uuid().null())
                .col(ColumnDef::new(VendorInvites::RevokedAt).timestamp_with_time_zone().null())
                .col(timestamp(VendorInvites::CreatedAt))
                .foreign_key(&mut fk_cascade(
                    "fk_vendor_invites_vendor",
                    (VendorInvites::Table, VendorInvites::VendorId),
                    (Vendors::Table, Vendors::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_vendor_invites_token_hash")
                .table(VendorInvites::Table)
                .col(VendorInvites::TokenHash)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_vendor_invites_vendor")
                .table(VendorInvites::Table)
                .col(VendorInvites::VendorId)
                .to_owned(),
        )
        .await?;

        // Products that exist before the marketplace were put on sale by staff: approved.
        add_columns(
            m,
            Products::Table,
            vec![
                ColumnDef::new(Products::ApprovalStatus).string_len(24).not_null().default("APPROVED").to_owned(),
                ColumnDef::new(Products::ApprovalReason).string_len(1000).null().to_owned(),
            ],
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_products_approval_status")
                .table(Products::Table)
                .col(Products::ApprovalStatus)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ProductHistory::Table)
                .col(pk_uuid(ProductHistory::Id))
                .col(ColumnDef::new(ProductHistory::ProductId).uuid().not_null())
                .col(ColumnDef::new(ProductHistory::VendorId).uuid().not_null())
                .col(ColumnDef::new(ProductHistory::ActorId).uuid().null())
                .col(ColumnDef::new(ProductHistory::Action).string_len(32).not_null())
                .col(ColumnDef::new(ProductHistory::FromStatus).string_len(24).null())
                .col(ColumnDef::new(ProductHistory::ToStatus).string_len(24).null())
                .col(ColumnDef::new(ProductHistory::Reason).string_len(1000).null())
                .col(timestamp(ProductHistory::CreatedAt))
                .foreign_key(&mut fk_cascade(
                    "fk_product_history_product",
                    (ProductHistory::Table, ProductHistory::ProductId),
                    (Products::Table, Products::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_product_history_product")
                .table(ProductHistory::Table)
                .col(ProductHistory::ProductId)
                .col(ProductHistory::CreatedAt)
                .to_owned(),
        )
        .await?;

        // Vendor orders get their own status, taken from their order's; a partly shipped
        // order's vendor orders are placed by their own lines.
        add_columns(
            m,
            VendorOrders::Table,
            vec![ColumnDef::new(VendorOrders::Status).string_len(24).not_null().default("PAYMENT_PENDING").to_owned()],
        )
        .await?;
        db.execute_unprepared(
            "UPDATE vendor_orders SET status = (SELECT o.status FROM orders o WHERE o.id = vendor_orders.order_id)",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE vendor_orders SET status = CASE
               WHEN NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.vendor_order_id = vendor_orders.id
                                AND l.fulfilled_quantity < l.quantity) THEN 'FULFILLED'
               WHEN EXISTS (SELECT 1 FROM order_lines l WHERE l.vendor_order_id = vendor_orders.id
                            AND l.fulfilled_quantity > 0) THEN 'PARTIALLY_FULFILLED'
               ELSE 'PAID' END
             WHERE status = 'PARTIALLY_FULFILLED'",
        )
        .await?;

        add_columns(
            m,
            OrderLines::Table,
            vec![ColumnDef::new(OrderLines::CancelledQuantity).integer().not_null().default(0).to_owned()],
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Fulfillments::Table)
                .col(pk_uuid(Fulfillments::Id))
                .col(ColumnDef::new(Fulfillments::OrderId).uuid().not_null())
                .col(ColumnDef::new(Fulfillments::VendorOrderId).uuid().not_null())
                .col(ColumnDef::new(Fulfillments::VendorId).uuid().not_null())
                .col(ColumnDef::new(Fulfillments::Carrier).string_len(100).null())
                .col(ColumnDef::new(Fulfillments::TrackingNumber).string_len(100).null())
                .col(ColumnDef::new(Fulfillments::TrackingUrl).string_len(2048).null())
                .col(ColumnDef::new(Fulfillments::Status).string_len(16).not_null())
                .col(ColumnDef::new(Fulfillments::CreatedBy).uuid().null())
                .col(timestamp(Fulfillments::CreatedAt))
                .col(timestamp(Fulfillments::UpdatedAt))
                .col(ColumnDef::new(Fulfillments::DeliveredAt).timestamp_with_time_zone().null())
                .foreign_key(&mut fk_cascade(
                    "fk_fulfillments_order",
                    (Fulfillments::Table, Fulfillments::OrderId),
                    (Orders::Table, Orders::Id),
                ))
                .foreign_key(&mut fk_cascade(
                    "fk_fulfillments_vendor_order",
                    (Fulfillments::Table, Fulfillments::VendorOrderId),
                    (VendorOrders::Table, VendorOrders::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_fulfillments_order")
                .table(Fulfillments::Table)
                .col(Fulfillments::OrderId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_fulfillments_vendor_order")
                .table(Fulfillments::Table)
                .col(Fulfillments::VendorOrderId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(FulfillmentLines::Table)
                .col(ColumnDef::new(FulfillmentLines::FulfillmentId).uuid().not_null())
                .col(ColumnDef::new(FulfillmentLines::OrderLineId).uuid().not_null())
                .col(ColumnDef::new(FulfillmentLines::Quantity).integer().not_null())
                .primary_key(Index::create().col(FulfillmentLines::FulfillmentId).col(FulfillmentLines::OrderLineId))
                .foreign_key(&mut fk_cascade(
                    "fk_fulfillment_lines_fulfillment",
                    (FulfillmentLines::Table, FulfillmentLines::FulfillmentId),
                    (Fulfillments::Table, Fulfillments::Id),
                ))
                .foreign_key(&mut fk_cascade(
                    "fk_fulfillment_lines_line",
                    (FulfillmentLines::Table, FulfillmentLines::OrderLineId),
                    (OrderLines::Table, OrderLines::Id),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(MarketplaceSettings::Table)
                .col(ColumnDef::new(MarketplaceSettings::Id).integer().not_null().primary_key())
                .col(ColumnDef::new(MarketplaceSettings::DefaultCommissionBps).integer().not_null())
                .col(ColumnDef::new(MarketplaceSettings::ReviewApprovedEdits).boolean().not_null())
                .col(timestamp(MarketplaceSettings::UpdatedAt))
                .to_owned(),
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO marketplace_settings (id, default_commission_bps, review_approved_edits, updated_at)
             VALUES (1, 1000, FALSE, CURRENT_TIMESTAMP)",
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(pk_uuid(AuditLog::Id))
                .col(ColumnDef::new(AuditLog::ActorId).uuid().null())
                .col(ColumnDef::new(AuditLog::ActorRole).string_len(16).null())
                .col(ColumnDef::new(AuditLog::Action).string_len(64).not_null())
                .col(ColumnDef::new(AuditLog::TargetType).string_len(32).not_null())
                .col(ColumnDef::new(AuditLog::TargetId).string_len(64).not_null())
                .col(ColumnDef::new(AuditLog::VendorId).uuid().null())
                .col(ColumnDef::new(AuditLog::Summary).json().not_null())
                .col(ColumnDef::new(AuditLog::RequestId).string_len(128).not_null())
                .col(timestamp(AuditLog::CreatedAt))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ix_audit_log_created", vec![AuditLog::CreatedAt, AuditLog::Id]),
            ("ix_audit_log_target", vec![AuditLog::TargetType, AuditLog::TargetId]),
            ("ix_audit_log_actor", vec![AuditLog::ActorId]),
        ] {
            let mut idx = Index::create().name(name).table(AuditLog::Table).to_owned();
            for c in cols {
                idx.col(c);
            }
            m.create_index(idx).await?;
        }
        match m.get_database_backend() {
            sea_orm_migration::sea_orm::DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
                     $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
                     FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
                )
                .await?;
            }
            _ => {
                for op in ["UPDATE", "DELETE"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER audit_log_no_{} BEFORE {op} ON audit_log
                         BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
                        op.to_lowercase()
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            AuditLog::Table.into_iden(),
            MarketplaceSettings::Table.into_iden(),
            FulfillmentLines::Table.into_iden(),
            Fulfillments::Table.into_iden(),
            ProductHistory::Table.into_iden(),
            VendorInvites::Table.into_iden(),
            VendorMembers::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        if m.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
            m.get_connection().execute_unprepared("DROP FUNCTION audit_log_append_only()").await?;
        }
        m.drop_index(Index::drop().name("ix_products_approval_status").table(Products::Table).to_owned()).await?;
        for (table, col) in [
            (OrderLines::Table.into_iden(), OrderLines::CancelledQuantity.into_iden()),
            (VendorOrders::Table.into_iden(), VendorOrders::Status.into_iden()),
            (Products::Table.into_iden(), Products::ApprovalReason.into_iden()),
            (Products::Table.into_iden(), Products::ApprovalStatus.into_iden()),
            (Users::Table.into_iden(), Users::BlockedAt.into_iden()),
        ] {
            m.alter_table(Table::alter().table(table).drop_column(col).to_owned()).await?;
        }
        for col in [
            Vendors::StatusReason,
            Vendors::ContactEmail,
            Vendors::Country,
            Vendors::Description,
            Vendors::LogoUrl,
            Vendors::ReturnPolicy,
            Vendors::SupportEmail,
            Vendors::Trusted,
            Vendors::CommissionBps,
            Vendors::AppliedBy,
            Vendors::UpdatedAt,
        ] {
            m.alter_table(Table::alter().table(Vendors::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
