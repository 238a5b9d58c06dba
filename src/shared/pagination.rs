//! Keyset pagination shared by list queries: a page request and a page of results.
//!
//! Cursors are opaque to clients: base64url of `<sort key>|<uuid>`. They are decoded here and
//! turned into `(sort key, id) > (k, id)` conditions by the repos, so pages stay stable while rows
//! are inserted.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

pub const DEFAULT_PAGE_SIZE: u64 = 20;
pub const MAX_PAGE_SIZE: u64 = 100;

/// A position in a sorted list: the sort key of a row and its id as tie-breaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub key: String,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}|{}", self.key, self.id))
    }

    pub fn decode(s: &str) -> Option<Self> {
        let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(s).ok()?).ok()?;
        let (key, id) = raw.rsplit_once('|')?;
        Some(Self { key: key.to_owned(), id: Uuid::parse_str(id).ok()? })
    }
}

/// Forward pagination: up to `first` rows after `after`.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub first: u64,
    pub after: Option<Cursor>,
}

/// One page: the rows with their cursors, and whether more follow.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<(Cursor, T)>,
    pub has_next_page: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = Cursor { key: "a|b".into(), id: Uuid::now_v7() };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("not a cursor"), None);
    }
}
