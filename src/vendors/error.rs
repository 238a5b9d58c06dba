use crate::error::{ErrorCode, RequestError, UserErrorParts};

/// The codes of [`VendorError`]'s user errors; `VendorErrorCode` in the API mirrors it variant for variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Invalid,
    Taken,
    NotFound,
    /// The vendor's status does not allow this (pending, rejected or suspended).
    VendorNotActive,
}

#[derive(Debug, thiserror::Error)]
pub enum VendorError {
    #[error("the name must be 1 to 200 characters")]
    InvalidName,
    #[error("the slug must be 1 to 100 lowercase letters, digits and dashes")]
    InvalidSlug,
    #[error("another vendor has this slug")]
    SlugTaken,
    /// No vendor has the id given at `vendorId`.
    #[error("no such vendor")]
    NotFound,
    /// The vendor is pending, rejected or suspended, and the operation needs it active.
    #[error("the vendor is not active")]
    NotActive,
    #[error("sign in to do this")]
    Unauthenticated,
    /// Not staff, and not a member of the vendor whose role allows this.
    #[error("not allowed for this vendor")]
    Forbidden,
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
}

impl ErrorCode for VendorError {
    type Code = Code;

    fn user_error(&self) -> Option<UserErrorParts<Code>> {
        Some(match self {
            VendorError::InvalidName => UserErrorParts::new(Code::Invalid).field(["name"]),
            VendorError::InvalidSlug => UserErrorParts::new(Code::Invalid).field(["slug"]),
            VendorError::SlugTaken => UserErrorParts::new(Code::Taken).field(["slug"]),
            VendorError::NotFound => UserErrorParts::new(Code::NotFound).field(["vendorId"]),
            VendorError::NotActive => UserErrorParts::new(Code::VendorNotActive).field(["vendorId"]),
            VendorError::Unauthenticated | VendorError::Forbidden | VendorError::Db(_) => return None,
        })
    }

    fn request_error(&self) -> Option<RequestError> {
        match self {
            VendorError::Unauthenticated => Some(RequestError::Unauthenticated),
            VendorError::Forbidden => Some(RequestError::Forbidden),
            _ => None,
        }
    }
}
