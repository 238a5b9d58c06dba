use crate::error::{ErrorCode, InvalidIdAt, RequestError, UserErrorParts};
pub use crate::error::{FieldPath, path};

/// The codes of [`ShippingError`]'s user errors; `ShippingErrorCode` in the API mirrors it variant for variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Required,
    Invalid,
    NotFound,
    InvalidId,
}

#[derive(Debug, thiserror::Error)]
pub enum ShippingError {
    #[error("not found")]
    NotFound { field: FieldPath },
    #[error("this is not a valid ID of the expected type")]
    InvalidId { field: FieldPath },
    #[error("{message}")]
    Required { field: FieldPath, message: &'static str },
    #[error("{message}")]
    Invalid { field: FieldPath, message: &'static str },
    #[error("not allowed")]
    Forbidden,
    #[error("sign in to do this")]
    Unauthenticated,
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
}

impl ErrorCode for ShippingError {
    type Code = Code;

    fn user_error(&self) -> Option<UserErrorParts<Code>> {
        use ShippingError::*;
        let (code, field) = match self {
            NotFound { field } => (Code::NotFound, field),
            InvalidId { field } => (Code::InvalidId, field),
            Required { field, .. } => (Code::Required, field),
            Invalid { field, .. } => (Code::Invalid, field),
            Forbidden | Unauthenticated | Db(_) => return None,
        };
        Some(UserErrorParts::new(code).field(field))
    }

    fn request_error(&self) -> Option<RequestError> {
        match self {
            ShippingError::Forbidden => Some(RequestError::Forbidden),
            ShippingError::Unauthenticated => Some(RequestError::Unauthenticated),
            _ => None,
        }
    }
}

impl From<InvalidIdAt> for ShippingError {
    fn from(e: InvalidIdAt) -> Self {
        ShippingError::InvalidId { field: e.field }
    }
}
