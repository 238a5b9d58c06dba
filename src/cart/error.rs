use crate::error::{ErrorCode, RequestError, UserErrorParts};
pub use crate::error::{FieldPath, path};

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
    fn user_error(&self) -> Option<UserErrorParts> {
        use CartError::*;
        Some(match self {
            CartNotFound => UserErrorParts::new("CART_NOT_FOUND").field(["cartId"]),
            CartCompleted => UserErrorParts::new("CART_COMPLETED").field(["cartId"]),
            CartChanged => UserErrorParts::new("CART_CHANGED").field(["cartId"]),
            InvalidId { field } => UserErrorParts::new("INVALID_ID").field(field.clone()),
            InvalidQuantity { field, .. } => UserErrorParts::new("INVALID_QUANTITY").field(field.clone()),
            VariantUnavailable { field } => UserErrorParts::new("VARIANT_UNAVAILABLE").field(field.clone()),
            InsufficientStock { field, .. } => UserErrorParts::new("INSUFFICIENT_STOCK").field(field.clone()),
            TooManyLines { .. } => UserErrorParts::new("TOO_MANY_LINES").field(["lines"]),
            LineNotFound { field } => UserErrorParts::new("LINE_NOT_FOUND").field(field.clone()),
            InvalidEmail => UserErrorParts::new("INVALID_EMAIL").field(["email"]),
            Invalid { field } => UserErrorParts::new("INVALID").field(field.clone()),
            DiscountCodeInvalid { field } => UserErrorParts::new("DISCOUNT_CODE_INVALID").field(field.clone()),
            ShippingMethodUnavailable { field } => {
                UserErrorParts::new("SHIPPING_METHOD_UNAVAILABLE").field(field.clone())
            }
            Forbidden | Db(_) | Pricing(_) => return None,
        })
    }

    fn request_error(&self) -> Option<RequestError> {
        matches!(self, CartError::Forbidden).then_some(RequestError::Forbidden)
    }
}
