use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{marketplace_settings, vendor, vendor_member};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
    SqlErr,
};

use crate::{
    shared::{
        ids::{TypedId, UserId, VendorId},
        text::Slug,
    },
    vendors::{
        error::VendorError,
        model::{MarketplaceSettings, MemberRole, NewVendor, Vendor, VendorProfile, VendorStatus},
    },
};

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
    .map_err(|e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => VendorError::SlugTaken,
        _ => VendorError::Db(e),
    })?;
    Ok(to_model(row)?)
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
