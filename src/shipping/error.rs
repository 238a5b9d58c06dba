use crate::error::{ErrorCode, RequestError, UserErrorParts};
pub use crate::error::{FieldPath, path};

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
    #[error("only staff can do this")]
    Forbidden,
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
}

impl ErrorCode for ShippingError {
    fn user_error(&self) -> Option<UserErrorParts> {
        use ShippingError::*;
        let (code, field) = match self {
            NotFound { field } => ("NOT_FOUND", field),
            InvalidId { field } => ("INVALID_ID", field),
            Required { field, .. } => ("REQUIRED", field),
            Invalid { field, .. } => ("INVALID", field),
            Forbidden | Db(_) => return None,
        };
        Some(UserErrorParts::new(code).field(field.clone()))
    }

    fn request_error(&self) -> Option<RequestError> {
        matches!(self, ShippingError::Forbidden).then_some(RequestError::Forbidden)
    }
}
