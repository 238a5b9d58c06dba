use crate::error::{ErrorCode, RequestError, UserErrorParts};

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
    fn user_error(&self) -> Option<UserErrorParts> {
        Some(match self {
            VendorError::InvalidName => UserErrorParts::new("INVALID").field(["name"]),
            VendorError::InvalidSlug => UserErrorParts::new("INVALID").field(["slug"]),
            VendorError::SlugTaken => UserErrorParts::new("TAKEN").field(["slug"]),
            VendorError::Forbidden | VendorError::Db(_) => return None,
        })
    }

    fn request_error(&self) -> Option<RequestError> {
        matches!(self, VendorError::Forbidden).then_some(RequestError::Forbidden)
    }
}
