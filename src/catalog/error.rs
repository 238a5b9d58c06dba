use crate::error::{ErrorCode, InvalidIdAt, RequestError, UserErrorParts};
pub use crate::error::{FieldPath, path};
use crate::vendors::error::VendorError;

/// The codes of [`CatalogError`]'s user errors; `CatalogErrorCode` in the API mirrors it variant for variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    NotFound,
    InvalidId,
    Required,
    Invalid,
    Taken,
    NegativePrice,
    PriceTooPrecise,
    InsufficientStock,
    CategoryCycle,
    /// The vendor is pending, rejected or suspended: its members cannot edit its catalog.
    VendorNotActive,
    /// The product's approval status does not allow this (approving twice, submitting a
    /// product already in review, …).
    InvalidApprovalTransition,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("not found")]
    NotFound { field: FieldPath },
    #[error("this is not a valid ID of the expected type")]
    InvalidId { field: FieldPath },
    #[error("this field is required")]
    Required { field: FieldPath },
    #[error("{message}")]
    Invalid { field: FieldPath, message: &'static str },
    #[error("this value is already used")]
    Taken { field: FieldPath },
    #[error("prices cannot be negative")]
    NegativePrice { field: FieldPath },
    #[error("the price has more decimal places than the currency allows")]
    PriceTooPrecise { field: FieldPath },
    #[error("not enough stock on hand for this change")]
    InsufficientStock { field: FieldPath },
    #[error("a category cannot be moved below itself")]
    CategoryCycle { field: FieldPath },
    #[error("the vendor is not active")]
    VendorNotActive { field: FieldPath },
    #[error("the product's approval status does not allow this")]
    InvalidApprovalTransition { field: FieldPath },
    #[error("sign in to do this")]
    Unauthenticated,
    /// Not staff, and not a member of the product's vendor whose role allows this.
    #[error("not allowed")]
    Forbidden,
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
}

impl ErrorCode for CatalogError {
    type Code = Code;

    fn user_error(&self) -> Option<UserErrorParts<Code>> {
        use CatalogError::*;
        let (code, field) = match self {
            NotFound { field } => (Code::NotFound, field),
            InvalidId { field } => (Code::InvalidId, field),
            Required { field } => (Code::Required, field),
            Invalid { field, .. } => (Code::Invalid, field),
            Taken { field } => (Code::Taken, field),
            NegativePrice { field } => (Code::NegativePrice, field),
            PriceTooPrecise { field } => (Code::PriceTooPrecise, field),
            InsufficientStock { field } => (Code::InsufficientStock, field),
            CategoryCycle { field } => (Code::CategoryCycle, field),
            VendorNotActive { field } => (Code::VendorNotActive, field),
            InvalidApprovalTransition { field } => (Code::InvalidApprovalTransition, field),
            Unauthenticated | Forbidden | Db(_) => return None,
        };
        Some(UserErrorParts::new(code).field(field))
    }

    fn request_error(&self) -> Option<RequestError> {
        match self {
            CatalogError::Forbidden => Some(RequestError::Forbidden),
            CatalogError::Unauthenticated => Some(RequestError::Unauthenticated),
            _ => None,
        }
    }
}

/// A vendor check as the catalog reports it: an unknown vendor is `NotFound` at `vendorId`, a
/// vendor that is not active `VendorNotActive` there; auth failures stay top-level.
impl From<VendorError> for CatalogError {
    fn from(e: VendorError) -> Self {
        match e {
            VendorError::NotFound => CatalogError::NotFound { field: path(["vendorId"]) },
            VendorError::NotActive => CatalogError::VendorNotActive { field: path(["vendorId"]) },
            VendorError::Unauthenticated => CatalogError::Unauthenticated,
            VendorError::Forbidden => CatalogError::Forbidden,
            VendorError::Db(e) => CatalogError::Db(e),
            // `authorize_in` returns none of these; they are the vendor forms' own errors.
            _ => CatalogError::Invalid { field: path(["vendorId"]), message: "the vendor is not valid" },
        }
    }
}

impl From<InvalidIdAt> for CatalogError {
    fn from(e: InvalidIdAt) -> Self {
        CatalogError::InvalidId { field: e.field }
    }
}
