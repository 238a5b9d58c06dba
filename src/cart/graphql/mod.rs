//! Carts in the API: the storefront's whole pre-checkout surface.

mod mutations;
mod types;

pub use mutations::*;
pub use types::*;
