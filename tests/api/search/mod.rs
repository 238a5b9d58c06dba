//! Search: the engine conformance suite (embedded always, Meilisearch when available), the
//! `search` query over HTTP on demo data, bad input, an unavailable engine, and sync.

mod api;
mod conformance;
