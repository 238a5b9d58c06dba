use crate::error::{ErrorCode, FieldPath, InvalidIdAt, RequestError, UserErrorParts};

/// The codes of [`OrderError`]'s user errors; `OrderErrorCode` in the API mirrors it variant for variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    OrderNotFound,
    CannotCancel,
    CannotFulfil,
    LineNotFound,
    InvalidQuantity,
    InvalidId,
    Conflict,
    VendorOrderNotFound,
    FulfillmentNotFound,
    InvalidTracking,
    InvalidReason,
    NoLines,
}

#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    #[error("no order with this id")]
    NotFound,
    #[error("this order cannot be cancelled now")]
    CannotCancel,
    #[error("this order cannot be fulfilled now")]
    CannotFulfil,
    #[error("no line with this id in the order")]
    LineNotFound { index: usize },
    #[error("more units than are left to ship")]
    InvalidQuantity { index: usize },
    #[error("this is not a valid ID of the expected type")]
    InvalidId { field: FieldPath },
    #[error("the order changed meanwhile; reload it and try again")]
    Conflict,
    /// No vendor order with the id given at `vendorOrderId` (or the vendor is gone).
    #[error("no vendor order with this id")]
    VendorOrderNotFound,
    /// No fulfilment with the id given at `id`.
    #[error("no fulfilment with this id")]
    FulfillmentNotFound,
    /// The vendor order is not paid, or already finished (fulfilled, cancelled, expired).
    #[error("this vendor order cannot be fulfilled now")]
    VendorOrderNotFulfillable,
    /// The vendor order is not paid, or already finished.
    #[error("lines of this vendor order cannot be cancelled now")]
    VendorOrderNotCancellable,
    /// The order line given at `lines[index].orderLineId` is not a line of this vendor order.
    #[error("no line with this id in the vendor order")]
    NotALine { index: usize },
    #[error("the input names no line")]
    NoLines,
    /// A carrier, tracking number or URL too long, or a URL that is not http(s).
    #[error("carrier and tracking number take at most 100 characters; the tracking URL must be an http(s) URL")]
    InvalidTracking { field: &'static str },
    #[error("the reason takes at most 500 characters")]
    InvalidReason,
    #[error("sign in to do this")]
    Unauthenticated,
    #[error("you may not do this")]
    Forbidden,
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
}

impl ErrorCode for OrderError {
    type Code = Code;

    fn user_error(&self) -> Option<UserErrorParts<Code>> {
        use OrderError::*;
        Some(match self {
            NotFound => UserErrorParts::new(Code::OrderNotFound).field(["orderId"]),
            CannotCancel => UserErrorParts::new(Code::CannotCancel).field(["orderId"]),
            CannotFulfil => UserErrorParts::new(Code::CannotFulfil).field(["orderId"]),
            LineNotFound { index } => {
                UserErrorParts::new(Code::LineNotFound).field(["lines", &index.to_string(), "lineId"])
            }
            InvalidQuantity { index } => {
                UserErrorParts::new(Code::InvalidQuantity).field(["lines", &index.to_string(), "quantity"])
            }
            InvalidId { field } => UserErrorParts::new(Code::InvalidId).field(field),
            Conflict => UserErrorParts::new(Code::Conflict).field(["orderId"]),
            VendorOrderNotFound => UserErrorParts::new(Code::VendorOrderNotFound).field(["vendorOrderId"]),
            FulfillmentNotFound => UserErrorParts::new(Code::FulfillmentNotFound).field(["id"]),
            VendorOrderNotFulfillable => UserErrorParts::new(Code::CannotFulfil).field(["vendorOrderId"]),
            VendorOrderNotCancellable => UserErrorParts::new(Code::CannotCancel).field(["vendorOrderId"]),
            NotALine { index } => {
                UserErrorParts::new(Code::LineNotFound).field(["lines", &index.to_string(), "orderLineId"])
            }
            NoLines => UserErrorParts::new(Code::NoLines).field(["lines"]),
            InvalidTracking { field } => UserErrorParts::new(Code::InvalidTracking).field([*field]),
            InvalidReason => UserErrorParts::new(Code::InvalidReason).field(["reason"]),
            Unauthenticated | Forbidden | Db(_) => return None,
        })
    }

    fn request_error(&self) -> Option<RequestError> {
        match self {
            OrderError::Unauthenticated => Some(RequestError::Unauthenticated),
            OrderError::Forbidden => Some(RequestError::Forbidden),
            _ => None,
        }
    }
}

impl From<InvalidIdAt> for OrderError {
    fn from(e: InvalidIdAt) -> Self {
        OrderError::InvalidId { field: e.field }
    }
}

impl From<crate::vendors::VendorError> for OrderError {
    /// A vendor-scoped order operation's authorisation: a vendor that is gone reads as the vendor
    /// order missing; the rest are top-level.
    fn from(e: crate::vendors::VendorError) -> Self {
        use crate::vendors::VendorError as V;
        match e {
            V::Unauthenticated => OrderError::Unauthenticated,
            V::Db(e) => OrderError::Db(e),
            V::NotFound => OrderError::VendorOrderNotFound,
            _ => OrderError::Forbidden,
        }
    }
}
