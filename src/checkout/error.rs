use crate::{
    error::{ErrorCode, RequestError, UserErrorParts},
    promotions::PromotionError,
};

/// The codes of [`CheckoutError`]'s user errors; `CheckoutErrorCode` in the API mirrors it variant for variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    CartNotFound,
    CartCompleted,
    CartChanged,
    CartEmpty,
    EmailRequired,
    ShippingAddressRequired,
    ShippingMethodRequired,
    PriceChanged,
    VariantUnavailable,
    InsufficientStock,
    DiscountCodeInvalid,
    DiscountUsageLimitReached,
    IdempotencyKeyReused,
    Invalid,
    /// Not produced any more: a malformed `cartId` argument is a top-level `BAD_USER_INPUT`
    /// (STYLE §2.3). Kept because the API keeps the value (removing it would break clients).
    InvalidId,
}

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
    #[error("this cart belongs to another customer")]
    Forbidden,
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
    #[error("pricing failed")]
    Pricing(#[from] crate::pricing::PricingError),
    /// A promotions failure that is not the buyer's to fix (see [`CheckoutError::redeeming`]).
    #[error("redeeming a discount failed")]
    Promotion(#[source] PromotionError),
}

impl CheckoutError {
    /// A failure of [`crate::promotions::PromotionService::redeem_in`] for the discount code at
    /// `index` of the cart, mapped variant by variant so a new promotions error needs a decision
    /// here.
    pub fn redeeming(e: PromotionError, index: usize) -> Self {
        match e {
            PromotionError::UsageLimitReached { .. } | PromotionError::CustomerLimitReached { .. } => {
                CheckoutError::DiscountUsageLimitReached { index }
            }
            PromotionError::Db(db) => CheckoutError::Db(db),
            e @ (PromotionError::NotFound { .. }
            | PromotionError::InvalidId { .. }
            | PromotionError::Required { .. }
            | PromotionError::Invalid { .. }
            | PromotionError::Taken { .. }
            | PromotionError::Forbidden) => CheckoutError::Promotion(e),
        }
    }
}

impl ErrorCode for CheckoutError {
    type Code = Code;

    fn user_error(&self) -> Option<UserErrorParts<Code>> {
        use CheckoutError::*;
        Some(match self {
            CartNotFound => UserErrorParts::new(Code::CartNotFound).field(["cartId"]),
            CartCompleted => UserErrorParts::new(Code::CartCompleted).field(["cartId"]),
            CartChanged => UserErrorParts::new(Code::CartChanged).field(["cartId"]),
            CartEmpty => UserErrorParts::new(Code::CartEmpty).field(["cartId"]),
            EmailRequired => UserErrorParts::new(Code::EmailRequired).field(["cart", "email"]),
            ShippingAddressRequired => {
                UserErrorParts::new(Code::ShippingAddressRequired).field(["cart", "shippingAddress"])
            }
            ShippingMethodRequired { vendor_index } => UserErrorParts::new(Code::ShippingMethodRequired).field([
                "cart",
                "vendorGroups",
                &vendor_index.to_string(),
                "shippingMethod",
            ]),
            PriceChanged { line } => {
                UserErrorParts::new(Code::PriceChanged).field(["cart", "lines", &line.to_string(), "unitPrice"])
            }
            VariantUnavailable { line } => {
                UserErrorParts::new(Code::VariantUnavailable).field(["cart", "lines", &line.to_string(), "variant"])
            }
            InsufficientStock { line } => {
                UserErrorParts::new(Code::InsufficientStock).field(["cart", "lines", &line.to_string(), "quantity"])
            }
            DiscountCodeInvalid { index } => {
                UserErrorParts::new(Code::DiscountCodeInvalid).field(["cart", "discountCodes", &index.to_string()])
            }
            DiscountUsageLimitReached { index } => UserErrorParts::new(Code::DiscountUsageLimitReached).field([
                "cart",
                "discountCodes",
                &index.to_string(),
            ]),
            IdempotencyKeyReused => UserErrorParts::new(Code::IdempotencyKeyReused).field(["idempotencyKey"]),
            InvalidIdempotencyKey => UserErrorParts::new(Code::Invalid).field(["idempotencyKey"]),
            Forbidden | Db(_) | Pricing(_) | Promotion(_) => return None,
        })
    }

    fn request_error(&self) -> Option<RequestError> {
        matches!(self, CheckoutError::Forbidden).then_some(RequestError::Forbidden)
    }
}

impl From<crate::cart::error::QuoteError> for CheckoutError {
    fn from(e: crate::cart::error::QuoteError) -> Self {
        match e {
            crate::cart::error::QuoteError::Db(e) => CheckoutError::Db(e),
            crate::cart::error::QuoteError::Pricing(e) => CheckoutError::Pricing(e),
        }
    }
}
