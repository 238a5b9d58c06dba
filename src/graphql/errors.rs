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

/// `.or_internal()` on the result of an infrastructure call a resolver makes (a service method
/// whose only error is internal, a dataloader's `Arc<DbErr>`): the error becomes [`internal`].
pub trait OrInternal<T> {
    fn or_internal(self) -> async_graphql::Result<T>;
}

impl<T, E: std::error::Error + 'static> OrInternal<T> for Result<T, E> {
    fn or_internal(self) -> async_graphql::Result<T> {
        self.map_err(|e| internal(&e))
    }
}

/// A top-level error raised before execution (by an extension: limits, parsing), with its
/// `extensions.code` and no location.
pub fn server_error(code: &str, message: impl Into<String>) -> async_graphql::ServerError {
    let mut e = async_graphql::ServerError::new(message, None);
    e.extensions.get_or_insert_with(Default::default).set("code", code);
    e
}

pub fn request_error(kind: RequestError, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, ext| ext.set("code", kind.code()))
}

/// A top-level `BAD_USER_INPUT`: an argument the caller must fix (a malformed ID, a page size
/// out of bounds); caller-fixable input *fields* are `userErrors` instead.
pub fn bad_user_input(message: impl Into<String>) -> async_graphql::Error {
    request_error(RequestError::BadUserInput, message)
}

pub fn unauthenticated() -> async_graphql::Error {
    request_error(RequestError::Unauthenticated, "Sign in to do this")
}

pub fn forbidden() -> async_graphql::Error {
    request_error(RequestError::Forbidden, "You are not allowed to do this")
}

/// A domain's error code and the GraphQL enum mirroring it (`#[graphql(remote = …)]`, declared
/// by [`user_error_type!`]): async-graphql writes exhaustive conversions both ways, so a domain
/// code without a GraphQL value, or the reverse, does not compile.
pub trait GraphqlCode: Sized {
    type Enum: async_graphql::EnumType + From<Self>;
}

/// The GraphQL name of a domain code (`Code::InsufficientStock` → `"INSUFFICIENT_STOCK"`),
/// read from its GraphQL enum.
pub fn graphql_name<C: GraphqlCode>(code: C) -> &'static str {
    let value = C::Enum::from(code);
    <C::Enum as async_graphql::EnumType>::items()
        .iter()
        .find(|item| item.value == value)
        .map(|item| item.name)
        .expect("async-graphql lists every value of an enum")
}

/// A GraphQL user-error type built from a domain error's public parts.
pub trait FromUserErrorParts<C>: Sized {
    fn from_parts(parts: UserErrorParts<C>, message: String) -> Self;
}

/// A domain error as `userErrors`, or as a top-level error when it is not the caller's to fix.
pub fn user_errors<E, U>(e: E) -> async_graphql::Result<Vec<U>>
where
    E: ErrorCode + 'static,
    U: FromUserErrorParts<E::Code>,
{
    if let Some(kind) = e.request_error() {
        return Err(request_error(kind, e.to_string()));
    }
    let parts = e.user_errors();
    if parts.is_empty() {
        return Err(internal(&e));
    }
    Ok(parts.into_iter().map(|p| U::from_parts(p, e.to_string())).collect())
}

/// A domain error as a top-level error, for queries (which have no `userErrors`): request
/// errors keep their code, caller-fixable ones become `BAD_USER_INPUT` with the GraphQL name
/// of their code as `reason`, the rest is internal.
pub fn top_level<E>(e: E) -> async_graphql::Error
where
    E: ErrorCode + 'static,
    E::Code: GraphqlCode,
{
    if let Some(kind) = e.request_error() {
        return request_error(kind, e.to_string());
    }
    match e.user_error() {
        Some(parts) => {
            let field = parts.field.unwrap_or_default();
            let reason = graphql_name(parts.code);
            async_graphql::Error::new(e.to_string()).extend_with(move |_, ext| {
                ext.set("code", RequestError::BadUserInput.code());
                ext.set("reason", reason);
                ext.set("field", field.clone());
            })
        }
        None => internal(&e),
    }
}

