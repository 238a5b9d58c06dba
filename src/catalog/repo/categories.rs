//! Categories and the product <-> category links.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{category, product_category};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};

use super::{on_unique, to_category};
use crate::{
    catalog::{error::CatalogError, model::Category},
    shared::ids::{ProductId, TypedId},
};

pub async fn all_categories(db: &impl ConnectionTrait) -> Result<Vec<Category>, DbErr> {
    category::Entity::find()
        .order_by_asc(category::Column::Position)
        .order_by_asc(category::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(to_category)
        .collect()
}

pub async fn insert_category(db: &impl ConnectionTrait, c: &Category, now: DateTime<Utc>) -> Result<(), CatalogError> {
    category::ActiveModel {
        id: Set(c.id.uuid()),
        parent_id: Set(c.parent_id.map(|p| p.uuid())),
        name: Set(c.name.clone()),
        slug: Set(c.slug.as_str().to_owned()),
        description: Set(c.description.clone()),
        position: Set(c.position),
        archived: Set(c.archived),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(on_unique(&["slug"]))?;
    Ok(())
}

pub async fn update_category(db: &impl ConnectionTrait, c: &Category) -> Result<(), CatalogError> {
    category::ActiveModel {
        id: Set(c.id.uuid()),
        parent_id: Set(c.parent_id.map(|p| p.uuid())),
        name: Set(c.name.clone()),
        slug: Set(c.slug.as_str().to_owned()),
        description: Set(c.description.clone()),
        position: Set(c.position),
        archived: Set(c.archived),
        ..Default::default()
    }
    .update(db)
    .await
    .map_err(on_unique(&["slug"]))?;
    Ok(())
}

/// Categories of each product (one joined query).
pub async fn categories_by_product_ids(
    db: &impl ConnectionTrait,
    ids: &[ProductId],
) -> Result<HashMap<ProductId, Vec<Category>>, DbErr> {
    let rows = product_category::Entity::find()
        .filter(product_category::Column::ProductId.is_in(ids.iter().map(TypedId::uuid)))
        .find_also_related(category::Entity)
        .order_by_asc(category::Column::Position)
        .all(db)
        .await?;
    let mut out: HashMap<ProductId, Vec<Category>> = HashMap::new();
    for (link, cat) in rows {
        if let Some(cat) = cat {
            out.entry(ProductId(link.product_id)).or_default().push(to_category(cat)?);
        }
    }
    Ok(out)
}
