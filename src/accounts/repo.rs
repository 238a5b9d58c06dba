//! Users and refresh tokens in the database. The only accounts file that knows SeaORM.

use chrono::{DateTime, Utc};
use entity::{refresh_token, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, SqlErr, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    accounts::{
        error::AccountError,
        model::{User, UserFilter},
    },
    shared::{
        email::Email,
        ids::{TypedId, UserId},
        pagination::{Cursor, Page, PageRequest},
        role::Role,
    },
};

fn to_user(m: user::Model) -> Result<(User, String), DbErr> {
    let role = Role::parse(&m.role).ok_or_else(|| DbErr::Type(format!("unknown role {}", m.role)))?;
    let email = Email::parse(&m.email).ok_or_else(|| DbErr::Type("stored e-mail is invalid".into()))?;
    Ok((User { id: UserId(m.id), email, role, created_at: m.created_at, blocked_at: m.blocked_at }, m.password_hash))
}

pub async fn insert_user(
    db: &impl ConnectionTrait,
    email: &Email,
    password_hash: String,
    role: Role,
    now: DateTime<Utc>,
) -> Result<User, AccountError> {
    let row = user::ActiveModel {
        id: Set(UserId::new().uuid()),
        email: Set(email.as_str().to_owned()),
        password_hash: Set(password_hash),
        role: Set(role.as_str().to_owned()),
        blocked_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => AccountError::EmailTaken,
        _ => AccountError::Db(e),
    })?;
    Ok(to_user(row)?.0)
}

/// The user with this e-mail and their password hash.
pub async fn find_by_email(db: &impl ConnectionTrait, email: &Email) -> Result<Option<(User, String)>, DbErr> {
    user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(db).await?.map(to_user).transpose()
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: UserId) -> Result<Option<(User, String)>, DbErr> {
    user::Entity::find_by_id(id.uuid()).one(db).await?.map(to_user).transpose()
}

/// The current role of a user and whether they are blocked, for authenticating a request: one
/// primary-key read of two columns. `None` when the user no longer exists.
pub async fn find_access(db: &impl ConnectionTrait, id: UserId) -> Result<Option<(Role, bool)>, DbErr> {
    let row: Option<(String, Option<DateTime<Utc>>)> = user::Entity::find_by_id(id.uuid())
        .select_only()
        .column(user::Column::Role)
        .column(user::Column::BlockedAt)
        .into_tuple()
        .one(db)
        .await?;
    row.map(|(role, blocked_at)| {
        let role = Role::parse(&role).ok_or_else(|| DbErr::Type(format!("unknown role {role}")))?;
        Ok((role, blocked_at.is_some()))
    })
    .transpose()
}

/// Sets (`Some`) or clears (`None`) the user's block, only if it is not already in that state:
/// one guarded statement, so of two concurrent blocks only one wins. Returns whether it changed.
pub async fn set_blocked(
    db: &impl ConnectionTrait,
    id: UserId,
    blocked_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let guard =
        if blocked_at.is_some() { user::Column::BlockedAt.is_null() } else { user::Column::BlockedAt.is_not_null() };
    let res = user::Entity::update_many()
        .col_expr(user::Column::BlockedAt, Expr::value(blocked_at))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(id.uuid()))
        .filter(guard)
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

fn user_condition(f: &UserFilter) -> Condition {
    let mut c = Condition::all();
    if let Some(e) = f.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        c = c.add(user::Column::Email.contains(e.to_lowercase()));
    }
    match f.blocked {
        Some(true) => c = c.add(user::Column::BlockedAt.is_not_null()),
        Some(false) => c = c.add(user::Column::BlockedAt.is_null()),
        None => {}
    }
    c
}

/// Users, newest first (ids are time-ordered), keyset-paginated.
pub async fn list_users(db: &impl ConnectionTrait, f: &UserFilter, page: &PageRequest) -> Result<Page<User>, DbErr> {
    let mut q = user::Entity::find().filter(user_condition(f));
    if let Some(after) = &page.after {
        q = q.filter(user::Column::Id.lt(after.id));
    }
    let mut rows = q.order_by_desc(user::Column::Id).limit(page.first + 1).all(db).await?;
    let has_next_page = rows.len() as u64 > page.first;
    rows.truncate(page.first as usize);
    let items = rows
        .into_iter()
        .map(|m| to_user(m).map(|(u, _)| (Cursor { key: String::new(), id: u.id.uuid() }, u)))
        .collect::<Result<_, _>>()?;
    Ok(Page { items, has_next_page })
}

pub async fn count_users(db: &impl ConnectionTrait, f: &UserFilter) -> Result<u64, DbErr> {
    user::Entity::find().filter(user_condition(f)).count(db).await
}

pub async fn set_password_hash(
    db: &impl ConnectionTrait,
    id: UserId,
    hash: String,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(id.uuid()))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_role(db: &impl ConnectionTrait, id: UserId, role: Role, now: DateTime<Utc>) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::Role, Expr::value(role.as_str()))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(id.uuid()))
        .exec(db)
        .await?;
    Ok(())
}

/// A stored refresh token, by hash.
#[derive(Debug, Clone)]
pub struct StoredRefreshToken {
    pub id: Uuid,
    pub user_id: UserId,
    pub family_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub rotated: bool,
    pub revoked: bool,
}

pub async fn insert_refresh_token(
    db: &impl ConnectionTrait,
    user_id: UserId,
    family_id: Uuid,
    token_hash: String,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id.uuid()),
        family_id: Set(family_id),
        token_hash: Set(token_hash),
        created_at: Set(now),
        expires_at: Set(expires_at),
        rotated_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn find_refresh_token(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<StoredRefreshToken>, DbErr> {
    Ok(refresh_token::Entity::find().filter(refresh_token::Column::TokenHash.eq(token_hash)).one(db).await?.map(|m| {
        StoredRefreshToken {
            id: m.id,
            user_id: UserId(m.user_id),
            family_id: m.family_id,
            expires_at: m.expires_at,
            rotated: m.rotated_at.is_some(),
            revoked: m.revoked_at.is_some(),
        }
    }))
}

/// Marks a token used, only if it is still live: a guarded single-statement update, so two
/// concurrent refreshes with one token cannot both succeed. Returns whether this call won.
pub async fn mark_rotated(db: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let res = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RotatedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(id))
        .filter(refresh_token::Column::RotatedAt.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

pub async fn revoke_family(db: &impl ConnectionTrait, family_id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn revoke_all_for_user(db: &impl ConnectionTrait, user_id: UserId, now: DateTime<Utc>) -> Result<(), DbErr> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::UserId.eq(user_id.uuid()))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
