//! Accounts in the API: `me`, registration, sign-in, token refresh and revocation, password
//! change; staff moderation: `user`, `users`, `userBlock`, `userUnblock`.

use async_graphql::{
    ComplexObject, Context, Enum, ID, InputObject, Object, SimpleObject,
    connection::{Connection, EmptyFields},
};
use chrono::{DateTime, Utc};

use crate::{
    accounts::{error::AccountError, model, service::Session},
    error::path,
    graphql::{
        ContextExt,
        connection::{connection, page},
        errors::{OrInternal, request_error, user_error_type},
        guards::RoleGuard,
        ids,
        payload::{Payload, payload, payload_type},
    },
    shared::{
        ids::{CartId, UserId},
        role::Role,
    },
    vendors::graphql::VendorMembership,
};

/// What a user may do.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "Role", remote = "crate::shared::role::Role")]
pub enum RoleGql {
    /// A shopper: their own carts, orders and account.
    Customer,
    /// Shop staff: the whole catalog, orders and stock.
    Staff,
    /// Everything staff can do, plus shop settings and staff management.
    Admin,
}

/// A user account: a customer, a staff member or an admin.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct User {
    #[graphql(skip)]
    pub user_id: UserId,
    /// Global ID of the user.
    pub id: ID,
    /// The sign-in e-mail address, normalised to lower case.
    pub email: String,
    /// What the user may do.
    pub role: RoleGql,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    #[graphql(skip)]
    pub blocked_at: Option<DateTime<Utc>>,
}

#[ComplexObject]
impl User {
    /// When staff blocked the account (`userBlock`); null when it is not blocked. A blocked user
    /// cannot sign in and their tokens are refused. Shown to staff and to the user themselves;
    /// null for anyone else.
    async fn blocked_at(&self, ctx: &Context<'_>) -> Option<DateTime<Utc>> {
        let rcx = ctx.rcx();
        let visible = rcx.is_staff() || rcx.viewer.is_some_and(|v| v.user_id == self.user_id);
        self.blocked_at.filter(|_| visible)
    }

