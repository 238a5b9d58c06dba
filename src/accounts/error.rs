use crate::{
    accounts::model::PasswordProblem,
    error::{ErrorCode, RequestError, UserErrorParts},
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
    #[error("sign in to do this")]
    Unauthenticated,
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
            Unauthenticated | Db(_) | Hashing(_) | Signing(_) => return None,
        })
    }

    fn request_error(&self) -> Option<RequestError> {
        matches!(self, AccountError::Unauthenticated).then_some(RequestError::Unauthenticated)
    }
}
