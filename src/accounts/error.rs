use crate::{
    accounts::model::PasswordProblem,
    error::{ErrorCode, RequestError, UserErrorParts},
};

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
    fn user_error(&self) -> Option<UserErrorParts> {
        use AccountError::*;
        Some(match self {
            InvalidEmail => UserErrorParts::new("INVALID_EMAIL").field(["email"]),
            PasswordTooShort => UserErrorParts::new("PASSWORD_TOO_SHORT").field(["password"]),
            PasswordTooLong => UserErrorParts::new("PASSWORD_TOO_LONG").field(["password"]),
            PasswordTooCommon => UserErrorParts::new("PASSWORD_TOO_COMMON").field(["password"]),
            EmailTaken => UserErrorParts::new("EMAIL_TAKEN").field(["email"]),
            InvalidCredentials => UserErrorParts::new("INVALID_CREDENTIALS"),
            TooManyAttempts => UserErrorParts::new("TOO_MANY_ATTEMPTS"),
            InvalidRefreshToken => UserErrorParts::new("INVALID_REFRESH_TOKEN").field(["refreshToken"]),
            WrongCurrentPassword => UserErrorParts::new("INVALID_CREDENTIALS").field(["currentPassword"]),
            Unauthenticated | Db(_) | Hashing(_) | Signing(_) => return None,
        })
    }

    fn request_error(&self) -> Option<RequestError> {
        matches!(self, AccountError::Unauthenticated).then_some(RequestError::Unauthenticated)
    }
}
