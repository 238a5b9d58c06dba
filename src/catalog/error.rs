use crate::error::{ErrorCode, RequestError, UserErrorParts};
pub use crate::error::{FieldPath, path};

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
    fn user_error(&self) -> Option<UserErrorParts> {
        use CatalogError::*;
        let (code, field) = match self {
            NotFound { field } => ("NOT_FOUND", field),
            InvalidId { field } => ("INVALID_ID", field),
            Required { field } => ("REQUIRED", field),
            Invalid { field, .. } => ("INVALID", field),
            Taken { field } => ("TAKEN", field),
            NegativePrice { field } => ("NEGATIVE_PRICE", field),
            PriceTooPrecise { field } => ("PRICE_TOO_PRECISE", field),
            InsufficientStock { field } => ("INSUFFICIENT_STOCK", field),
            CategoryCycle { field } => ("CATEGORY_CYCLE", field),
            Forbidden | Db(_) => return None,
        };
        Some(UserErrorParts::new(code).field(field.clone()))
    }

    fn request_error(&self) -> Option<RequestError> {
        matches!(self, CatalogError::Forbidden).then_some(RequestError::Forbidden)
    }
}
