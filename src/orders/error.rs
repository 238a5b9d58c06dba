use crate::error::{ErrorCode, RequestError, UserErrorParts};

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
    InvalidId { field: Vec<String> },
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
    fn user_error(&self) -> Option<UserErrorParts> {
        use OrderError::*;
        Some(match self {
            NotFound => UserErrorParts::new("ORDER_NOT_FOUND").field(["orderId"]),
            CannotCancel => UserErrorParts::new("CANNOT_CANCEL").field(["orderId"]),
            CannotFulfil => UserErrorParts::new("CANNOT_FULFIL").field(["orderId"]),
            LineNotFound { index } => UserErrorParts::new("LINE_NOT_FOUND").field([
                "lines".to_owned(),
                index.to_string(),
                "lineId".to_owned(),
            ]),
            InvalidQuantity { index } => UserErrorParts::new("INVALID_QUANTITY").field([
                "lines".to_owned(),
                index.to_string(),
                "quantity".to_owned(),
            ]),
            InvalidId { field } => UserErrorParts::new("INVALID_ID").field(field.clone()),
            Conflict => UserErrorParts::new("CONFLICT").field(["orderId"]),
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
