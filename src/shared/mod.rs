//! The kernel every domain uses: typed IDs, money, pagination, slugs, country codes.

pub mod address;
pub mod clock;
pub mod geo;
pub mod ids;
pub mod money;
pub mod pagination;
pub mod text;
