//! Relay connections: the `first`/`after` arguments as a [`PageRequest`], a [`Page`] as a
//! connection.

use async_graphql::{
    ObjectType, OutputType,
    connection::{Connection, Edge},
};

use crate::{
    graphql::errors::bad_user_input,
    shared::pagination::{Cursor, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, PageRequest},
};

/// The page a connection asks for: `first` defaults to 20 and may not exceed 100, `after` is a
/// cursor of this list; anything else is a top-level `BAD_USER_INPUT`.
pub fn page(first: Option<i32>, after: Option<String>) -> async_graphql::Result<PageRequest> {
    let first = first.map_or(Ok(DEFAULT_PAGE_SIZE), |f| {
        u64::try_from(f).map_err(|_| bad_user_input("`first` must not be negative"))
    })?;
    if first > MAX_PAGE_SIZE {
        return Err(bad_user_input("`first` must be at most 100"));
    }
    let after =
        after.map(|a| Cursor::decode(&a).ok_or_else(|| bad_user_input("`after` is not a valid cursor"))).transpose()?;
    Ok(PageRequest { first, after })
}

/// One page of a list as a connection with extra `fields`; a previous page exists when the
/// request started `after` a cursor.
pub fn connection<T, N, F>(request: &PageRequest, page: Page<T>, fields: F) -> Connection<String, N, F>
where
    N: OutputType + From<T>,
    F: ObjectType,
{
    let mut conn = Connection::with_additional_fields(request.after.is_some(), page.has_next_page, fields);
    conn.edges.extend(page.items.into_iter().map(|(cursor, item)| Edge::new(cursor.encode(), N::from(item))));
    conn
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    #[test]
    fn page_defaults_bounds_and_decodes_the_cursor() {
        assert_eq!(page(None, None).unwrap().first, DEFAULT_PAGE_SIZE);
        assert_eq!(page(Some(100), None).unwrap().first, 100);
        assert!(page(Some(101), None).is_err());
        assert!(page(Some(-1), None).is_err());
        assert!(page(None, Some("not a cursor".into())).is_err());
        let c = Cursor { key: "k".into(), id: Uuid::now_v7() };
        assert_eq!(page(Some(5), Some(c.encode())).unwrap().after, Some(c));
    }
}
