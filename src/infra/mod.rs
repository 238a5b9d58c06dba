//! Adapters behind the domains' ports. For now: the database connection.

pub mod db;