    /// The vendors the user is a member of, with their role, oldest membership first; a
    /// vendor in any status (an applicant follows their application here). The user themself
    /// and staff only.
    async fn memberships(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<VendorMembership>> {
        let ms = ctx
            .state()
            .vendors
            .memberships(ctx.rcx(), self.user_id)
            .await
            .map_err(crate::graphql::errors::top_level)?;
        Ok(ms.into_iter().map(Into::into).collect())
    }
}

impl From<model::User> for User {
    fn from(u: model::User) -> Self {
        Self {
            user_id: u.id,
            id: ids::encode(u.id),
            email: u.email.as_str().to_owned(),
            role: u.role.into(),
            created_at: u.created_at,
            blocked_at: u.blocked_at,
        }
    }
}

/// A signed-in session: send `accessToken` as `Authorization: Bearer <token>`; before it expires,
/// exchange `refreshToken` with `tokenRefresh` for a new pair.
#[derive(SimpleObject, Clone)]
pub struct AuthTokens {
    /// A JWT valid for at most 15 minutes.
    pub access_token: String,
    /// When `accessToken` stops being accepted.
    pub access_token_expires_at: DateTime<Utc>,
    /// An opaque, single-use token; each `tokenRefresh` returns a new one. Keep it secret.
    pub refresh_token: String,
    /// When `refreshToken` expires if unused.
    pub refresh_token_expires_at: DateTime<Utc>,
}

impl From<&Session> for AuthTokens {
    fn from(s: &Session) -> Self {
        Self {
            access_token: s.access.token.clone(),
            access_token_expires_at: s.access.expires_at,
            refresh_token: s.refresh_token.clone(),
            refresh_token_expires_at: s.refresh_expires_at,
        }
    }
}

user_error_type! {
    /// A problem with the input of an account mutation.
    AccountUserError,
    /// Why an account mutation was refused.
    AccountErrorCode mirrors crate::accounts::error::Code {
        /// The e-mail address is not valid.
        InvalidEmail,
        /// The password has fewer than 10 characters.
        PasswordTooShort,
        /// The password has more than 256 characters.
        PasswordTooLong,
        /// The password is common or easy to guess.
        PasswordTooCommon,
        /// An account with this e-mail address exists.
        EmailTaken,
        /// The e-mail address or password is incorrect (deliberately not saying which).
        InvalidCredentials,
        /// Too many sign-in attempts for this account or from this address; wait a minute.
        TooManyAttempts,
        /// The refresh token is unknown, expired, revoked or already used.
        InvalidRefreshToken,
        /// `tokenCreate` with the right password: the account is blocked (wrong passwords still
        /// give `INVALID_CREDENTIALS`, so this tells nothing to someone without the password).
        AccountBlocked,
        /// An ID in the input is malformed or of another type.
        InvalidId,
        /// No user has this ID.
        UserNotFound,
        /// `userBlock`: the user is blocked already.
        AlreadyBlocked,
        /// `userUnblock`: the user is not blocked.
        NotBlocked,
        /// `userBlock`: you cannot block your own account.
        CannotBlockSelf,
        /// Only users whose role is below yours can be blocked or unblocked: staff moderate
        /// customers, admins moderate customers and staff; admins cannot be blocked here.
        RoleTooHigh,
        /// `userBlock`: the reason is empty.
        ReasonRequired,
        /// `userBlock`: the reason has more than 500 characters.
        ReasonTooLong,
    }
}

/// Input of `accountRegister`.
#[derive(InputObject)]
pub struct AccountRegisterInput {
    /// The sign-in e-mail address.
    pub email: String,
    /// At least 10 characters, and not a common password.
    pub password: String,
}

/// Result of `accountRegister`.
#[derive(SimpleObject)]
pub struct AccountRegisterPayload {
    /// The new account; null when `userErrors` is not empty.
    pub user: Option<User>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<AccountUserError>,
}

payload_type!(AccountRegisterPayload { user: model::User }, AccountUserError);

/// Input of `tokenCreate`.
#[derive(InputObject)]
pub struct TokenCreateInput {
    /// The sign-in e-mail address.
    pub email: String,
    /// The account password.
    pub password: String,
    /// A guest cart to merge into the customer's cart on sign-in (see `cartMerge`).
    pub guest_cart_id: Option<ID>,
}

/// Result of `tokenCreate`, `tokenRefresh` and `passwordChange`.
#[derive(SimpleObject)]
pub struct SessionPayload {
    /// The new tokens; null when `userErrors` is not empty.
    pub tokens: Option<AuthTokens>,
    /// The signed-in user; null when `userErrors` is not empty.
    pub user: Option<User>,
    /// `tokenCreate` with `guestCartId`: the customer's cart after the merge. Sign-in never
    /// fails because of the cart; this is null when the guest cart could not be merged.
    pub cart: Option<crate::cart::graphql::Cart>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<AccountUserError>,
}

impl Payload for SessionPayload {
    type Item = Session;
    type UserError = AccountUserError;
    fn ok(s: Session) -> Self {
        Self { tokens: Some((&s).into()), user: Some(s.user.into()), cart: None, user_errors: vec![] }
    }
    fn errors(user_errors: Vec<AccountUserError>) -> Self {
        Self { tokens: None, user: None, cart: None, user_errors }
    }
}

/// Input of `tokenRefresh` and `tokenRevoke`.
#[derive(InputObject)]
pub struct RefreshTokenInput {
    /// The refresh token from `tokenCreate` or the last `tokenRefresh`.
    pub refresh_token: String,
}

/// Result of `tokenRevoke`.
#[derive(SimpleObject)]
pub struct TokenRevokePayload {
    /// True when every refresh token of the account has been revoked.
    pub revoked: bool,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<AccountUserError>,
}

impl Payload for TokenRevokePayload {
    type Item = ();
    type UserError = AccountUserError;
    fn ok((): ()) -> Self {
        Self { revoked: true, user_errors: vec![] }
    }
    fn errors(user_errors: Vec<AccountUserError>) -> Self {
        Self { revoked: false, user_errors }
    }
}

/// Input of `passwordChange`.
#[derive(InputObject)]
pub struct PasswordChangeInput {
    /// The password in use now.
    pub current_password: String,
    /// The new password: at least 10 characters, and not a common password.
    pub new_password: String,
}

/// Input of `userBlock`.
#[derive(InputObject)]
pub struct UserBlockInput {
    /// The user to block.
    pub user_id: ID,
    /// Why (1–500 characters); recorded in the audit log, not shown to the user.
    pub reason: String,
}

/// Input of `userUnblock`.
#[derive(InputObject)]
pub struct UserUnblockInput {
    /// The user to unblock.
    pub user_id: ID,
}

/// Result of `userBlock` and `userUnblock`.
#[derive(SimpleObject)]
pub struct UserModerationPayload {
    /// The user after the change; null when `userErrors` is not empty.
    pub user: Option<User>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<AccountUserError>,
}

payload_type!(UserModerationPayload { user: model::User }, AccountUserError);

/// Filters for the staff user list; all given filters must match.
#[derive(InputObject, Default)]
pub struct UserFilterInput {
    /// Part of the e-mail address (case-insensitive).
    pub email: Option<String>,
    /// Only blocked (`true`) or only not blocked (`false`) users.
    pub blocked: Option<bool>,
}

/// Extra fields on user connections.
pub struct UserConnectionFields {
    filter: model::UserFilter,
}

#[Object]
impl UserConnectionFields {
    /// How many users match, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        ctx.state().accounts.count_users(&self.filter).await.or_internal()
    }
}

type UserConnection = Connection<String, User, UserConnectionFields, EmptyFields>;

/// An account error of a query (no `userErrors`): request errors keep their code, the rest is
/// internal.
fn query_error(e: AccountError) -> async_graphql::Error {
    use crate::error::ErrorCode;
    match e.request_error() {
        Some(kind) => request_error(kind, e.to_string()),
        None => crate::graphql::errors::internal(&e),
    }
}

