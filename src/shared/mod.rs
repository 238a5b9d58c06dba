//! The kernel every domain uses: typed IDs, money, pagination, slugs, country codes, e-mail
//! addresses and roles.

pub mod address;
pub mod clock;
pub mod email;
pub mod geo;
pub mod ids;
pub mod money;
pub mod pagination;
pub mod role;
pub mod text;
