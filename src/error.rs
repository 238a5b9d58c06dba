//! The error model shared by all domains.
//!
//! Each domain has its own `thiserror` enum. Expected, caller-fixable outcomes become
//! `userErrors` through [`ErrorCode::user_error`]; everything else is internal: logged with its
//! source chain and answered as a masked `INTERNAL_SERVER_ERROR`.

use std::fmt::Write;

/// A path to an input field, e.g. `["variants", "0", "price"]`.
pub type FieldPath = Vec<String>;

/// Builds a [`FieldPath`] from segments.
pub fn path<I: IntoIterator<Item = S>, S: ToString>(parts: I) -> FieldPath {
    parts.into_iter().map(|p| p.to_string()).collect()
}

/// The public parts of a user error: a stable code and the input path it refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserErrorParts {
    pub code: &'static str,
    pub field: Option<Vec<String>>,
}

impl UserErrorParts {
    pub fn new(code: &'static str) -> Self {
        Self { code, field: None }
    }

    pub fn field<I, S>(mut self, path: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.field = Some(path.into_iter().map(Into::into).collect());
        self
    }
}

/// Implemented by every domain error: `None` means internal (masked, logged).
pub trait ErrorCode: std::error::Error {
    fn user_error(&self) -> Option<UserErrorParts>;

    /// A request-level failure (not signed in, not allowed); answered as a top-level error.
    fn request_error(&self) -> Option<RequestError> {
        None
    }
}

/// `error: cause: cause…`, for logs only.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let _ = write!(out, ": {s}");
        source = s.source();
    }
    out
}

/// Failures that are about the request rather than the input: top-level errors with a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestError {
    Unauthenticated,
    Forbidden,
    NotFound,
    BadUserInput,
}

impl RequestError {
    pub fn code(&self) -> &'static str {
        match self {
            RequestError::Unauthenticated => "UNAUTHENTICATED",
            RequestError::Forbidden => "FORBIDDEN",
            RequestError::NotFound => "NOT_FOUND",
            RequestError::BadUserInput => "BAD_USER_INPUT",
        }
    }
}
