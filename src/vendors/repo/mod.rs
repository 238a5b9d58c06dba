//! Vendors, their members and invites, and the marketplace settings row.

mod members;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{marketplace_settings, vendor, vendor_member};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, SqlErr, sea_query::Expr,
};

pub use members::*;

use crate::{
    shared::{
        ids::{TypedId, UserId, VendorId},
        text::Slug,
    },
    vendors::{
        error::VendorError,
        model::{Application, MarketplaceSettings, MemberRole, NewVendor, Vendor, VendorProfile, VendorStatus},
    },
};

fn on_unique(e: DbErr) -> VendorError {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => VendorError::SlugTaken,
        _ => VendorError::Db(e),
    }
}

fn to_model(m: vendor::Model) -> Result<Vendor, DbErr> {
    Ok(Vendor {
        id: VendorId(m.id),
        name: m.name,
        slug: Slug::parse(&m.slug).map_err(|_| DbErr::Type("stored vendor slug is invalid".into()))?,
        status: VendorStatus::parse(&m.status)
            .ok_or_else(|| DbErr::Type(format!("unknown vendor status {}", m.status)))?,
        status_reason: m.status_reason,
        profile: VendorProfile {
            description: m.description,
            contact_email: m.contact_email,
            country: m.country,
            logo_url: m.logo_url,
            return_policy: m.return_policy,
            support_email: m.support_email,
        },
        trusted: m.trusted,
        commission_bps: m.commission_bps.map(|b| u32::try_from(b).unwrap_or(0)),
        applied_by: m.applied_by.map(UserId),
        created_at: m.created_at,
        updated_at: m.updated_at.unwrap_or(m.created_at),
    })
}

