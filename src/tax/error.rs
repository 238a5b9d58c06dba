use crate::error::{ErrorCode, RequestError, UserErrorParts};
pub use crate::error::{FieldPath, path};

/// The codes of [`TaxError`]'s user errors; `TaxErrorCode` in the API mirrors it variant for variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Required,
    Invalid,
    Taken,
    NotFound,
}

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
    type Code = Code;

    fn user_error(&self) -> Option<UserErrorParts<Code>> {
        use TaxError::*;
        let (code, field) = match self {
            NotFound { field } => (Code::NotFound, field),
            Required { field, .. } => (Code::Required, field),
            Invalid { field, .. } => (Code::Invalid, field),
            Taken { field } => (Code::Taken, field),
            Forbidden | Db(_) => return None,
        };
        Some(UserErrorParts::new(code).field(field))
    }

    fn request_error(&self) -> Option<RequestError> {
        matches!(self, TaxError::Forbidden).then_some(RequestError::Forbidden)
    }
}
