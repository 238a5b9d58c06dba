use crate::error::{ErrorCode, FieldPath, InvalidIdAt, RequestError, UserErrorParts};

/// The codes of [`PaymentError`]'s user errors; `PaymentErrorCode` in the API mirrors it variant for variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    OrderNotFound,
    OrderNotPayable,
    InvalidPaymentMethod,
    PaymentDeclined,
    PaymentInProgress,
    PaymentNotFound,
    NotConfirmable,
    ProviderUnavailable,
    InvalidId,
    NotRefundable,
    AmountTooLarge,
    InvalidAmount,
    InvalidLine,
    QuantityTooLarge,
    IdempotencyKeyReused,
    InvalidIdempotencyKey,
}

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
    #[error("the payment provider could not be reached; trying again is safe")]
    ProviderUnavailable,
    #[error("this is not a valid ID of the expected type")]
    InvalidId { field: FieldPath },
    #[error("this order has no succeeded payment to refund")]
    NotRefundable,
    #[error("more than is left to refund (captured minus refunded and refunds in flight)")]
    AmountTooLarge { field: FieldPath },
    #[error("refund amounts are positive and no more precise than the currency")]
    InvalidAmount,
    #[error("no such line in the order, a line named twice, or no units")]
    InvalidLine { field: FieldPath },
    #[error("more units than were ordered and not refunded yet")]
    QuantityTooLarge { index: usize },
    #[error("this idempotency key was used for another request")]
    IdempotencyKeyReused,
    #[error("idempotency keys are 1 to 200 printable characters")]
    InvalidIdempotencyKey,
    #[error("no refund with this id")]
    RefundNotFound,
    #[error("you may not do this")]
    Forbidden,
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
    /// The provider failed where no user is waiting for an answer (jobs, refunds).
    #[error("the payment provider failed")]
    Provider(#[source] anyhow::Error),
}

impl ErrorCode for PaymentError {
    type Code = Code;

    fn user_error(&self) -> Option<UserErrorParts<Code>> {
        use PaymentError::*;
        Some(match self {
            OrderNotFound => UserErrorParts::new(Code::OrderNotFound).field(["orderId"]),
            OrderNotPayable => UserErrorParts::new(Code::OrderNotPayable).field(["orderId"]),
            InvalidPaymentMethod => UserErrorParts::new(Code::InvalidPaymentMethod).field(["paymentMethod"]),
            Declined { .. } => UserErrorParts::new(Code::PaymentDeclined).field(["paymentMethod"]),
            PaymentInProgress => UserErrorParts::new(Code::PaymentInProgress).field(["orderId"]),
            PaymentNotFound => UserErrorParts::new(Code::PaymentNotFound).field(["paymentId"]),
            NotConfirmable => UserErrorParts::new(Code::NotConfirmable).field(["paymentId"]),
            ProviderUnavailable => UserErrorParts::new(Code::ProviderUnavailable).field(["orderId"]),
            InvalidId { field } => UserErrorParts::new(Code::InvalidId).field(field),
            NotRefundable => UserErrorParts::new(Code::NotRefundable).field(["orderId"]),
            AmountTooLarge { field } => UserErrorParts::new(Code::AmountTooLarge).field(field),
            InvalidAmount => UserErrorParts::new(Code::InvalidAmount).field(["amount"]),
            InvalidLine { field } => UserErrorParts::new(Code::InvalidLine).field(field),
            QuantityTooLarge { index } => {
                UserErrorParts::new(Code::QuantityTooLarge).field(["lines", &index.to_string(), "quantity"])
            }
            IdempotencyKeyReused => UserErrorParts::new(Code::IdempotencyKeyReused).field(["idempotencyKey"]),
            InvalidIdempotencyKey => UserErrorParts::new(Code::InvalidIdempotencyKey).field(["idempotencyKey"]),
            Forbidden | RefundNotFound | Db(_) | Provider(_) => return None,
        })
    }

    fn request_error(&self) -> Option<RequestError> {
        matches!(self, PaymentError::Forbidden).then_some(RequestError::Forbidden)
    }
}

impl From<InvalidIdAt> for PaymentError {
    fn from(e: InvalidIdAt) -> Self {
        PaymentError::InvalidId { field: e.field }
    }
}