pub async fn insert(db: &impl ConnectionTrait, new: &NewVendor, now: DateTime<Utc>) -> Result<Vendor, VendorError> {
    let row = vendor::ActiveModel {
        id: Set(VendorId::new().uuid()),
        name: Set(new.name.clone()),
        slug: Set(new.slug.as_str().to_owned()),
        status: Set(VendorStatus::Active.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(on_unique)?;
    Ok(to_model(row)?)
}

/// Inserts a `PENDING` vendor for `applicant`'s application.
pub async fn insert_application(
    db: &impl ConnectionTrait,
    app: &Application,
    applicant: UserId,
    now: DateTime<Utc>,
) -> Result<Vendor, VendorError> {
    let row = vendor::ActiveModel {
        id: Set(VendorId::new().uuid()),
        name: Set(app.name.clone()),
        slug: Set(app.slug.as_str().to_owned()),
        status: Set(VendorStatus::Pending.as_str().to_owned()),
        contact_email: Set(Some(app.contact_email.clone())),
        country: Set(Some(app.country.clone())),
        description: Set(app.description.clone()),
        return_policy: Set(String::new()),
        trusted: Set(false),
        applied_by: Set(Some(applicant.uuid())),
        created_at: Set(now),
        updated_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(on_unique)?;
    Ok(to_model(row)?)
}

/// Moves `id` from `from` to `to` with `reason` (compare-and-set: false when its status is no
/// longer `from`, so of two concurrent decisions one wins).
pub async fn set_status(
    db: &impl ConnectionTrait,
    id: VendorId,
    from: VendorStatus,
    to: VendorStatus,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = vendor::Entity::update_many()
        .col_expr(vendor::Column::Status, Expr::value(to.as_str()))
        .col_expr(vendor::Column::StatusReason, Expr::value(reason.map(str::to_owned)))
        .col_expr(vendor::Column::UpdatedAt, Expr::value(now))
        .filter(vendor::Column::Id.eq(id.uuid()))
        .filter(vendor::Column::Status.eq(from.as_str()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Writes a vendor's name and profile.
pub async fn update_profile(db: &impl ConnectionTrait, v: &Vendor, now: DateTime<Utc>) -> Result<(), DbErr> {
    vendor::Entity::update_many()
        .col_expr(vendor::Column::Name, Expr::value(v.name.clone()))
        .col_expr(vendor::Column::Description, Expr::value(v.profile.description.clone()))
        .col_expr(vendor::Column::LogoUrl, Expr::value(v.profile.logo_url.clone()))
        .col_expr(vendor::Column::ReturnPolicy, Expr::value(v.profile.return_policy.clone()))
        .col_expr(vendor::Column::SupportEmail, Expr::value(v.profile.support_email.clone()))
        .col_expr(vendor::Column::UpdatedAt, Expr::value(now))
        .filter(vendor::Column::Id.eq(v.id.uuid()))
        .exec(db)
        .await?;
    Ok(())
}

/// Writes a vendor's commission override and trust.
pub async fn update_terms(
    db: &impl ConnectionTrait,
    id: VendorId,
    commission_bps: Option<u32>,
    trusted: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    vendor::Entity::update_many()
        .col_expr(
            vendor::Column::CommissionBps,
            Expr::value(commission_bps.map(|b| i32::try_from(b).unwrap_or(i32::MAX))),
        )
        .col_expr(vendor::Column::Trusted, Expr::value(trusted))
        .col_expr(vendor::Column::UpdatedAt, Expr::value(now))
        .filter(vendor::Column::Id.eq(id.uuid()))
        .exec(db)
        .await?;
    Ok(())
}

/// Reads `id` and, on PostgreSQL, locks its row until the transaction ends (`FOR UPDATE`), so
/// changes to its members are serialised; SQLite has one writer anyway.
pub async fn lock(db: &impl ConnectionTrait, id: VendorId) -> Result<Option<Vendor>, DbErr> {
    vendor::Entity::find_by_id(id.uuid()).lock_exclusive().one(db).await?.map(to_model).transpose()
}

pub async fn find_by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<Option<Vendor>, DbErr> {
    vendor::Entity::find().filter(vendor::Column::Slug.eq(slug)).one(db).await?.map(to_model).transpose()
}

/// Batch lookup for the `VendorByIdLoader`.
pub async fn by_ids(db: &impl ConnectionTrait, ids: &[VendorId]) -> Result<HashMap<VendorId, Vendor>, DbErr> {
    let rows = vendor::Entity::find().filter(vendor::Column::Id.is_in(ids.iter().map(|i| i.uuid()))).all(db).await?;
    rows.into_iter().map(|r| to_model(r).map(|v| (v.id, v))).collect()
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Vendor>, DbErr> {
    vendor::Entity::find().order_by_asc(vendor::Column::Name).all(db).await?.into_iter().map(to_model).collect()
}

/// Vendors in one of `statuses`, by name (oldest first among equal names).
pub async fn list_by_statuses(db: &impl ConnectionTrait, statuses: &[VendorStatus]) -> Result<Vec<Vendor>, DbErr> {
    vendor::Entity::find()
        .filter(vendor::Column::Status.is_in(statuses.iter().map(|s| s.as_str())))
        .order_by_asc(vendor::Column::Name)
        .order_by_asc(vendor::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(to_model)
        .collect()
}

pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    vendor::Entity::find().count(db).await
}

/// The role `user` holds in `vendor`, if any.
pub async fn member_role(
    db: &impl ConnectionTrait,
    vendor: VendorId,
    user: UserId,
) -> Result<Option<MemberRole>, DbErr> {
    vendor_member::Entity::find_by_id((vendor.uuid(), user.uuid()))
        .one(db)
        .await?
        .map(|m| MemberRole::parse(&m.role).ok_or_else(|| DbErr::Type(format!("unknown member role {}", m.role))))
        .transpose()
}

/// The marketplace settings row (the migration inserts it).
pub async fn settings(db: &impl ConnectionTrait) -> Result<MarketplaceSettings, DbErr> {
    let m = marketplace_settings::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("marketplace_settings row 1".into()))?;
    Ok(MarketplaceSettings {
        default_commission_bps: u32::try_from(m.default_commission_bps).unwrap_or(0),
        review_approved_edits: m.review_approved_edits,
    })
}

/// Writes the marketplace settings row.
pub async fn update_settings(
    db: &impl ConnectionTrait,
    s: &MarketplaceSettings,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    marketplace_settings::Entity::update_many()
        .col_expr(
            marketplace_settings::Column::DefaultCommissionBps,
            Expr::value(i32::try_from(s.default_commission_bps).unwrap_or(i32::MAX)),
        )
        .col_expr(marketplace_settings::Column::ReviewApprovedEdits, Expr::value(s.review_approved_edits))
        .col_expr(marketplace_settings::Column::UpdatedAt, Expr::value(now))
        .filter(marketplace_settings::Column::Id.eq(1))
        .exec(db)
        .await?;
    Ok(())
}

/// Makes `user` a member of `vendor` with `role` (a user is a member of a vendor once).
pub async fn insert_member(
    db: &impl ConnectionTrait,
    vendor: VendorId,
    user: UserId,
    role: MemberRole,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    vendor_member::ActiveModel {
        vendor_id: Set(vendor.uuid()),
        user_id: Set(user.uuid()),
        role: Set(role.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}
