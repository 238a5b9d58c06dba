//! Relay global IDs: base64url (unpadded) of `"<TypeName>:<uuid>"`, type-checked on input.

use async_graphql::ID;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

use crate::{
    error::{FieldPath, InvalidIdAt},
    graphql::errors::bad_user_input,
    shared::ids::TypedId,
};

pub fn encode<I: TypedId>(id: I) -> ID {
    encode_as(I::TYPE_NAME, id.uuid())
}

/// The global ID of a `type_name` object with this UUID, for types known only at run time (the
/// target of an audit-log entry).
pub fn encode_as(type_name: &str, uuid: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{uuid}")))
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

/// For a list of IDs inside an input, in order: `at(index)` is the path of the ID at `index`
/// (`|i| path(["lineIds", i])`), so the first bad one is reported where it stands.
pub fn decode_list<'a, I: TypedId>(
    ids: impl IntoIterator<Item = &'a ID>,
    at: impl Fn(&str) -> FieldPath,
) -> Result<Vec<I>, InvalidIdAt> {
    ids.into_iter().enumerate().map(|(i, id)| decode_at(id, at(&i.to_string()))).collect()
}

/// For arguments: a malformed or wrongly typed ID is a top-level `BAD_USER_INPUT`.
pub fn arg<I: TypedId>(id: &ID) -> async_graphql::Result<I> {
    decode(id).ok_or_else(|| bad_user_input(format!("`{}` is not a valid {} ID", id.as_str(), I::TYPE_NAME)))
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

    #[test]
    fn a_list_reports_its_first_bad_id_by_index() {
        let (a, b) = (ProductId::new(), ProductId::new());
        let list = [encode(a), encode(b)];
        assert_eq!(decode_list::<ProductId>(&list, |i| path(["ids", i])), Ok(vec![a, b]));
        let list = [encode(a), ID::from("garbage"), encode(VariantId::new())];
        assert_eq!(
            decode_list::<ProductId>(&list, |i| path(["ids", i])),
            Err(InvalidIdAt { field: path(["ids", "1"]) })
        );
    }
}
