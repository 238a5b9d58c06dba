//! SeaORM entities: one file per table, no business rules and no GraphQL derives.
//! The domain modules in `src/` map these rows to their own models in their `repo.rs`.

pub mod category;
pub mod product;
pub mod product_attribute;
pub mod product_category;
pub mod product_image;
pub mod refresh_token;
pub mod stock_movement;
pub mod user;
pub mod variant;
pub mod vendor;
