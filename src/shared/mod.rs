//! The kernel every domain uses: typed IDs, money, pagination, slugs.

pub mod address;
pub mod clock;
pub mod ids;
pub mod money;
pub mod pagination;
pub mod text;
