use crate::error::{ErrorCode, RequestError, UserErrorParts};
pub use crate::error::{FieldPath, path};

#[derive(Debug, thiserror::Error)]
pub enum PromotionError {
    #[error("not found")]
    NotFound { field: FieldPath },
    #[error("this is not a valid ID of the expected type")]
    InvalidId { field: FieldPath },
    #[error("{message}")]
    Required { field: FieldPath, message: &'static str },
    #[error("{message}")]
    Invalid { field: FieldPath, message: &'static str },
    #[error("another discount already has this code")]
    Taken { field: FieldPath },
    /// From [`crate::promotions::PromotionService::redeem_in`]: the discount is used up (or was
    /// deactivated) since it was quoted. Checkout maps it to its own user error.
    #[error("this discount has been used as often as it may be")]
    UsageLimitReached { code: Option<String> },
    /// From [`crate::promotions::PromotionService::redeem_in`]: this customer has used it as
    /// often as they may.
    #[error("you have already used this discount as often as you may")]
    CustomerLimitReached { code: Option<String> },
    #[error("only staff can do this")]
    Forbidden,
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
}

impl ErrorCode for PromotionError {
    fn user_error(&self) -> Option<UserErrorParts> {
        use PromotionError::*;
        let (code, field) = match self {
            NotFound { field } => ("NOT_FOUND", field),
            InvalidId { field } => ("INVALID_ID", field),
            Required { field, .. } => ("REQUIRED", field),
            Invalid { field, .. } => ("INVALID", field),
            Taken { field } => ("TAKEN", field),
            UsageLimitReached { .. } => return Some(UserErrorParts::new("USAGE_LIMIT_REACHED")),
            CustomerLimitReached { .. } => return Some(UserErrorParts::new("CUSTOMER_LIMIT_REACHED")),
            Forbidden | Db(_) => return None,
        };
        Some(UserErrorParts::new(code).field(field.clone()))
    }

    fn request_error(&self) -> Option<RequestError> {
        matches!(self, PromotionError::Forbidden).then_some(RequestError::Forbidden)
    }
}
