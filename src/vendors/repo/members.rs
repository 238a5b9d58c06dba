//! Members and invites.

use chrono::{DateTime, Utc};
use entity::{user, vendor_invite, vendor_member};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
    sea_query::Expr,
};

use crate::{
    shared::ids::{TypedId, UserId, VendorId, VendorInviteId},
    vendors::model::{Invite, Member, MemberRole, Membership},
};

fn role(s: &str) -> Result<MemberRole, DbErr> {
    MemberRole::parse(s).ok_or_else(|| DbErr::Type(format!("unknown member role {s}")))
}

/// A vendor's members with their e-mail addresses, oldest first.
pub async fn members(db: &impl ConnectionTrait, vendor: VendorId) -> Result<Vec<Member>, DbErr> {
    let rows = vendor_member::Entity::find()
        .filter(vendor_member::Column::VendorId.eq(vendor.uuid()))
        .order_by_asc(vendor_member::Column::CreatedAt)
        .order_by_asc(vendor_member::Column::UserId)
        .all(db)
        .await?;
    let users: std::collections::HashMap<_, _> = user::Entity::find()
        .filter(user::Column::Id.is_in(rows.iter().map(|r| r.user_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    rows.into_iter()
        .map(|r| {
            Ok(Member {
                user_id: UserId(r.user_id),
                email: users.get(&r.user_id).cloned().unwrap_or_default(),
                role: role(&r.role)?,
                since: r.created_at,
            })
        })
        .collect()
}

/// The vendors `user` is a member of, oldest membership first.
pub async fn memberships(db: &impl ConnectionTrait, user: UserId) -> Result<Vec<Membership>, DbErr> {
    vendor_member::Entity::find()
        .filter(vendor_member::Column::UserId.eq(user.uuid()))
        .order_by_asc(vendor_member::Column::CreatedAt)
        .order_by_asc(vendor_member::Column::VendorId)
        .all(db)
        .await?
        .into_iter()
        .map(|r| Ok(Membership { vendor_id: VendorId(r.vendor_id), role: role(&r.role)?, since: r.created_at }))
        .collect()
}

/// Changes a member's role; false when `user` is not a member.
pub async fn update_member_role(
    db: &impl ConnectionTrait,
    vendor: VendorId,
    user: UserId,
    role: MemberRole,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = vendor_member::Entity::update_many()
        .col_expr(vendor_member::Column::Role, Expr::value(role.as_str()))
        .col_expr(vendor_member::Column::UpdatedAt, Expr::value(now))
        .filter(vendor_member::Column::VendorId.eq(vendor.uuid()))
        .filter(vendor_member::Column::UserId.eq(user.uuid()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Removes a member; false when `user` is not a member.
pub async fn delete_member(db: &impl ConnectionTrait, vendor: VendorId, user: UserId) -> Result<bool, DbErr> {
    let res = vendor_member::Entity::delete_many()
        .filter(vendor_member::Column::VendorId.eq(vendor.uuid()))
        .filter(vendor_member::Column::UserId.eq(user.uuid()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// How many owners `vendor` has.
pub async fn count_owners(db: &impl ConnectionTrait, vendor: VendorId) -> Result<u64, DbErr> {
    vendor_member::Entity::find()
        .filter(vendor_member::Column::VendorId.eq(vendor.uuid()))
        .filter(vendor_member::Column::Role.eq(MemberRole::Owner.as_str()))
        .count(db)
        .await
}

/// The sign-in e-mail address of `user` (as accounts stored it, normalised).
pub async fn user_email(db: &impl ConnectionTrait, user: UserId) -> Result<Option<String>, DbErr> {
    Ok(user::Entity::find_by_id(user.uuid()).one(db).await?.map(|u| u.email))
}

fn invite(m: vendor_invite::Model) -> Result<Invite, DbErr> {
    Ok(Invite {
        id: VendorInviteId(m.id),
        vendor_id: VendorId(m.vendor_id),
        email: m.email,
        role: role(&m.role)?,
        invited_by: m.invited_by.map(UserId),
        expires_at: m.expires_at,
        accepted_at: m.accepted_at,
        accepted_by: m.accepted_by.map(UserId),
        revoked_at: m.revoked_at,
        created_at: m.created_at,
    })
}

/// Stores an invite with the SHA-256 (hex) of its token.
pub async fn insert_invite(db: &impl ConnectionTrait, i: &Invite, token_hash: &str) -> Result<(), DbErr> {
    vendor_invite::ActiveModel {
        id: Set(i.id.uuid()),
        vendor_id: Set(i.vendor_id.uuid()),
        email: Set(i.email.clone()),
        role: Set(i.role.as_str().to_owned()),
        token_hash: Set(token_hash.to_owned()),
        invited_by: Set(i.invited_by.map(|u| u.uuid())),
        expires_at: Set(i.expires_at),
        accepted_at: Set(None),
        accepted_by: Set(None),
        revoked_at: Set(None),
        created_at: Set(i.created_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The invite with this id, if any (its vendor is then authorised by the caller).
pub async fn invite_by_id(db: &impl ConnectionTrait, id: VendorInviteId) -> Result<Option<Invite>, DbErr> {
    vendor_invite::Entity::find_by_id(id.uuid()).one(db).await?.map(invite).transpose()
}

/// The invite whose token hashes to `token_hash`, if any.
pub async fn invite_by_token_hash(db: &impl ConnectionTrait, token_hash: &str) -> Result<Option<Invite>, DbErr> {
    vendor_invite::Entity::find()
        .filter(vendor_invite::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
        .map(invite)
        .transpose()
}

/// A vendor's invites that can still be accepted at `now`, newest first.
pub async fn pending_invites(
    db: &impl ConnectionTrait,
    vendor: VendorId,
    now: DateTime<Utc>,
) -> Result<Vec<Invite>, DbErr> {
    vendor_invite::Entity::find()
        .filter(vendor_invite::Column::VendorId.eq(vendor.uuid()))
        .filter(vendor_invite::Column::AcceptedAt.is_null())
        .filter(vendor_invite::Column::RevokedAt.is_null())
        .filter(vendor_invite::Column::ExpiresAt.gt(now))
        .order_by_desc(vendor_invite::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(invite)
        .collect()
}

/// Revokes an open invite of `vendor`; false when it was used or revoked meanwhile.
pub async fn revoke_invite(
    db: &impl ConnectionTrait,
    vendor: VendorId,
    id: VendorInviteId,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = vendor_invite::Entity::update_many()
        .col_expr(vendor_invite::Column::RevokedAt, Expr::value(now))
        .filter(vendor_invite::Column::Id.eq(id.uuid()))
        .filter(vendor_invite::Column::VendorId.eq(vendor.uuid()))
        .filter(vendor_invite::Column::AcceptedAt.is_null())
        .filter(vendor_invite::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Uses an invite for `user` (compare-and-set: only an unused, unrevoked, unexpired invite;
/// false otherwise, so of two concurrent accepts one wins).
pub async fn claim_invite(
    db: &impl ConnectionTrait,
    id: VendorInviteId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = vendor_invite::Entity::update_many()
        .col_expr(vendor_invite::Column::AcceptedAt, Expr::value(now))
        .col_expr(vendor_invite::Column::AcceptedBy, Expr::value(user.uuid()))
        .filter(vendor_invite::Column::Id.eq(id.uuid()))
        .filter(vendor_invite::Column::AcceptedAt.is_null())
        .filter(vendor_invite::Column::RevokedAt.is_null())
        .filter(vendor_invite::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}
