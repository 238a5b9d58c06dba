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
