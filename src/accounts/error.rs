use crate::{
    accounts::model::PasswordProblem,
    error::{ErrorCode, FieldPath, InvalidIdAt, RequestError, UserErrorParts},
};

/// The codes of [`AccountError`]'s user errors; `AccountErrorCode` in the API mirrors it variant for variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    InvalidEmail,
    PasswordTooShort,
    PasswordTooLong,
    PasswordTooCommon,
    EmailTaken,
    InvalidCredentials,
    TooManyAttempts,
    InvalidRefreshToken,
    AccountBlocked,
    InvalidId,
    UserNotFound,
    AlreadyBlocked,
    NotBlocked,
    CannotBlockSelf,
    RoleTooHigh,
    ReasonRequired,
    ReasonTooLong,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("enter a valid e-mail address")]
    InvalidEmail,
    #[error("the password is too short (at least 10 characters)")]
    PasswordTooShort,
    #[error("the password is too long (at most 256 characters)")]
    PasswordTooLong,
    #[error("this password is too common or too easy to guess")]
    PasswordTooCommon,
    #[error("an account with this e-mail address already exists")]
    EmailTaken,
    /// One message for unknown e-mail and wrong password, so accounts cannot be enumerated.
    #[error("the e-mail address or password is incorrect")]
    InvalidCredentials,
    #[error("too many sign-in attempts; wait a minute and try again")]
    TooManyAttempts,
    #[error("the refresh token is invalid, expired or already used")]
    InvalidRefreshToken,
    #[error("the current password is incorrect")]
    WrongCurrentPassword,
    /// Only said after the right password: whoever knows it learns nothing new.
    #[error("this account is blocked; contact support")]
    AccountBlocked,
    #[error("this is not a valid ID of the expected type")]
    InvalidId { field: FieldPath },
    #[error("no user has this ID")]
    UserNotFound,
    #[error("the user is already blocked")]
    AlreadyBlocked,
    #[error("the user is not blocked")]
    NotBlocked,
    #[error("you cannot block yourself")]
    CannotBlockSelf,
    #[error("you can only block or unblock users whose role is below yours")]
    RoleTooHigh,
    #[error("give a reason")]
    ReasonRequired,
    #[error("the reason is too long (at most 500 characters)")]
    ReasonTooLong,
    #[error("sign in to do this")]
    Unauthenticated,
    #[error("you are not allowed to do this")]
    Forbidden,
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
    #[error("password hashing failed")]
    Hashing(#[source] anyhow::Error),
    #[error("token signing failed")]
    Signing(#[source] jsonwebtoken::errors::Error),
}

impl AccountError {
    pub fn from_password_problem(p: PasswordProblem) -> Self {
        match p {
            PasswordProblem::TooShort => AccountError::PasswordTooShort,
            PasswordProblem::TooLong => AccountError::PasswordTooLong,
            PasswordProblem::Common => AccountError::PasswordTooCommon,
        }
    }
}

impl ErrorCode for AccountError {
    type Code = Code;

    fn user_error(&self) -> Option<UserErrorParts<Code>> {
        use AccountError::*;
        Some(match self {
            InvalidEmail => UserErrorParts::new(Code::InvalidEmail).field(["email"]),
            PasswordTooShort => UserErrorParts::new(Code::PasswordTooShort).field(["password"]),
            PasswordTooLong => UserErrorParts::new(Code::PasswordTooLong).field(["password"]),
            PasswordTooCommon => UserErrorParts::new(Code::PasswordTooCommon).field(["password"]),
            EmailTaken => UserErrorParts::new(Code::EmailTaken).field(["email"]),
            InvalidCredentials => UserErrorParts::new(Code::InvalidCredentials),
            TooManyAttempts => UserErrorParts::new(Code::TooManyAttempts),
            InvalidRefreshToken => UserErrorParts::new(Code::InvalidRefreshToken).field(["refreshToken"]),
            WrongCurrentPassword => UserErrorParts::new(Code::InvalidCredentials).field(["currentPassword"]),
            AccountBlocked => UserErrorParts::new(Code::AccountBlocked),
            InvalidId { field } => UserErrorParts { code: Code::InvalidId, field: Some(field.clone()) },
            UserNotFound => UserErrorParts::new(Code::UserNotFound).field(["userId"]),
            AlreadyBlocked => UserErrorParts::new(Code::AlreadyBlocked).field(["userId"]),
            NotBlocked => UserErrorParts::new(Code::NotBlocked).field(["userId"]),
            CannotBlockSelf => UserErrorParts::new(Code::CannotBlockSelf).field(["userId"]),
            RoleTooHigh => UserErrorParts::new(Code::RoleTooHigh).field(["userId"]),
            ReasonRequired => UserErrorParts::new(Code::ReasonRequired).field(["reason"]),
            ReasonTooLong => UserErrorParts::new(Code::ReasonTooLong).field(["reason"]),
            Unauthenticated | Forbidden | Db(_) | Hashing(_) | Signing(_) => return None,
        })
    }

    fn request_error(&self) -> Option<RequestError> {
        match self {
            AccountError::Unauthenticated => Some(RequestError::Unauthenticated),
            AccountError::Forbidden => Some(RequestError::Forbidden),
            _ => None,
        }
    }
}

impl From<InvalidIdAt> for AccountError {
    fn from(e: InvalidIdAt) -> Self {
        AccountError::InvalidId { field: e.field }
    }
}
