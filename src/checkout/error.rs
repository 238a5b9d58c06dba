use crate::error::{ErrorCode, RequestError, UserErrorParts};

#[derive(Debug, thiserror::Error)]
pub enum CheckoutError {
    #[error("no cart with this id")]
    CartNotFound,
    #[error("this cart has already been checked out")]
    CartCompleted,
    #[error("the cart changed while it was being checked out; review it and try again")]
    CartChanged,
    #[error("the cart is empty")]
    CartEmpty,
    #[error("an e-mail address is required")]
    EmailRequired,
    #[error("a shipping address is required")]
    ShippingAddressRequired,
    #[error("choose a shipping method for every vendor")]
    ShippingMethodRequired { vendor_index: usize },
    #[error("the price changed since it was added; review the cart")]
    PriceChanged { line: usize },
    #[error("this product is no longer for sale")]
    VariantUnavailable { line: usize },
    #[error("not enough stock")]
    InsufficientStock { line: usize },
    #[error("this discount code cannot be used")]
    DiscountCodeInvalid { index: usize },
    #[error("this discount code has been used up")]
    DiscountUsageLimitReached { index: usize },
    #[error("this idempotency key was used for another checkout")]
    IdempotencyKeyReused,
    #[error("idempotency keys are 1 to 255 printable characters")]
    InvalidIdempotencyKey,
    #[error("this is not a valid ID of the expected type")]
    InvalidId,
    #[error("this cart belongs to another customer")]
    Forbidden,
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
    #[error("pricing failed")]
    Pricing(#[from] crate::pricing::PricingError),
}

fn at(parts: &[&str], i: usize, tail: &str) -> Vec<String> {
    parts.iter().map(|s| (*s).to_owned()).chain([i.to_string(), tail.to_owned()]).collect()
}

impl ErrorCode for CheckoutError {
    fn user_error(&self) -> Option<UserErrorParts> {
        use CheckoutError::*;
        Some(match self {
            CartNotFound => UserErrorParts::new("CART_NOT_FOUND").field(["cartId"]),
            CartCompleted => UserErrorParts::new("CART_COMPLETED").field(["cartId"]),
            CartChanged => UserErrorParts::new("CART_CHANGED").field(["cartId"]),
            CartEmpty => UserErrorParts::new("CART_EMPTY").field(["cartId"]),
            EmailRequired => UserErrorParts::new("EMAIL_REQUIRED").field(["cart", "email"]),
            ShippingAddressRequired => {
                UserErrorParts::new("SHIPPING_ADDRESS_REQUIRED").field(["cart", "shippingAddress"])
            }
            ShippingMethodRequired { vendor_index } => UserErrorParts::new("SHIPPING_METHOD_REQUIRED").field(at(
                &["cart", "vendorGroups"],
                *vendor_index,
                "shippingMethod",
            )),
            PriceChanged { line } => {
                UserErrorParts::new("PRICE_CHANGED").field(at(&["cart", "lines"], *line, "unitPrice"))
            }
            VariantUnavailable { line } => {
                UserErrorParts::new("VARIANT_UNAVAILABLE").field(at(&["cart", "lines"], *line, "variant"))
            }
            InsufficientStock { line } => {
                UserErrorParts::new("INSUFFICIENT_STOCK").field(at(&["cart", "lines"], *line, "quantity"))
            }
            DiscountCodeInvalid { index } => UserErrorParts::new("DISCOUNT_CODE_INVALID").field([
                "cart".to_owned(),
                "discountCodes".to_owned(),
                index.to_string(),
            ]),
            DiscountUsageLimitReached { index } => UserErrorParts::new("DISCOUNT_USAGE_LIMIT_REACHED").field([
                "cart".to_owned(),
                "discountCodes".to_owned(),
                index.to_string(),
            ]),
            IdempotencyKeyReused => UserErrorParts::new("IDEMPOTENCY_KEY_REUSED").field(["idempotencyKey"]),
            InvalidIdempotencyKey => UserErrorParts::new("INVALID").field(["idempotencyKey"]),
            InvalidId => UserErrorParts::new("INVALID_ID").field(["cartId"]),
            Forbidden | Db(_) | Pricing(_) => return None,
        })
    }

    fn request_error(&self) -> Option<RequestError> {
        matches!(self, CheckoutError::Forbidden).then_some(RequestError::Forbidden)
    }
}
