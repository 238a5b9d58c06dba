use crate::error::{ErrorCode, InvalidIdAt, RequestError, UserErrorParts};
pub use crate::error::{FieldPath, path};

/// The codes of [`CartError`]'s user errors; `CartErrorCode` in the API mirrors it variant for variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    CartNotFound,
    CartCompleted,
    CartChanged,
    InvalidId,
    InvalidQuantity,
    VariantUnavailable,
    InsufficientStock,
    TooManyLines,
    LineNotFound,
    InvalidEmail,
    Invalid,
    DiscountCodeInvalid,
    ShippingMethodUnavailable,
}

#[derive(Debug, thiserror::Error)]
pub enum CartError {
    #[error("no cart with this id")]
    CartNotFound,
    #[error("this cart has been checked out or merged and can no longer change")]
    CartCompleted,
    #[error("this is not a valid ID of the expected type")]
    InvalidId { field: FieldPath },
    #[error("quantities are whole numbers from 1 to {max}")]
    InvalidQuantity { field: FieldPath, max: u32 },
    #[error("this product is not for sale")]
    VariantUnavailable { field: FieldPath },
    #[error("only {available} available")]
    InsufficientStock { field: FieldPath, available: u32 },
    #[error("a cart holds at most {max} lines")]
    TooManyLines { max: usize },
    #[error("no line with this id in the cart")]
    LineNotFound { field: FieldPath },
    #[error("enter a valid e-mail address")]
    InvalidEmail,
    #[error("this value is not valid")]
    Invalid { field: FieldPath },
    /// An address with one or more bad fields (`INVALID` for each).
    #[error("this value is not valid")]
    InvalidAddress { fields: Vec<FieldPath> },
    #[error("this discount code cannot be used")]
    DiscountCodeInvalid { field: FieldPath },
    #[error("this shipping method is not available for this vendor and destination")]
    ShippingMethodUnavailable { field: FieldPath },
    #[error("the cart kept changing while this was saved; try again")]
    CartChanged,
    #[error("this cart belongs to another customer")]
    Forbidden,
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
    #[error("pricing failed")]
    Pricing(#[from] crate::pricing::PricingError),
}

impl ErrorCode for CartError {
    type Code = Code;

    fn user_error(&self) -> Option<UserErrorParts<Code>> {
        use CartError::*;
        Some(match self {
            CartNotFound => UserErrorParts::new(Code::CartNotFound).field(["cartId"]),
            CartCompleted => UserErrorParts::new(Code::CartCompleted).field(["cartId"]),
            CartChanged => UserErrorParts::new(Code::CartChanged).field(["cartId"]),
            InvalidId { field } => UserErrorParts::new(Code::InvalidId).field(field),
            InvalidQuantity { field, .. } => UserErrorParts::new(Code::InvalidQuantity).field(field),
            VariantUnavailable { field } => UserErrorParts::new(Code::VariantUnavailable).field(field),
            InsufficientStock { field, .. } => UserErrorParts::new(Code::InsufficientStock).field(field),
            TooManyLines { .. } => UserErrorParts::new(Code::TooManyLines).field(["lines"]),
            LineNotFound { field } => UserErrorParts::new(Code::LineNotFound).field(field),
            InvalidEmail => UserErrorParts::new(Code::InvalidEmail).field(["email"]),
            Invalid { field } => UserErrorParts::new(Code::Invalid).field(field),
            InvalidAddress { fields } => UserErrorParts::new(Code::Invalid).field(fields.first().cloned()?),
            DiscountCodeInvalid { field } => UserErrorParts::new(Code::DiscountCodeInvalid).field(field),
            ShippingMethodUnavailable { field } => UserErrorParts::new(Code::ShippingMethodUnavailable).field(field),
            Forbidden | Db(_) | Pricing(_) => return None,
        })
    }

    fn user_errors(&self) -> Vec<UserErrorParts<Code>> {
        match self {
            CartError::InvalidAddress { fields } => {
                fields.iter().map(|f| UserErrorParts::new(Code::Invalid).field(f.clone())).collect()
            }
            other => other.user_error().into_iter().collect(),
        }
    }

    fn request_error(&self) -> Option<RequestError> {
        matches!(self, CartError::Forbidden).then_some(RequestError::Forbidden)
    }
}

impl From<InvalidIdAt> for CartError {
    fn from(e: InvalidIdAt) -> Self {
        CartError::InvalidId { field: e.field }
    }
}

/// Why a cart could not be priced (`service::Quoter`): never the caller's fault.
#[derive(Debug, thiserror::Error)]
pub enum QuoteError {
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
    #[error("pricing failed")]
    Pricing(#[from] crate::pricing::PricingError),
}

impl From<QuoteError> for CartError {
    fn from(e: QuoteError) -> Self {
        match e {
            QuoteError::Db(e) => CartError::Db(e),
            QuoteError::Pricing(e) => CartError::Pricing(e),
        }
    }
}
