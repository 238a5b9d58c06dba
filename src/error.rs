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

/// The public parts of a user error: the domain's code (a plain enum in its `error.rs`, mirrored
/// by a GraphQL enum in its `graphql` module) and the input path it refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserErrorParts<C> {
    pub code: C,
    pub field: Option<FieldPath>,
}

impl<C> UserErrorParts<C> {
    pub fn new(code: C) -> Self {
        Self { code, field: None }
    }

    /// The input path at fault, built with [`path`].
    pub fn field<I: IntoIterator<Item = S>, S: ToString>(mut self, parts: I) -> Self {
        self.field = Some(path(parts));
        self
    }
}

/// Implemented by every domain error: `None` means internal (masked, logged).
pub trait ErrorCode: std::error::Error {
    /// The domain's user-error codes; its GraphQL enum mirrors it variant for variant, so a
    /// code the API cannot express does not compile.
    type Code;

    fn user_error(&self) -> Option<UserErrorParts<Self::Code>>;

    /// Every user error this error stands for: one, except where a form reports all its bad
    /// fields at once (an address); empty means internal, like `user_error`.
    fn user_errors(&self) -> Vec<UserErrorParts<Self::Code>> {
        self.user_error().into_iter().collect()
    }

    /// A request-level failure (not signed in, not allowed); answered as a top-level error.
    fn request_error(&self) -> Option<RequestError> {
        None
    }
}

/// A malformed or wrongly typed global ID inside an input, at `field`; each domain turns it
/// into its `InvalidId { field }` user error (`From` in its `error.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidIdAt {
    pub field: FieldPath,
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
