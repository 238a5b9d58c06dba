//! Per-request catalog loaders: one per relationship, each one batch query.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
use sea_orm::DbErr;

use crate::{
    catalog::{
        CatalogService,
        model::{Attribute, Category, Product, ProductImage, Variant},
    },
    context::RequestContext,
    graphql::dataloader::complete,
    shared::ids::{ProductId, VariantId, VendorId},
};

type LoadResult<K, V> = Result<HashMap<K, V>, Arc<DbErr>>;

/// Products by id, as visible to the viewer (storefront callers: ACTIVE only).
pub struct ProductByIdLoader(pub CatalogService, pub RequestContext);

impl Loader<ProductId> for ProductByIdLoader {
    type Value = Product;
    type Error = Arc<DbErr>;

    #[tracing::instrument(name = "loader.product_by_id", skip_all, fields(count = keys.len()))]
    async fn load(&self, keys: &[ProductId]) -> LoadResult<ProductId, Product> {
        self.0.products_by_ids(&self.1, keys).await.map_err(Arc::new)
    }
}

pub struct VariantByIdLoader(pub CatalogService);

impl Loader<VariantId> for VariantByIdLoader {
    type Value = Variant;
    type Error = Arc<DbErr>;

    #[tracing::instrument(name = "loader.variant_by_id", skip_all, fields(count = keys.len()))]
    async fn load(&self, keys: &[VariantId]) -> LoadResult<VariantId, Variant> {
        self.0.variants_by_ids(keys).await.map_err(Arc::new)
    }
}

pub struct VariantsByProductIdLoader(pub CatalogService);

impl Loader<ProductId> for VariantsByProductIdLoader {
    type Value = Vec<Variant>;
    type Error = Arc<DbErr>;

    #[tracing::instrument(name = "loader.variants_by_product_id", skip_all, fields(count = keys.len()))]
    async fn load(&self, keys: &[ProductId]) -> LoadResult<ProductId, Vec<Variant>> {
        Ok(complete(keys, self.0.variants_by_product_ids(keys).await.map_err(Arc::new)?))
    }
}

pub struct ImagesByProductIdLoader(pub CatalogService);

impl Loader<ProductId> for ImagesByProductIdLoader {
    type Value = Vec<ProductImage>;
    type Error = Arc<DbErr>;

    #[tracing::instrument(name = "loader.images_by_product_id", skip_all, fields(count = keys.len()))]
    async fn load(&self, keys: &[ProductId]) -> LoadResult<ProductId, Vec<ProductImage>> {
        Ok(complete(keys, self.0.images_by_product_ids(keys).await.map_err(Arc::new)?))
    }
}

pub struct CategoriesByProductIdLoader(pub CatalogService);

impl Loader<ProductId> for CategoriesByProductIdLoader {
    type Value = Vec<Category>;
    type Error = Arc<DbErr>;

    #[tracing::instrument(name = "loader.categories_by_product_id", skip_all, fields(count = keys.len()))]
    async fn load(&self, keys: &[ProductId]) -> LoadResult<ProductId, Vec<Category>> {
        Ok(complete(keys, self.0.categories_by_product_ids(keys).await.map_err(Arc::new)?))
    }
}

pub struct AttributesByProductIdLoader(pub CatalogService);

impl Loader<ProductId> for AttributesByProductIdLoader {
    type Value = Vec<Attribute>;
    type Error = Arc<DbErr>;

    #[tracing::instrument(name = "loader.attributes_by_product_id", skip_all, fields(count = keys.len()))]
    async fn load(&self, keys: &[ProductId]) -> LoadResult<ProductId, Vec<Attribute>> {
        Ok(complete(keys, self.0.attributes_by_product_ids(keys).await.map_err(Arc::new)?))
    }
}

/// The whole category list (it is small), loaded once per request for tree navigation.
pub struct AllCategoriesLoader(pub CatalogService, pub RequestContext);

impl Loader<()> for AllCategoriesLoader {
    type Value = Arc<Vec<Category>>;
    type Error = Arc<DbErr>;

    #[tracing::instrument(name = "loader.all_categories", skip_all)]
    async fn load(&self, _keys: &[()]) -> LoadResult<(), Arc<Vec<Category>>> {
        let all = self.0.categories(&self.1).await.map_err(Arc::new)?;
        Ok(HashMap::from([((), Arc::new(all))]))
    }
}

/// Whether the viewer may see a vendor's private catalog data (approval state, history): staff
/// and the vendor's members.
pub struct VendorCatalogAccessLoader(pub CatalogService, pub RequestContext);

impl Loader<VendorId> for VendorCatalogAccessLoader {
    type Value = bool;
    type Error = Arc<DbErr>;

    #[tracing::instrument(name = "loader.vendor_catalog_access", skip_all, fields(count = keys.len()))]
    async fn load(&self, keys: &[VendorId]) -> LoadResult<VendorId, bool> {
        let viewable = self.0.viewable_vendors(&self.1, keys).await.map_err(Arc::new)?;
        Ok(keys.iter().map(|k| (*k, viewable.contains(k))).collect())
    }
}
