//! The catalog in the API: storefront queries (products, variants, categories) and staff
//! mutations (products, variants, categories, stock).

pub mod loaders;
mod mutations;
mod query;
pub mod types;

pub use mutations::CatalogMutation;
pub use query::CatalogQuery;
/// Resolvers for `node(id:)`.
pub mod node {
    pub use super::query::{category_node, product_node, variant_node};
}
pub use types::{Category, Product, ProductVariant};

use crate::graphql::errors::user_error_type;

user_error_type! {
    /// A problem with the input of a catalog mutation.
    CatalogUserError,
    /// Why a catalog mutation was refused.
    CatalogErrorCode mirrors crate::catalog::error::Code {
        /// Nothing with this ID (or handle) exists.
        NotFound,
        /// The ID is malformed or of the wrong type.
        InvalidId,
        /// The field must not be empty.
        Required,
        /// The value is not valid for this field; see the message.
        Invalid,
        /// Another record already uses this value (slug, SKU).
        Taken,
        /// Prices cannot be negative.
        NegativePrice,
        /// The price has more decimals than the shop currency allows.
        PriceTooPrecise,
        /// Not enough stock on hand for this change.
        InsufficientStock,
        /// A category cannot be moved below itself or its descendants.
        CategoryCycle,
        /// The vendor is pending, rejected or suspended: its members cannot edit its catalog.
        VendorNotActive,
        /// The product's approval status does not allow this: approving or rejecting a product
        /// that is not waiting for review (e.g. approving twice), or submitting one that is
        /// already in review or approved.
        InvalidApprovalTransition,
    }
}
