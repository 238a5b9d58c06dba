use crate::error::{ErrorCode, InvalidIdAt, RequestError, UserErrorParts};
pub use crate::error::{FieldPath, path};

/// The codes of [`CatalogError`]'s user errors; `CatalogErrorCode` in the API mirrors it variant for variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    NotFound,
    InvalidId,
    Required,
    Invalid,
    Taken,
    NegativePrice,
    PriceTooPrecise,
    InsufficientStock,
    CategoryCycle,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("not found")]
    NotFound { field: FieldPath },
    #[error("this is not a valid ID of the expected type")]
    InvalidId { field: FieldPath },
    #[error("this field is required")]
    Required { field: FieldPath },
    #[error("{message}")]
    Invalid { field: FieldPath, message: &'static str },
    #[error("this value is already used")]
    Taken { field: FieldPath },
    #[error("prices cannot be negative")]
    NegativePrice { field: FieldPath },
    #[error("the price has more decimal places than the currency allows")]
    PriceTooPrecise { field: FieldPath },
    #[error("not enough stock on hand for this change")]
    InsufficientStock { field: FieldPath },
    #[error("a category cannot be moved below itself")]
    CategoryCycle { field: FieldPath },
    #[error("only staff can do this")]
    Forbidden,
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
}

impl ErrorCode for CatalogError {
    type Code = Code;

    fn user_error(&self) -> Option<UserErrorParts<Code>> {
        use CatalogError::*;
        let (code, field) = match self {
            NotFound { field } => (Code::NotFound, field),
            InvalidId { field } => (Code::InvalidId, field),
            Required { field } => (Code::Required, field),
            Invalid { field, .. } => (Code::Invalid, field),
            Taken { field } => (Code::Taken, field),
            NegativePrice { field } => (Code::NegativePrice, field),
            PriceTooPrecise { field } => (Code::PriceTooPrecise, field),
            InsufficientStock { field } => (Code::InsufficientStock, field),
            CategoryCycle { field } => (Code::CategoryCycle, field),
            Forbidden | Db(_) => return None,
        };
        Some(UserErrorParts::new(code).field(field))
    }

    fn request_error(&self) -> Option<RequestError> {
        matches!(self, CatalogError::Forbidden).then_some(RequestError::Forbidden)
    }
}

impl From<InvalidIdAt> for CatalogError {
    fn from(e: InvalidIdAt) -> Self {
        CatalogError::InvalidId { field: e.field }
    }
}
