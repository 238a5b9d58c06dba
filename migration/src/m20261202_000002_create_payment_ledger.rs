use sea_orm_migration::prelude::*;

use crate::{fk_cascade, pk_uuid, timestamp};

/// Payments grow into a ledger that survives crashes, retries and out-of-order provider events:
/// - `payments` gains the payment method (a retry of an attempt resends the same request under the
///   same idempotency key), a lease on the provider call in flight, and the amount refunded;
///   an order has at most one live attempt (partial unique index);
/// - `refunds` and `disputes` track money going back;
/// - `webhook_events` records each provider event applied (at most once, under its unique id);
/// - `outbox` holds events written in the same transaction as their change and work to do after
///   commit (provider calls, retries), delivered at least once by a relay.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Payments {
    Table,
    Id,
    Status,
    PaymentMethod,
    LeaseUntil,
    RefundedMinor,
}

#[derive(DeriveIden)]
enum Refunds {
    Table,
    Id,
    OrderId,
    PaymentId,
    Provider,
    ProviderRef,
    IdempotencyKey,
    AmountMinor,
    Currency,
    Reason,
    Lines,
    Restock,
    Status,
    FailureCode,
    Attempts,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Disputes {
    Table,
    Id,
    OrderId,
    PaymentId,
    ProviderRef,
    AmountMinor,
    Currency,
    Reason,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookEvents {
    Table,
    Id,
    Provider,
    EventType,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    AggregateType,
    AggregateId,
    Seq,
    EventType,
    Version,
    Payload,
    OccurredAt,
    AvailableAt,
    Attempts,
    LastError,
    ClaimedUntil,
    DeliveredAt,
}

/// The statuses of a payment attempt that may still move money (at most one per order).
pub const LIVE_PAYMENT_STATUSES: &str = "'PENDING', 'REQUIRES_PAYMENT_METHOD', 'REQUIRES_ACTION', 'PROCESSING'";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            ColumnDef::new(Payments::PaymentMethod).string_len(255).null().to_owned(),
            ColumnDef::new(Payments::LeaseUntil).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(Payments::RefundedMinor).big_integer().not_null().default(0).to_owned(),
        ] {
            m.alter_table(Table::alter().table(Payments::Table).add_column(col).to_owned()).await?;
        }
        // Attempts left live by the old flow (a crash between commit and provider call) would
        // break the index below; they never reached the provider's answer, so they failed.
        m.get_connection()
            .execute_unprepared(&format!(
                "UPDATE payments SET status = 'FAILED', failure_code = 'superseded'
                 WHERE status IN ({LIVE_PAYMENT_STATUSES}) AND EXISTS
                   (SELECT 1 FROM payments AS newer WHERE newer.order_id = payments.order_id
                    AND newer.status IN ({LIVE_PAYMENT_STATUSES}) AND newer.id > payments.id)"
            ))
            .await?;
        // One live attempt per order (partial unique index; same syntax on both databases).
        m.get_connection()
            .execute_unprepared(&format!(
                "CREATE UNIQUE INDEX ux_payments_live_attempt ON payments (order_id)
                 WHERE status IN ({LIVE_PAYMENT_STATUSES})"
            ))
            .await?;
        m.create_index(
            Index::create()
                .name("ix_payments_status_lease")
                .table(Payments::Table)
                .col(Payments::Status)
                .col(Payments::LeaseUntil)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Refunds::Table)
                .col(pk_uuid(Refunds::Id))
                .col(ColumnDef::new(Refunds::OrderId).uuid().not_null())
                .col(ColumnDef::new(Refunds::PaymentId).uuid().not_null())
                .col(ColumnDef::new(Refunds::Provider).string_len(32).not_null())
                .col(ColumnDef::new(Refunds::ProviderRef).string_len(255).null())
                .col(ColumnDef::new(Refunds::IdempotencyKey).string_len(255).not_null())
                .col(ColumnDef::new(Refunds::AmountMinor).big_integer().not_null())
                .col(ColumnDef::new(Refunds::Currency).char_len(3).not_null())
                .col(ColumnDef::new(Refunds::Reason).string_len(500).null())
                .col(ColumnDef::new(Refunds::Lines).json().not_null())
                .col(ColumnDef::new(Refunds::Restock).boolean().not_null())
                .col(ColumnDef::new(Refunds::Status).string_len(24).not_null())
                .col(ColumnDef::new(Refunds::FailureCode).string_len(255).null())
                .col(ColumnDef::new(Refunds::Attempts).integer().not_null().default(0))
                .col(ColumnDef::new(Refunds::CreatedBy).uuid().null())
                .col(timestamp(Refunds::CreatedAt))
                .col(timestamp(Refunds::UpdatedAt))
                .foreign_key(&mut fk_cascade(
                    "fk_refunds_order",
                    (Refunds::Table, Refunds::OrderId),
                    (Orders::Table, Orders::Id),
                ))
                .foreign_key(&mut fk_cascade(
                    "fk_refunds_payment",
                    (Refunds::Table, Refunds::PaymentId),
                    (Payments::Table, Payments::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_refunds_idempotency_key")
                .table(Refunds::Table)
                .col(Refunds::IdempotencyKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_refunds_order").table(Refunds::Table).col(Refunds::OrderId).to_owned())
            .await?;
        m.create_index(
            Index::create().name("ix_refunds_provider_ref").table(Refunds::Table).col(Refunds::ProviderRef).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Disputes::Table)
                .col(pk_uuid(Disputes::Id))
                .col(ColumnDef::new(Disputes::OrderId).uuid().not_null())
                .col(ColumnDef::new(Disputes::PaymentId).uuid().not_null())
                .col(ColumnDef::new(Disputes::ProviderRef).string_len(255).not_null())
                .col(ColumnDef::new(Disputes::AmountMinor).big_integer().not_null())
                .col(ColumnDef::new(Disputes::Currency).char_len(3).not_null())
                .col(ColumnDef::new(Disputes::Reason).string_len(64).not_null())
                .col(ColumnDef::new(Disputes::Status).string_len(32).not_null())
                .col(timestamp(Disputes::CreatedAt))
                .col(timestamp(Disputes::UpdatedAt))
                .foreign_key(&mut fk_cascade(
                    "fk_disputes_order",
                    (Disputes::Table, Disputes::OrderId),
                    (Orders::Table, Orders::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_disputes_provider_ref")
                .table(Disputes::Table)
                .col(Disputes::ProviderRef)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_disputes_order").table(Disputes::Table).col(Disputes::OrderId).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WebhookEvents::Table)
                .col(ColumnDef::new(WebhookEvents::Id).string_len(255).not_null().primary_key())
                .col(ColumnDef::new(WebhookEvents::Provider).string_len(32).not_null())
                .col(ColumnDef::new(WebhookEvents::EventType).string_len(128).not_null())
                .col(timestamp(WebhookEvents::ReceivedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Outbox::Table)
                .col(pk_uuid(Outbox::Id))
                .col(ColumnDef::new(Outbox::AggregateType).string_len(64).not_null())
                .col(ColumnDef::new(Outbox::AggregateId).string_len(64).not_null())
                .col(ColumnDef::new(Outbox::Seq).big_integer().not_null())
                .col(ColumnDef::new(Outbox::EventType).string_len(128).not_null())
                .col(ColumnDef::new(Outbox::Version).integer().not_null())
                .col(ColumnDef::new(Outbox::Payload).json().not_null())
                .col(timestamp(Outbox::OccurredAt))
                .col(timestamp(Outbox::AvailableAt))
                .col(ColumnDef::new(Outbox::Attempts).integer().not_null().default(0))
                .col(ColumnDef::new(Outbox::LastError).text().null())
                .col(ColumnDef::new(Outbox::ClaimedUntil).timestamp_with_time_zone().null())
                .col(ColumnDef::new(Outbox::DeliveredAt).timestamp_with_time_zone().null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_outbox_aggregate_seq")
                .table(Outbox::Table)
                .col(Outbox::AggregateType)
                .col(Outbox::AggregateId)
                .col(Outbox::Seq)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_outbox_due")
                .table(Outbox::Table)
                .col(Outbox::DeliveredAt)
                .col(Outbox::AvailableAt)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Outbox::Table.into_iden(),
            WebhookEvents::Table.into_iden(),
            Disputes::Table.into_iden(),
            Refunds::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.get_connection().execute_unprepared("DROP INDEX ux_payments_live_attempt").await?;
        m.drop_index(Index::drop().name("ix_payments_status_lease").table(Payments::Table).to_owned()).await?;
        for col in [Payments::PaymentMethod, Payments::LeaseUntil, Payments::RefundedMinor] {
            m.alter_table(Table::alter().table(Payments::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
