use crate::error::{ErrorCode, InvalidIdAt, RequestError, UserErrorParts};
pub use crate::error::{FieldPath, path};

/// The codes of [`PromotionError`]'s user errors; `PromotionErrorCode` in the API mirrors it variant for variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Required,
    Invalid,
    Taken,
    NotFound,
    InvalidId,
    UsageLimitReached,
    CustomerLimitReached,
}

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
    type Code = Code;

    fn user_error(&self) -> Option<UserErrorParts<Code>> {
        use PromotionError::*;
        let (code, field) = match self {
            NotFound { field } => (Code::NotFound, field),
            InvalidId { field } => (Code::InvalidId, field),
            Required { field, .. } => (Code::Required, field),
            Invalid { field, .. } => (Code::Invalid, field),
            Taken { field } => (Code::Taken, field),
            UsageLimitReached { .. } => return Some(UserErrorParts::new(Code::UsageLimitReached)),
            CustomerLimitReached { .. } => return Some(UserErrorParts::new(Code::CustomerLimitReached)),
            Forbidden | Db(_) => return None,
        };
        Some(UserErrorParts::new(code).field(field))
    }

    fn request_error(&self) -> Option<RequestError> {
        matches!(self, PromotionError::Forbidden).then_some(RequestError::Forbidden)
    }
}

impl From<InvalidIdAt> for PromotionError {
    fn from(e: InvalidIdAt) -> Self {
        PromotionError::InvalidId { field: e.field }
    }
}
