//! Account use cases: register, sign in, refresh, sign out, change password.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, TransactionTrait};
use uuid::Uuid;

use crate::{
    accounts::{
        error::AccountError,
        model::{User, check_password},
        password::PasswordHasher,
        repo,
        throttle::LoginThrottle,
        tokens::{AccessToken, TokenIssuer, hash_refresh_token, new_refresh_token},
    },
    config::AuthSettings,
    context::{RequestContext, Viewer},
    shared::{email::Email, role::Role},
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

    /// The viewer of a valid access token, or `None`.
    pub fn authenticate(&self, access_token: &str) -> Option<Viewer> {
        self.tokens.verify(access_token)
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
        let Some((user, _)) = repo::find_by_id(&txn, stored.user_id).await? else {
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
