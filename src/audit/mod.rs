//! The audit log: who did what privileged thing to what, when, from which request. Every
//! service that performs a staff, admin or vendor-owner action appends one entry with
//! [`record_in`], inside the transaction of the change it records, so the entry exists exactly
//! when the change does. Append-only: the database refuses UPDATE and DELETE on the table, and
//! the API has no mutation for it. Staff read it with the `auditLog` query ([`AuditService`]).

pub mod error;
pub mod graphql;
pub mod model;
pub mod repo;
pub mod service;

pub use error::AuditError;
pub use service::{AuditService, record_in};
