//! Account use cases: register, sign in, refresh, sign out, change password; authenticate a
//! request; staff moderation (block, unblock, look users up).

use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};
use uuid::Uuid;

use crate::{
    accounts::{
        error::AccountError,
        model::{MAX_BLOCK_REASON_CHARS, User, UserFilter, check_password, may_moderate},
        password::PasswordHasher,
        repo,
        throttle::LoginThrottle,
        tokens::{AccessToken, TokenIssuer, hash_refresh_token, new_refresh_token},
    },
    audit::{self, model::NewAuditEntry},
    config::AuthSettings,
    context::{RequestContext, Viewer},
    shared::{
        email::Email,
        ids::UserId,
        pagination::{Page, PageRequest},
        role::Role,
    },
};

/// What a successful sign-in or refresh returns.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub access: AccessToken,
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
}

#[derive(Clone)]
pub struct AccountService {
    db: DatabaseConnection,
    hasher: PasswordHasher,
    tokens: Arc<TokenIssuer>,
    throttle: Arc<LoginThrottle>,
    refresh_ttl: chrono::Duration,
}

impl AccountService {
    pub fn new(db: DatabaseConnection, signing_key: &[u8], settings: &AuthSettings) -> Self {
        Self {
            db,
            hasher: PasswordHasher::new(settings.max_concurrent_hashes),
            tokens: Arc::new(TokenIssuer::new(signing_key, settings)),
            throttle: Arc::new(LoginThrottle::new(
                settings.login_attempts_per_minute_per_account,
                settings.login_attempts_per_minute_per_ip,
            )),
            refresh_ttl: chrono::Duration::days(i64::try_from(settings.refresh_token_ttl_days).unwrap_or(30)),
        }
    }

    /// The viewer of a valid access token, or `None`: the token must verify (signature, expiry,
    /// issuer, audience) and its user must still exist and not be blocked. The second half is
    /// one primary-key read per request, so a block takes effect at once on every instance; the
    /// role is taken from the database too, so a role change applies to tokens already issued.
    ///
    /// # Errors
    /// Only a database failure.
    #[tracing::instrument(name = "accounts.authenticate", skip_all)]
    pub async fn authenticate(&self, access_token: &str) -> Result<Option<Viewer>, DbErr> {
        Ok(self.authenticate_until(access_token).await?.map(|(viewer, _)| viewer))
    }

    /// As [`Self::authenticate`], with when the token expires (a WebSocket session ends then).
    pub async fn authenticate_until(
        &self,
        access_token: &str,
    ) -> Result<Option<(Viewer, chrono::DateTime<chrono::Utc>)>, DbErr> {
        let Some((claimed, expires_at)) = self.tokens.verify_until(access_token) else { return Ok(None) };
        Ok(match repo::find_access(&self.db, claimed.user_id).await? {
            Some((role, false)) => Some((Viewer { user_id: claimed.user_id, role }, expires_at)),
            Some((_, true)) | None => None,
        })
    }

    /// Creates a customer account.
    ///
    /// # Errors
    /// `InvalidEmail`, `PasswordTooShort`, `PasswordTooLong`, `PasswordTooCommon`, `EmailTaken`.
    #[tracing::instrument(name = "accounts.register", skip_all)]
    pub async fn register(&self, _rcx: &RequestContext, email: &str, password: &str) -> Result<User, AccountError> {
        self.create_user(email, password, Role::Customer).await
    }

    /// Creates a user with any role (the `create-admin` command).
    ///
    /// # Errors
    /// As [`AccountService::register`].
    #[tracing::instrument(name = "accounts.create_user", skip(self, email, password))]
    pub async fn create_user(&self, email: &str, password: &str, role: Role) -> Result<User, AccountError> {
        let email = Email::parse(email).ok_or(AccountError::InvalidEmail)?;
        let local = email.as_str().split('@').next().unwrap_or_default().to_owned();
        check_password(password, &[&local, email.as_str()]).map_err(AccountError::from_password_problem)?;
        let hash = self.hasher.hash(password).await.map_err(AccountError::Hashing)?;
        repo::insert_user(&self.db, &email, hash, role, Utc::now()).await
    }

