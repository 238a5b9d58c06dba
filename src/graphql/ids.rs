//! Relay global IDs: base64url (unpadded) of `"<TypeName>:<uuid>"`, type-checked on input.

use async_graphql::ID;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

use crate::{
    error::{FieldPath, InvalidIdAt, RequestError},
    graphql::errors::request_error,
    shared::ids::TypedId,
};

pub fn encode<I: TypedId>(id: I) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{}", I::TYPE_NAME, id.uuid())))
}

/// The type name and UUID inside a global ID, whatever the type.
pub fn decode_any(id: &str) -> Option<(String, Uuid)> {
    let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(id).ok()?).ok()?;
    let (ty, uuid) = raw.split_once(':')?;
    Some((ty.to_owned(), Uuid::parse_str(uuid).ok()?))
}

/// Decodes a global ID of type `I`; `None` for garbage or an ID of another type.
pub fn decode<I: TypedId>(id: &str) -> Option<I> {
    match decode_any(id)? {
        (ty, uuid) if ty == I::TYPE_NAME => Some(I::from_uuid(uuid)),
        _ => None,
    }
}

/// For IDs inside inputs: a malformed or wrongly typed ID is an [`InvalidIdAt`] `field`, which
/// each domain error turns into its `INVALID_ID` user error (`?` converts).
pub fn decode_at<I: TypedId>(id: &str, field: FieldPath) -> Result<I, InvalidIdAt> {
    decode(id).ok_or(InvalidIdAt { field })
}

/// For arguments: a malformed or wrongly typed ID is a top-level `BAD_USER_INPUT`.
pub fn arg<I: TypedId>(id: &ID) -> async_graphql::Result<I> {
    decode(id).ok_or_else(|| {
        request_error(RequestError::BadUserInput, format!("`{}` is not a valid {} ID", id.as_str(), I::TYPE_NAME))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::path;
    use crate::shared::ids::{ProductId, VariantId};

    #[test]
    fn global_ids_round_trip_and_are_type_checked() {
        let p = ProductId::new();
        let id = encode(p);
        assert_eq!(decode::<ProductId>(&id), Some(p));
        assert_eq!(decode::<VariantId>(&id), None);
        assert_eq!(decode::<ProductId>("garbage"), None);
        assert_eq!(decode_at::<ProductId>(&id, path(["id"])), Ok(p));
        assert_eq!(decode_at::<VariantId>(&id, path(["lines", "0"])), Err(InvalidIdAt { field: path(["lines", "0"]) }));
    }
}
