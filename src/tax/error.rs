use crate::error::{ErrorCode, RequestError, UserErrorParts};
pub use crate::error::{FieldPath, path};

#[derive(Debug, thiserror::Error)]
pub enum TaxError {
    #[error("not found")]
    NotFound { field: FieldPath },
    #[error("{message}")]
    Required { field: FieldPath, message: &'static str },
    #[error("{message}")]
    Invalid { field: FieldPath, message: &'static str },
    #[error("this destination already has a rate for this tax class")]
    Taken { field: FieldPath },
    #[error("only staff can do this")]
    Forbidden,
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
}

impl ErrorCode for TaxError {
    fn user_error(&self) -> Option<UserErrorParts> {
        use TaxError::*;
        let (code, field) = match self {
            NotFound { field } => ("NOT_FOUND", field),
            Required { field, .. } => ("REQUIRED", field),
            Invalid { field, .. } => ("INVALID", field),
            Taken { field } => ("TAKEN", field),
            Forbidden | Db(_) => return None,
        };
        Some(UserErrorParts::new(code).field(field.clone()))
    }

    fn request_error(&self) -> Option<RequestError> {
        matches!(self, TaxError::Forbidden).then_some(RequestError::Forbidden)
    }
}