    /// Signs in with e-mail and password and opens a new refresh-token family.
    ///
    /// # Errors
    /// `InvalidCredentials` for an unknown e-mail and a wrong password alike (same timing), and
    /// `TooManyAttempts` when the account or the client IP is over its per-minute quota.
    #[tracing::instrument(name = "accounts.login", skip_all)]
    pub async fn login(&self, rcx: &RequestContext, email: &str, password: &str) -> Result<Session, AccountError> {
        let key = email.trim().to_lowercase();
        if !self.throttle.allow(&key, rcx.client_ip) {
            return Err(AccountError::TooManyAttempts);
        }
        let found = match Email::parse(email) {
            Some(email) => repo::find_by_email(&self.db, &email).await?,
            None => None,
        };
        let ok = self
            .hasher
            .verify(password, found.as_ref().map(|(_, h)| h.as_str()))
            .await
            .map_err(AccountError::Hashing)?;
        let user = match (ok, found) {
            (true, Some((user, _))) => user,
            _ => return Err(AccountError::InvalidCredentials),
        };
        if user.blocked_at.is_some() {
            return Err(AccountError::AccountBlocked);
        }
        let txn = self.db.begin().await?;
        let session = self.open_session(&txn, user, Uuid::now_v7()).await?;
        txn.commit().await?;
        Ok(session)
    }

    /// Exchanges a refresh token for a new pair; the presented token is used up.
    ///
    /// # Errors
    /// `InvalidRefreshToken` when unknown, expired, revoked or already used. Presenting an
    /// already-used token also revokes every token of its family (it may have been stolen).
    #[tracing::instrument(name = "accounts.refresh", skip_all)]
    pub async fn refresh(&self, _rcx: &RequestContext, refresh_token: &str) -> Result<Session, AccountError> {
        let now = Utc::now();
        let txn = self.db.begin().await?;
        let Some(stored) = repo::find_refresh_token(&txn, &hash_refresh_token(refresh_token)).await? else {
            return Err(AccountError::InvalidRefreshToken);
        };
        if stored.revoked || stored.expires_at <= now {
            return Err(AccountError::InvalidRefreshToken);
        }
        if stored.rotated || !repo::mark_rotated(&txn, stored.id, now).await? {
            tracing::warn!(family = %stored.family_id, user = %stored.user_id, "refresh token reuse: revoking family");
            repo::revoke_family(&txn, stored.family_id, now).await?;
            txn.commit().await?;
            return Err(AccountError::InvalidRefreshToken);
        }
        // A block revokes every refresh token; this also covers a session opened while the
        // block was committing.
        let Some((user, _)) = repo::find_by_id(&txn, stored.user_id).await?.filter(|(u, _)| u.blocked_at.is_none())
        else {
            return Err(AccountError::InvalidRefreshToken);
        };
        let session = self.open_session(&txn, user, stored.family_id).await?;
        txn.commit().await?;
        Ok(session)
    }

