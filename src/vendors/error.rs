use crate::error::{ErrorCode, RequestError, UserErrorParts};

/// The codes of [`VendorError`]'s user errors; `VendorErrorCode` in the API mirrors it variant for variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Invalid,
    Taken,
}

#[derive(Debug, thiserror::Error)]
pub enum VendorError {
    #[error("the name must be 1 to 200 characters")]
    InvalidName,
    #[error("the slug must be 1 to 100 lowercase letters, digits and dashes")]
    InvalidSlug,
    #[error("another vendor has this slug")]
    SlugTaken,
    #[error("only staff can do this")]
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
            VendorError::Forbidden | VendorError::Db(_) => return None,
        })
    }

    fn request_error(&self) -> Option<RequestError> {
        matches!(self, VendorError::Forbidden).then_some(RequestError::Forbidden)
    }
}
