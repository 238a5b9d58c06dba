//! The one place that turns errors into GraphQL errors.
//!
//! Internal failures are logged with their source chain and answered as a masked
//! `INTERNAL_SERVER_ERROR`; nothing internal reaches a client. This is a function and not a
//! `From` impl because async-graphql's blanket `From<T: Display>` would publish messages.

use async_graphql::ErrorExtensions;

use crate::error::{ErrorCode, RequestError, UserErrorParts, chain};

pub fn internal(e: &(dyn std::error::Error + 'static)) -> async_graphql::Error {
    tracing::error!(error = %chain(e), "internal error");
    async_graphql::Error::new("Internal server error").extend_with(|_, ext| ext.set("code", "INTERNAL_SERVER_ERROR"))
}

pub fn request_error(kind: RequestError, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, ext| ext.set("code", kind.code()))
}

pub fn unauthenticated() -> async_graphql::Error {
    request_error(RequestError::Unauthenticated, "Sign in to do this")
}

pub fn forbidden() -> async_graphql::Error {
    request_error(RequestError::Forbidden, "You are not allowed to do this")
}

/// A GraphQL user-error type built from a domain error's public parts.
pub trait FromUserErrorParts: Sized {
    fn from_parts(parts: UserErrorParts, message: String) -> Option<Self>;
}

/// A domain error as `userErrors`, or as a top-level error when it is not the caller's to fix.
pub fn user_errors<E, U>(e: E) -> async_graphql::Result<Vec<U>>
where
    E: ErrorCode + 'static,
    U: FromUserErrorParts,
{
    if let Some(kind) = e.request_error() {
        return Err(request_error(kind, e.to_string()));
    }
    match e.user_error() {
        Some(parts) => U::from_parts(parts, e.to_string()).map(|u| vec![u]).ok_or_else(|| internal(&e)),
        None => Err(internal(&e)),
    }
}

/// A domain error as a top-level error, for queries (which have no `userErrors`): request
/// errors keep their code, caller-fixable ones become `BAD_USER_INPUT`, the rest is internal.
pub fn top_level<E: ErrorCode + 'static>(e: E) -> async_graphql::Error {
    if let Some(kind) = e.request_error() {
        return request_error(kind, e.to_string());
    }
    match e.user_error() {
        Some(parts) => {
            let field = parts.field.unwrap_or_default();
            let code = parts.code;
            async_graphql::Error::new(e.to_string()).extend_with(move |_, ext| {
                ext.set("code", RequestError::BadUserInput.code());
                ext.set("reason", code);
                ext.set("field", field.clone());
            })
        }
        None => internal(&e),
    }
}

/// `FooBar` → `FOO_BAR`, the way async-graphql names enum values.
pub fn screaming_snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// Declares a domain's error-code enum and its `…UserError` type.
macro_rules! user_error_type {
    (
        $(#[doc = $tydoc:literal])* $ty:ident,
        $(#[doc = $codedoc:literal])* $code:ident { $( $(#[doc = $vdoc:literal])* $variant:ident ),* $(,)? }
    ) => {
        $(#[doc = $codedoc])*
        #[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
        pub enum $code { $( $(#[doc = $vdoc])* $variant ),* }

        $(#[doc = $tydoc])*
        #[derive(async_graphql::SimpleObject, Clone, Debug)]
        pub struct $ty {
            /// What went wrong, as a stable machine-readable code.
            pub code: $code,
            /// The path to the input field at fault, relative to the mutation's `input` (e.g.
            /// `["variants", "0", "price"]`) or naming the argument (`["id"]`);
            /// null when the error is not about one field.
            pub field: Option<Vec<String>>,
            /// A human-readable explanation, in English; may change, do not match on it.
            pub message: String,
        }

        impl $crate::graphql::errors::FromUserErrorParts for $ty {
            fn from_parts(parts: $crate::error::UserErrorParts, message: String) -> Option<Self> {
                $( if $crate::graphql::errors::screaming_snake(stringify!($variant)) == parts.code {
                    return Some(Self { code: $code::$variant, field: parts.field, message });
                } )*
                None
            }
        }
    };
}
pub(crate) use user_error_type;

#[cfg(test)]
mod tests {
    #[test]
    fn enum_names_match_async_graphql() {
        assert_eq!(super::screaming_snake("InsufficientStock"), "INSUFFICIENT_STOCK");
        assert_eq!(super::screaming_snake("Taken"), "TAKEN");
    }
}
