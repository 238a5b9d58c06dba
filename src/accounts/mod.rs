//! Accounts: customers, staff and admins; passwords; access and refresh tokens.
//!
//! Invariants: emails are stored normalised (trimmed, lower-case) and unique; passwords are only
//! ever stored as argon2id hashes; refresh tokens are only ever stored as SHA-256 hashes, are
//! single-use (rotated on every refresh), and reuse of a rotated token revokes its whole family.

pub mod error;
pub mod graphql;
pub mod model;
pub mod password;
pub mod repo;
pub mod service;
pub mod throttle;
pub mod tokens;

pub use error::AccountError;
pub use service::AccountService;
