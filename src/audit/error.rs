use crate::error::{ErrorCode, RequestError, UserErrorParts};

/// Reading the audit log fails only for callers who may not (top-level) or internally.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("sign in to do this")]
    Unauthenticated,
    #[error("only staff can read the audit log")]
    Forbidden,
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
}

impl ErrorCode for AuditError {
    /// No user errors: the query's arguments are checked as arguments (`BAD_USER_INPUT`).
    type Code = std::convert::Infallible;

    fn user_error(&self) -> Option<UserErrorParts<Self::Code>> {
        None
    }

    fn request_error(&self) -> Option<RequestError> {
        match self {
            AuditError::Unauthenticated => Some(RequestError::Unauthenticated),
            AuditError::Forbidden => Some(RequestError::Forbidden),
            AuditError::Db(_) => None,
        }
    }
}
