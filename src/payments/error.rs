use crate::error::{ErrorCode, RequestError, UserErrorParts};

#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    #[error("no order with this id")]
    OrderNotFound,
    #[error("this order is not awaiting payment")]
    OrderNotPayable,
    #[error("the payment method is not valid")]
    InvalidPaymentMethod,
    #[error("the payment was declined ({code})")]
    Declined { code: String },
    #[error("another payment for this order is in progress")]
    PaymentInProgress,
    #[error("no payment with this id")]
    PaymentNotFound,
    #[error("this payment does not need confirming")]
    NotConfirmable,
    #[error("this is not a valid ID of the expected type")]
    InvalidId { field: Vec<String> },
    #[error("you may not do this")]
    Forbidden,
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
    #[error("the payment provider failed")]
    Provider(#[source] anyhow::Error),
}

impl ErrorCode for PaymentError {
    fn user_error(&self) -> Option<UserErrorParts> {
        use PaymentError::*;
        Some(match self {
            OrderNotFound => UserErrorParts::new("ORDER_NOT_FOUND").field(["orderId"]),
            OrderNotPayable => UserErrorParts::new("ORDER_NOT_PAYABLE").field(["orderId"]),
            InvalidPaymentMethod => UserErrorParts::new("INVALID_PAYMENT_METHOD").field(["paymentMethod"]),
            Declined { .. } => UserErrorParts::new("PAYMENT_DECLINED").field(["paymentMethod"]),
            PaymentInProgress => UserErrorParts::new("PAYMENT_IN_PROGRESS").field(["orderId"]),
            PaymentNotFound => UserErrorParts::new("PAYMENT_NOT_FOUND").field(["paymentId"]),
            NotConfirmable => UserErrorParts::new("NOT_CONFIRMABLE").field(["paymentId"]),
            InvalidId { field } => UserErrorParts::new("INVALID_ID").field(field.clone()),
            Forbidden | Db(_) | Provider(_) => return None,
        })
    }

    fn request_error(&self) -> Option<RequestError> {
        matches!(self, PaymentError::Forbidden).then_some(RequestError::Forbidden)
    }
}