#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The signed-in user; null when the request carries no access token.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        Ok(ctx.state().accounts.me(ctx.rcx()).await.or_internal()?.map(Into::into))
    }

    /// A user by ID (staff only); null when there is none.
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn user(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<User>> {
        let id = ids::arg::<UserId>(&id)?;
        Ok(ctx.state().accounts.user(ctx.rcx(), id).await.map_err(query_error)?.map(Into::into))
    }

    /// Users, newest first (staff only).
    #[graphql(
        guard = "RoleGuard(Role::Staff)",
        complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1"
    )]
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
        filter: Option<UserFilterInput>,
    ) -> async_graphql::Result<UserConnection> {
        let page = page(first, after)?;
        let f = filter.unwrap_or_default();
        let filter = model::UserFilter { email: f.email, blocked: f.blocked };
        let result = ctx.state().accounts.users(ctx.rcx(), &filter, &page).await.map_err(query_error)?;
        Ok(connection(&page, result, UserConnectionFields { filter }))
    }
}

#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Creates a customer account. Sign in afterwards with `tokenCreate`.
    async fn account_register(
        &self,
        ctx: &Context<'_>,
        input: AccountRegisterInput,
    ) -> async_graphql::Result<AccountRegisterPayload> {
        payload(ctx.state().accounts.register(ctx.rcx(), &input.email, &input.password).await)
    }

    /// Signs in with e-mail and password. Unknown e-mail and wrong password give the same
    /// `INVALID_CREDENTIALS`; repeated attempts are throttled per account and per IP.
    async fn token_create(&self, ctx: &Context<'_>, input: TokenCreateInput) -> async_graphql::Result<SessionPayload> {
        let result = ctx.state().accounts.login(ctx.rcx(), &input.email, &input.password).await;
        let signed_in = result.as_ref().ok().map(|s| crate::context::Viewer { user_id: s.user.id, role: s.user.role });
        let mut session: SessionPayload = payload(result)?;
        if let (Some(viewer), Some(guest)) =
            (signed_in, input.guest_cart_id.as_ref().and_then(|id| ids::decode::<CartId>(id)))
        {
            let rcx = crate::context::RequestContext { viewer: Some(viewer), ..ctx.rcx().clone() };
            match ctx.state().carts.merge(&rcx, guest).await {
                Ok(cart) => session.cart = Some(cart.into()),
                Err(e) => tracing::warn!(error = %crate::error::chain(&e), "guest cart not merged at sign-in"),
            }
        }
        Ok(session)
    }

    /// Exchanges a refresh token for a new access and refresh token. Each refresh token works
    /// once; presenting a used one signs the whole session family out.
    async fn token_refresh(
        &self,
        ctx: &Context<'_>,
        input: RefreshTokenInput,
    ) -> async_graphql::Result<SessionPayload> {
        payload(ctx.state().accounts.refresh(ctx.rcx(), &input.refresh_token).await)
    }

    /// Signs out: revokes every refresh token of the account the token belongs to. Access
    /// tokens already issued stay valid until they expire (at most 15 minutes).
    async fn token_revoke(
        &self,
        ctx: &Context<'_>,
        input: RefreshTokenInput,
    ) -> async_graphql::Result<TokenRevokePayload> {
        payload(ctx.state().accounts.revoke(ctx.rcx(), &input.refresh_token).await)
    }

    /// Blocks a user (staff only): they cannot sign in, their refresh tokens are revoked and
    /// their access tokens are refused from the next request on, on every server. Staff can
    /// block customers; admins can block customers and staff; nobody can block themselves or an
    /// admin. Recorded in the audit log as `user.block` with the reason.
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn user_block(
        &self,
        ctx: &Context<'_>,
        input: UserBlockInput,
    ) -> async_graphql::Result<UserModerationPayload> {
        payload(
            async {
                let id = ids::decode_at::<UserId>(&input.user_id, path(["userId"]))?;
                ctx.state().accounts.block(ctx.rcx(), id, &input.reason).await
            }
            .await,
        )
    }

    /// Unblocks a user (staff only; the same role rule as `userBlock`). They sign in again to
    /// get new tokens. Recorded in the audit log as `user.unblock`.
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn user_unblock(
        &self,
        ctx: &Context<'_>,
        input: UserUnblockInput,
    ) -> async_graphql::Result<UserModerationPayload> {
        payload(
            async {
                let id = ids::decode_at::<UserId>(&input.user_id, path(["userId"]))?;
                ctx.state().accounts.unblock(ctx.rcx(), id).await
            }
            .await,
        )
    }

    /// Changes the signed-in user's password, signs out every other session, and returns new
    /// tokens for this one.
    async fn password_change(
        &self,
        ctx: &Context<'_>,
        input: PasswordChangeInput,
    ) -> async_graphql::Result<SessionPayload> {
        let result =
            ctx.state().accounts.change_password(ctx.rcx(), &input.current_password, &input.new_password).await;
        let mut session: SessionPayload = payload(result)?;
        for e in &mut session.user_errors {
            if e.field.as_deref() == Some(&["password".to_owned()][..]) {
                e.field = Some(vec!["newPassword".into()]);
            }
        }
        Ok(session)
    }
}
