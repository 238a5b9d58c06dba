//! Mutation payloads: `{ <thing>, userErrors }` from a service result.
//!
//! A payload type says how it holds a success and a list of user errors ([`Payload`], usually
//! through [`payload_type!`]); [`payload`] turns any domain `Result` into it, mapping the error
//! with [`user_errors`] (errors not the caller's to fix stay top-level).
//!
//! A resolver whose input may be refused (IDs inside it, `TryFrom<…Input>`) converts it inside
//! the call, so that a refused input is a user error like any other:
//! `payload(async { service.update(rcx, id, input.try_into()?).await }.await)`.

use crate::{
    error::ErrorCode,
    graphql::errors::{FromUserErrorParts, user_errors},
};

/// A mutation payload: the result of a success, or what was wrong with the input.
pub trait Payload: Sized {
    /// What the service returns on success.
    type Item;
    /// The domain's `…UserError` type.
    type UserError;
    fn ok(item: Self::Item) -> Self;
    fn errors(user_errors: Vec<Self::UserError>) -> Self;
}

/// A service result as a payload: success, `userErrors`, or a top-level error.
pub fn payload<P, E>(r: Result<P::Item, E>) -> async_graphql::Result<P>
where
    P: Payload,
    E: ErrorCode + 'static,
    P::UserError: FromUserErrorParts<E::Code>,
{
    Ok(match r {
        Ok(item) => P::ok(item),
        Err(e) => P::errors(user_errors(e)?),
    })
}

/// Implements [`Payload`] for a payload struct whose fields other than `user_errors` are
/// `Option`s of GraphQL types converted (`Into`) from the service's result:
/// `payload_type!(CartPayload { cart: model::Cart }, CartUserError);` or, for a result tuple,
/// `payload_type!(OrderPaymentPayload { payment: Payment, order: Order }, PaymentUserError);`.
macro_rules! payload_type {
    ($payload:ty { $field:ident: $item:ty }, $user_error:ty) => {
        impl $crate::graphql::payload::Payload for $payload {
            type Item = $item;
            type UserError = $user_error;
            fn ok(item: $item) -> Self {
                Self { $field: Some(item.into()), user_errors: vec![] }
            }
            fn errors(user_errors: Vec<$user_error>) -> Self {
                Self { $field: None, user_errors }
            }
        }
    };
    ($payload:ty { $($field:ident: $item:ty),+ $(,)? }, $user_error:ty) => {
        impl $crate::graphql::payload::Payload for $payload {
            type Item = ($($item,)+);
            type UserError = $user_error;
            fn ok(($($field,)+): Self::Item) -> Self {
                Self { $($field: Some($field.into()),)+ user_errors: vec![] }
            }
            fn errors(user_errors: Vec<$user_error>) -> Self {
                Self { $($field: None,)+ user_errors }
            }
        }
    };
}
pub(crate) use payload_type;