/// Declares a domain's GraphQL error-code enum, mirroring the domain's plain code enum
/// (`CartErrorCode mirrors crate::cart::error::Code { … }`), and its `…UserError` type.
///
/// One invocation per module: the mirrored type is named through the alias `DomainErrorCode`
/// because async-graphql's `remote` takes a string, which `macro_rules!` cannot build.
macro_rules! user_error_type {
    (
        $(#[doc = $tydoc:literal])* $ty:ident,
        $(#[doc = $codedoc:literal])* $code:ident mirrors $remote:ty {
            $( $(#[doc = $vdoc:literal])* $variant:ident ),* $(,)?
        }
    ) => {
        type DomainErrorCode = $remote;

        $(#[doc = $codedoc])*
        #[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
        #[graphql(remote = "DomainErrorCode")]
        pub enum $code { $( $(#[doc = $vdoc])* $variant ),* }

        impl $crate::graphql::errors::GraphqlCode for $remote {
            type Enum = $code;
        }

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

        impl $crate::graphql::errors::FromUserErrorParts<$remote> for $ty {
            fn from_parts(parts: $crate::error::UserErrorParts<$remote>, message: String) -> Self {
                Self { code: parts.code.into(), field: parts.field, message }
            }
        }
    };
}
pub(crate) use user_error_type;

#[cfg(test)]
mod tests {
    use async_graphql::{EnumType, Value};

    use super::*;
    use crate::{catalog::CatalogError, error::path, promotions::PromotionError};

    /// Every value of a domain's GraphQL enum comes from a domain code and goes back to it, and
    /// `graphql_name` finds its name. (That every domain code has a GraphQL value is checked by
    /// the compiler: the `remote` conversions are exhaustive matches.)
    fn mirrors<C: GraphqlCode + From<C::Enum> + Copy + std::fmt::Debug>() {
        let items = <C::Enum as EnumType>::items();
        assert!(!items.is_empty());
        for item in items {
            let code = C::from(item.value);
            assert!(C::Enum::from(code) == item.value, "{code:?}");
            assert_eq!(graphql_name(code), item.name, "{code:?}");
        }
    }

    #[test]
    fn every_domain_code_converts_to_its_graphql_value_and_back() {
        mirrors::<crate::accounts::error::Code>();
        mirrors::<crate::vendors::error::Code>();
        mirrors::<crate::catalog::error::Code>();
        mirrors::<crate::promotions::error::Code>();
        mirrors::<crate::shipping::error::Code>();
        mirrors::<crate::tax::error::Code>();
        mirrors::<crate::cart::error::Code>();
        mirrors::<crate::checkout::error::Code>();
        mirrors::<crate::orders::error::Code>();
        mirrors::<crate::payments::error::Code>();
    }

    #[test]
    fn graphql_names_are_the_enum_values_of_the_schema() {
        use crate::{catalog::error::Code as Catalog, checkout::error::Code as Checkout, promotions::error::Code};
        assert_eq!(graphql_name(Catalog::InsufficientStock), "INSUFFICIENT_STOCK");
        assert_eq!(graphql_name(Checkout::IdempotencyKeyReused), "IDEMPOTENCY_KEY_REUSED");
        assert_eq!(graphql_name(Code::UsageLimitReached), "USAGE_LIMIT_REACHED");
        assert_eq!(graphql_name(Code::CustomerLimitReached), "CUSTOMER_LIMIT_REACHED");
    }

    fn extension(e: &async_graphql::Error, name: &str) -> Value {
        e.extensions.as_ref().and_then(|x| x.get(name)).cloned().unwrap_or(Value::Null)
    }

    #[test]
    fn top_level_names_the_graphql_code_as_reason() {
        let e = top_level(CatalogError::InsufficientStock { field: path(["quantityDelta"]) });
        assert_eq!(extension(&e, "code"), Value::from("BAD_USER_INPUT"));
        assert_eq!(extension(&e, "reason"), Value::from("INSUFFICIENT_STOCK"));
        assert_eq!(extension(&e, "field"), Value::List(vec![Value::from("quantityDelta")]));

        // once masked at run time, now a value of the schema
        let e = top_level(PromotionError::UsageLimitReached { code: None });
        assert_eq!(extension(&e, "reason"), Value::from("USAGE_LIMIT_REACHED"));

        let e = top_level(CatalogError::Forbidden);
        assert_eq!(extension(&e, "code"), Value::from("FORBIDDEN"));
    }

    #[test]
    fn or_internal_masks_the_error_behind_an_arc_too() {
        let r: Result<(), std::sync::Arc<std::io::Error>> = Err(std::sync::Arc::new(std::io::Error::other("secret")));
        let e = r.or_internal().unwrap_err();
        assert_eq!(extension(&e, "code"), Value::from("INTERNAL_SERVER_ERROR"));
        assert!(!e.message.contains("secret"));
    }

    #[test]
    fn user_errors_carry_the_mirrored_code_and_the_field() {
        use crate::promotions::graphql::{PromotionErrorCode, PromotionUserError};
        let errors: Vec<PromotionUserError> =
            user_errors(PromotionError::CustomerLimitReached { code: Some("TEN".into()) }).unwrap();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, PromotionErrorCode::CustomerLimitReached);
        assert_eq!(errors[0].field, None);
    }
}