    /// Signs out everywhere: revokes all refresh tokens of the token's owner. Revoking an
    /// already-revoked token succeeds (logout is idempotent).
    ///
    /// # Errors
    /// `InvalidRefreshToken` when the token was never issued.
    #[tracing::instrument(name = "accounts.revoke", skip_all)]
    pub async fn revoke(&self, _rcx: &RequestContext, refresh_token: &str) -> Result<(), AccountError> {
        let txn = self.db.begin().await?;
        let stored = repo::find_refresh_token(&txn, &hash_refresh_token(refresh_token))
            .await?
            .ok_or(AccountError::InvalidRefreshToken)?;
        repo::revoke_all_for_user(&txn, stored.user_id, Utc::now()).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Changes the viewer's password, revokes all their refresh tokens and returns a new session
    /// for the device that made the change.
    ///
    /// # Errors
    /// `Unauthenticated` (top-level), `WrongCurrentPassword`, and the password-policy errors.
    #[tracing::instrument(name = "accounts.change_password", skip_all)]
    pub async fn change_password(
        &self,
        rcx: &RequestContext,
        current: &str,
        new: &str,
    ) -> Result<Session, AccountError> {
        let viewer = rcx.viewer.ok_or(AccountError::Unauthenticated)?;
        let (user, hash) = repo::find_by_id(&self.db, viewer.user_id).await?.ok_or(AccountError::Unauthenticated)?;
        if !self.hasher.verify(current, Some(&hash)).await.map_err(AccountError::Hashing)? {
            return Err(AccountError::WrongCurrentPassword);
        }
        let local = user.email.as_str().split('@').next().unwrap_or_default().to_owned();
        check_password(new, &[&local, user.email.as_str()]).map_err(AccountError::from_password_problem)?;
        let new_hash = self.hasher.hash(new).await.map_err(AccountError::Hashing)?;
        let now = Utc::now();
        let txn = self.db.begin().await?;
        repo::set_password_hash(&txn, user.id, new_hash, now).await?;
        repo::revoke_all_for_user(&txn, user.id, now).await?;
        let session = self.open_session(&txn, user, Uuid::now_v7()).await?;
        txn.commit().await?;
        Ok(session)
    }

    /// The signed-in user, if any.
    #[tracing::instrument(name = "accounts.me", skip_all)]
    pub async fn me(&self, rcx: &RequestContext) -> Result<Option<User>, AccountError> {
        let Some(viewer) = rcx.viewer else { return Ok(None) };
        Ok(repo::find_by_id(&self.db, viewer.user_id).await?.map(|(u, _)| u))
    }

    /// Blocks a user (staff): sets `blocked_at`, revokes all their refresh tokens and records
    /// `user.block` with the reason, in one transaction. Their access tokens are refused from the
    /// next request on (see [`AccountService::authenticate`]).
    ///
    /// # Errors
    /// `Unauthenticated`/`Forbidden` (top-level, not staff); `ReasonRequired`, `ReasonTooLong`,
    /// `CannotBlockSelf`, `UserNotFound`, `RoleTooHigh` (the user's role is not below the
    /// viewer's), `AlreadyBlocked`.
    #[tracing::instrument(name = "accounts.block", skip_all, fields(user = %user_id))]
    pub async fn block(&self, rcx: &RequestContext, user_id: UserId, reason: &str) -> Result<User, AccountError> {
        let viewer = Self::moderator(rcx)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AccountError::ReasonRequired);
        }
        if reason.chars().count() > MAX_BLOCK_REASON_CHARS {
            return Err(AccountError::ReasonTooLong);
        }
        if user_id == viewer.user_id {
            return Err(AccountError::CannotBlockSelf);
        }
        // Microseconds, what every backend stores: the time returned is the time read later.
        let now = Utc::now().trunc_subsecs(6);
        let txn = self.db.begin().await?;
        let user = Self::moderated_user(&txn, viewer, user_id).await?;
        if !repo::set_blocked(&txn, user_id, Some(now), now).await? {
            return Err(AccountError::AlreadyBlocked);
        }
        repo::revoke_all_for_user(&txn, user_id, now).await?;
        let entry = NewAuditEntry::new(
            "user.block",
            "User",
            user_id,
            serde_json::json!({ "blockedAt": null }),
            serde_json::json!({ "blockedAt": now, "reason": reason }),
        );
        audit::record_in(&txn, rcx, entry, now).await?;
        txn.commit().await?;
        Ok(User { blocked_at: Some(now), ..user })
    }

    /// Unblocks a user (staff): clears `blocked_at` and records `user.unblock`. The user signs in
    /// again to get tokens (the block revoked the old ones).
    ///
    /// # Errors
    /// `Unauthenticated`/`Forbidden` (top-level); `UserNotFound`, `RoleTooHigh`, `NotBlocked`.
    #[tracing::instrument(name = "accounts.unblock", skip_all, fields(user = %user_id))]
    pub async fn unblock(&self, rcx: &RequestContext, user_id: UserId) -> Result<User, AccountError> {
        let viewer = Self::moderator(rcx)?;
        let now = Utc::now();
        let txn = self.db.begin().await?;
        let user = Self::moderated_user(&txn, viewer, user_id).await?;
        let before = user.blocked_at;
        if !repo::set_blocked(&txn, user_id, None, now).await? {
            return Err(AccountError::NotBlocked);
        }
        let entry = NewAuditEntry::new(
            "user.unblock",
            "User",
            user_id,
            serde_json::json!({ "blockedAt": before }),
            serde_json::json!({ "blockedAt": null }),
        );
        audit::record_in(&txn, rcx, entry, now).await?;
        txn.commit().await?;
        Ok(User { blocked_at: None, ..user })
    }

    /// A user by id (staff).
    ///
    /// # Errors
    /// `Unauthenticated`/`Forbidden` (top-level).
    #[tracing::instrument(name = "accounts.user", skip_all)]
    pub async fn user(&self, rcx: &RequestContext, id: UserId) -> Result<Option<User>, AccountError> {
        Self::staff(rcx)?;
        Ok(repo::find_by_id(&self.db, id).await?.map(|(u, _)| u))
    }

    /// Users, newest first (staff).
    ///
    /// # Errors
    /// `Unauthenticated`/`Forbidden` (top-level).
    #[tracing::instrument(name = "accounts.users", skip_all)]
    pub async fn users(
        &self,
        rcx: &RequestContext,
        filter: &UserFilter,
        page: &PageRequest,
    ) -> Result<Page<User>, AccountError> {
        Self::staff(rcx)?;
        Ok(repo::list_users(&self.db, filter, page).await?)
    }

    /// How many users match (for a list already authorised by [`AccountService::users`]).
    pub async fn count_users(&self, filter: &UserFilter) -> Result<u64, DbErr> {
        repo::count_users(&self.db, filter).await
    }

    fn staff(rcx: &RequestContext) -> Result<(), AccountError> {
        if rcx.is_staff() {
            Ok(())
        } else if rcx.viewer.is_none() {
            Err(AccountError::Unauthenticated)
        } else {
            Err(AccountError::Forbidden)
        }
    }

    /// The signed-in staff member or admin who moderates.
    fn moderator(rcx: &RequestContext) -> Result<Viewer, AccountError> {
        let viewer = rcx.viewer.ok_or(AccountError::Unauthenticated)?;
        if viewer.role < Role::Staff {
            return Err(AccountError::Forbidden);
        }
        Ok(viewer)
    }

    /// The user `viewer` is about to block or unblock: it exists and its role is below theirs.
    async fn moderated_user(
        conn: &impl sea_orm::ConnectionTrait,
        viewer: Viewer,
        id: UserId,
    ) -> Result<User, AccountError> {
        let (user, _) = repo::find_by_id(conn, id).await?.ok_or(AccountError::UserNotFound)?;
        if !may_moderate(viewer.role, user.role) {
            return Err(AccountError::RoleTooHigh);
        }
        Ok(user)
    }

    /// Changes a user's role (staff management comes with the admin API; used by tests and
    /// tooling now).
    pub async fn set_role(&self, email: &str, role: Role) -> Result<User, AccountError> {
        let email = Email::parse(email).ok_or(AccountError::InvalidEmail)?;
        let (user, _) = repo::find_by_email(&self.db, &email).await?.ok_or(AccountError::InvalidCredentials)?;
        repo::set_role(&self.db, user.id, role, Utc::now()).await?;
        Ok(User { role, ..user })
    }

    async fn open_session(
        &self,
        txn: &impl sea_orm::ConnectionTrait,
        user: User,
        family: Uuid,
    ) -> Result<Session, AccountError> {
        let now = Utc::now();
        let (refresh_token, hash) = new_refresh_token();
        let refresh_expires_at = now + self.refresh_ttl;
        repo::insert_refresh_token(txn, user.id, family, hash, now, refresh_expires_at).await?;
        let access = self.tokens.issue(user.id, user.role, now).map_err(AccountError::Signing)?;
        Ok(Session { user, access, refresh_token, refresh_expires_at })
    }
}

/// New carts of a signed-in customer take the account's e-mail (the cart's port).
#[async_trait::async_trait]
impl crate::cart::service::CustomerEmails for AccountService {
    async fn email_of(&self, customer: UserId) -> Result<Option<String>, DbErr> {
        Ok(repo::find_by_id(&self.db, customer).await?.map(|(user, _)| user.email.as_str().to_owned()))
    }
}
