//! The catalog in the database. The only catalog file that knows SeaORM; batch functions here
//! back the GraphQL dataloaders.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{category, product, product_attribute, product_category, product_image, stock_movement, variant};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, SqlErr,
    sea_query::{Expr, ExprTrait, Func, LikeExpr, Query},
};
use uuid::Uuid;

use crate::{
    catalog::{
        error::{CatalogError, path},
        model::{
            Attribute, AttributeValue, Category, OptionValue, Product, ProductFilter, ProductImage, ProductSort,
            ProductStatus, StockMovement, StockReason, Variant,
        },
    },
    shared::{
        ids::{CategoryId, ProductId, ProductImageId, StockMovementId, TypedId, UserId, VariantId, VendorId},
        money::{Currency, Money},
        pagination::{Cursor, Page, PageRequest},
        text::{Sku, Slug},
    },
};

fn corrupt(what: &str) -> DbErr {
    DbErr::Type(format!("stored {what} is invalid"))
}

fn currency(code: &str) -> Result<Currency, DbErr> {
    Currency::parse(code).map_err(|_| corrupt("currency"))
}

fn to_category(m: category::Model) -> Result<Category, DbErr> {
    Ok(Category {
        id: CategoryId(m.id),
        parent_id: m.parent_id.map(CategoryId),
        name: m.name,
        slug: Slug::parse(&m.slug).map_err(|_| corrupt("category slug"))?,
        description: m.description,
        position: m.position,
        archived: m.archived,
    })
}

fn to_product(m: product::Model) -> Result<Product, DbErr> {
    let cur = currency(&m.currency)?;
    Ok(Product {
        id: ProductId(m.id),
        vendor_id: VendorId(m.vendor_id),
        title: m.title,
        slug: Slug::parse(&m.slug).map_err(|_| corrupt("product slug"))?,
        description: m.description,
        status: ProductStatus::parse(&m.status).ok_or_else(|| corrupt("product status"))?,
        min_price: m.min_price_minor.map(|p| Money::from_minor(p, cur)),
        currency: cur,
        tax_class: m.tax_class,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn to_variant(m: variant::Model) -> Result<Variant, DbErr> {
    let cur = currency(&m.currency)?;
    Ok(Variant {
        id: VariantId(m.id),
        product_id: ProductId(m.product_id),
        sku: Sku::parse(&m.sku).map_err(|_| corrupt("sku"))?,
        title: m.title,
        options: serde_json::from_value::<Vec<OptionValue>>(m.options).map_err(|_| corrupt("variant options"))?,
        price: Money::from_minor(m.price_minor, cur),
        compare_at_price: m.compare_at_minor.map(|p| Money::from_minor(p, cur)),
        stock_on_hand: m.stock_on_hand,
        reserved: m.reserved,
        weight_grams: m.weight_grams,
        position: m.position,
        archived: m.archived,
    })
}

fn to_movement(m: stock_movement::Model) -> Result<StockMovement, DbErr> {
    Ok(StockMovement {
        id: StockMovementId(m.id),
        variant_id: VariantId(m.variant_id),
        delta: m.delta,
        quantity_after: m.quantity_after,
        reason: StockReason::parse(&m.reason).ok_or_else(|| corrupt("stock reason"))?,
        note: m.note,
        actor_id: m.actor_id.map(UserId),
        created_at: m.created_at,
    })
}

fn minor(m: Money) -> Result<i64, DbErr> {
    m.to_minor().map_err(|_| DbErr::Custom("amount out of range".into()))
}

/// Maps a unique violation to `Taken` at `field`; anything else stays a database error.
fn on_unique<'a>(field: &'a [&'a str]) -> impl FnOnce(DbErr) -> CatalogError + 'a {
    move |e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => CatalogError::Taken { field: path(field) },
        _ => CatalogError::Db(e),
    }
}

// ---- categories ----

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

// ---- products ----

pub async fn products_by_ids(
    db: &impl ConnectionTrait,
    ids: &[ProductId],
) -> Result<HashMap<ProductId, Product>, DbErr> {
    let rows = product::Entity::find().filter(product::Column::Id.is_in(ids.iter().map(TypedId::uuid))).all(db).await?;
    rows.into_iter().map(|r| to_product(r).map(|p| (p.id, p))).collect()
}

pub async fn product_by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<Option<Product>, DbErr> {
    product::Entity::find().filter(product::Column::Slug.eq(slug)).one(db).await?.map(to_product).transpose()
}

fn variant_subquery(extra: Condition) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(variant::Column::ProductId)
        .from(variant::Entity)
        .cond_where(Condition::all().add(variant::Column::Archived.eq(false)).add(extra))
        .to_owned()
}

fn filter_condition(f: &ProductFilter) -> Condition {
    let mut c = Condition::all();
    if !f.statuses.is_empty() {
        c = c.add(product::Column::Status.is_in(f.statuses.iter().map(ProductStatus::as_str)));
    }
    if let Some(ids) = &f.category_ids {
        let sub = Query::select()
            .column(product_category::Column::ProductId)
            .from(product_category::Entity)
            .and_where(product_category::Column::CategoryId.is_in(ids.iter().map(TypedId::uuid)))
            .to_owned();
        c = c.add(product::Column::Id.in_subquery(sub));
    }
    if let Some(v) = f.vendor_id {
        c = c.add(product::Column::VendorId.eq(v.uuid()));
    }
    if f.min_price_minor.is_some() || f.max_price_minor.is_some() {
        let mut price = Condition::all();
        if let Some(min) = f.min_price_minor {
            price = price.add(variant::Column::PriceMinor.gte(min));
        }
        if let Some(max) = f.max_price_minor {
            price = price.add(variant::Column::PriceMinor.lte(max));
        }
        c = c.add(product::Column::Id.in_subquery(variant_subquery(price)));
    }
    if f.in_stock {
        c = c.add(
            product::Column::Id.in_subquery(variant_subquery(
                Condition::all()
                    .add(Expr::col(variant::Column::StockOnHand).sub(Expr::col(variant::Column::Reserved)).gt(0)),
            )),
        );
    }
    for (key, values) in &f.attributes {
        let sub = Query::select()
            .column(product_attribute::Column::ProductId)
            .from(product_attribute::Entity)
            .and_where(product_attribute::Column::Key.eq(key.as_str()))
            .and_where(product_attribute::Column::Value.is_in(values.iter().map(String::as_str)))
            .to_owned();
        c = c.add(product::Column::Id.in_subquery(sub));
    }
    if let Some(text) = &f.title_contains {
        let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let title = Expr::expr(Func::lower(Expr::col((product::Entity, product::Column::Title))));
        c = c.add(title.like(LikeExpr::new(format!("%{escaped}%")).escape('\\')));
    }
    c
}

/// What a product without live variants counts as in a price order, so it sorts last both ways.
fn missing_price(asc: bool) -> i64 {
    if asc { i64::MAX } else { -1 }
}

/// Sort key of the price orders: products without live variants sort last.
fn price_key(asc: bool) -> Expr {
    Expr::expr(Func::coalesce([
        Expr::col((product::Entity, product::Column::MinPriceMinor)),
        Expr::val(missing_price(asc)),
    ]))
}

fn cursor_of(p: &product::Model, sort: ProductSort) -> Cursor {
    let key = match sort {
        ProductSort::Newest => String::new(),
        ProductSort::TitleAsc => p.title.clone(),
        ProductSort::PriceAsc | ProductSort::PriceDesc => {
            p.min_price_minor.unwrap_or(missing_price(sort == ProductSort::PriceAsc)).to_string()
        }
    };
    Cursor { key, id: p.id }
}

/// One page of products, in keyset order `(sort key, id)`.
pub async fn list_products(
    db: &impl ConnectionTrait,
    filter: &ProductFilter,
    sort: ProductSort,
    page: &PageRequest,
) -> Result<Page<Product>, DbErr> {
    let mut q = product::Entity::find().filter(filter_condition(filter));
    let id = || Expr::col((product::Entity, product::Column::Id));
    let after = page.after.as_ref();
    match sort {
        ProductSort::Newest => {
            if let Some(c) = after {
                q = q.filter(product::Column::Id.lt(c.id));
            }
            q = q.order_by_desc(product::Column::Id);
        }
        ProductSort::TitleAsc => {
            if let Some(c) = after {
                q = q.filter(
                    Condition::any()
                        .add(product::Column::Title.gt(c.key.as_str()))
                        .add(Condition::all().add(product::Column::Title.eq(c.key.as_str())).add(id().gt(c.id))),
                );
            }
            q = q.order_by_asc(product::Column::Title).order_by_asc(product::Column::Id);
        }
        ProductSort::PriceAsc | ProductSort::PriceDesc => {
            let asc = sort == ProductSort::PriceAsc;
            if let Some(c) = after {
                let k: i64 = c.key.parse().unwrap_or(missing_price(asc));
                let (beyond, tie) =
                    if asc { (price_key(asc).gt(k), id().gt(c.id)) } else { (price_key(asc).lt(k), id().lt(c.id)) };
                q = q.filter(Condition::any().add(beyond).add(Condition::all().add(price_key(asc).eq(k)).add(tie)));
            }
            let order = if asc { Order::Asc } else { Order::Desc };
            q = q.order_by(price_key(asc), order.clone()).order_by(product::Column::Id, order);
        }
    }
    let mut rows = q.limit(page.first + 1).all(db).await?;
    let has_next_page = rows.len() as u64 > page.first;
    rows.truncate(page.first as usize);
    let items = rows
        .into_iter()
        .map(|r| {
            let cursor = cursor_of(&r, sort);
            to_product(r).map(|p| (cursor, p))
        })
        .collect::<Result<_, _>>()?;
    Ok(Page { items, has_next_page })
}

pub async fn count_products(db: &impl ConnectionTrait, filter: &ProductFilter) -> Result<u64, DbErr> {
    product::Entity::find().filter(filter_condition(filter)).count(db).await
}

pub async fn insert_product(db: &impl ConnectionTrait, p: &Product) -> Result<(), CatalogError> {
    product::ActiveModel {
        id: Set(p.id.uuid()),
        vendor_id: Set(p.vendor_id.uuid()),
        title: Set(p.title.clone()),
        slug: Set(p.slug.as_str().to_owned()),
        description: Set(p.description.clone()),
        status: Set(p.status.as_str().to_owned()),
        min_price_minor: Set(None),
        currency: Set(p.currency.code().to_owned()),
        tax_class: Set(p.tax_class.clone()),
        created_at: Set(p.created_at),
        updated_at: Set(p.updated_at),
    }
    .insert(db)
    .await
    .map_err(on_unique(&["slug"]))?;
    Ok(())
}

pub async fn update_product(db: &impl ConnectionTrait, p: &Product) -> Result<(), CatalogError> {
    product::ActiveModel {
        id: Set(p.id.uuid()),
        title: Set(p.title.clone()),
        slug: Set(p.slug.as_str().to_owned()),
        description: Set(p.description.clone()),
        status: Set(p.status.as_str().to_owned()),
        tax_class: Set(p.tax_class.clone()),
        updated_at: Set(p.updated_at),
        ..Default::default()
    }
    .update(db)
    .await
    .map_err(on_unique(&["slug"]))?;
    Ok(())
}

pub async fn set_product_categories(
    db: &impl ConnectionTrait,
    id: ProductId,
    cats: &[CategoryId],
) -> Result<(), DbErr> {
    product_category::Entity::delete_many().filter(product_category::Column::ProductId.eq(id.uuid())).exec(db).await?;
    if cats.is_empty() {
        return Ok(());
    }
    let rows =
        cats.iter().map(|c| product_category::ActiveModel { product_id: Set(id.uuid()), category_id: Set(c.uuid()) });
    product_category::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

pub async fn set_product_attributes(
    db: &impl ConnectionTrait,
    id: ProductId,
    attrs: &[Attribute],
) -> Result<(), DbErr> {
    product_attribute::Entity::delete_many()
        .filter(product_attribute::Column::ProductId.eq(id.uuid()))
        .exec(db)
        .await?;
    if attrs.is_empty() {
        return Ok(());
    }
    let rows = attrs.iter().map(|a| product_attribute::ActiveModel {
        id: Set(Uuid::now_v7()),
        product_id: Set(id.uuid()),
        key: Set(a.key.clone()),
        kind: Set(a.value.kind().to_owned()),
        value: Set(a.value.canonical()),
    });
    product_attribute::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

pub async fn set_product_images(
    db: &impl ConnectionTrait,
    id: ProductId,
    images: &[(String, String)],
) -> Result<(), DbErr> {
    product_image::Entity::delete_many().filter(product_image::Column::ProductId.eq(id.uuid())).exec(db).await?;
    if images.is_empty() {
        return Ok(());
    }
    let rows = images.iter().enumerate().map(|(i, (url, alt))| product_image::ActiveModel {
        id: Set(ProductImageId::new().uuid()),
        product_id: Set(id.uuid()),
        url: Set(url.clone()),
        alt: Set(alt.clone()),
        position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
    });
    product_image::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

pub async fn images_by_product_ids(
    db: &impl ConnectionTrait,
    ids: &[ProductId],
) -> Result<HashMap<ProductId, Vec<ProductImage>>, DbErr> {
    let rows = product_image::Entity::find()
        .filter(product_image::Column::ProductId.is_in(ids.iter().map(TypedId::uuid)))
        .order_by_asc(product_image::Column::Position)
        .all(db)
        .await?;
    let mut out: HashMap<ProductId, Vec<ProductImage>> = HashMap::new();
    for m in rows {
        out.entry(ProductId(m.product_id)).or_default().push(ProductImage {
            id: ProductImageId(m.id),
            product_id: ProductId(m.product_id),
            url: m.url,
            alt: m.alt,
            position: m.position,
        });
    }
    Ok(out)
}

pub async fn attributes_by_product_ids(
    db: &impl ConnectionTrait,
    ids: &[ProductId],
) -> Result<HashMap<ProductId, Vec<Attribute>>, DbErr> {
    let rows = product_attribute::Entity::find()
        .filter(product_attribute::Column::ProductId.is_in(ids.iter().map(TypedId::uuid)))
        .order_by_asc(product_attribute::Column::Key)
        .all(db)
        .await?;
    let mut out: HashMap<ProductId, Vec<Attribute>> = HashMap::new();
    for m in rows {
        let value = AttributeValue::from_stored(&m.kind, &m.value).ok_or_else(|| corrupt("attribute"))?;
        out.entry(ProductId(m.product_id)).or_default().push(Attribute { key: m.key, value });
    }
    Ok(out)
}

// ---- variants and stock ----

pub async fn variants_by_product_ids(
    db: &impl ConnectionTrait,
    ids: &[ProductId],
) -> Result<HashMap<ProductId, Vec<Variant>>, DbErr> {
    let rows = variant::Entity::find()
        .filter(variant::Column::ProductId.is_in(ids.iter().map(TypedId::uuid)))
        .order_by_asc(variant::Column::Position)
        .order_by_asc(variant::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<ProductId, Vec<Variant>> = HashMap::new();
    for m in rows {
        let v = to_variant(m)?;
        out.entry(v.product_id).or_default().push(v);
    }
    Ok(out)
}

pub async fn variants_by_ids(
    db: &impl ConnectionTrait,
    ids: &[VariantId],
) -> Result<HashMap<VariantId, Variant>, DbErr> {
    let rows = variant::Entity::find().filter(variant::Column::Id.is_in(ids.iter().map(TypedId::uuid))).all(db).await?;
    rows.into_iter().map(|r| to_variant(r).map(|v| (v.id, v))).collect()
}

/// Which of these SKUs exist already.
pub async fn existing_skus(db: &impl ConnectionTrait, skus: &[&str]) -> Result<Vec<String>, DbErr> {
    Ok(variant::Entity::find()
        .filter(variant::Column::Sku.is_in(skus.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.sku)
        .collect())
}

fn variant_model(v: &Variant, now: DateTime<Utc>) -> Result<variant::ActiveModel, DbErr> {
    Ok(variant::ActiveModel {
        id: Set(v.id.uuid()),
        product_id: Set(v.product_id.uuid()),
        sku: Set(v.sku.as_str().to_owned()),
        title: Set(v.title.clone()),
        options: Set(serde_json::to_value(&v.options).map_err(|e| DbErr::Custom(e.to_string()))?),
        price_minor: Set(minor(v.price)?),
        compare_at_minor: Set(v.compare_at_price.map(minor).transpose()?),
        currency: Set(v.price.currency().code().to_owned()),
        stock_on_hand: Set(v.stock_on_hand),
        reserved: Set(0),
        weight_grams: Set(v.weight_grams),
        position: Set(v.position),
        archived: Set(v.archived),
        created_at: Set(now),
        updated_at: Set(now),
    })
}

pub async fn insert_variant(db: &impl ConnectionTrait, v: &Variant, now: DateTime<Utc>) -> Result<(), CatalogError> {
    variant_model(v, now)?.insert(db).await.map_err(on_unique(&["sku"]))?;
    Ok(())
}

/// Updates everything but stock (which only moves through [`adjust_stock`]) and creation time.
pub async fn update_variant(db: &impl ConnectionTrait, v: &Variant, now: DateTime<Utc>) -> Result<(), CatalogError> {
    let mut m = variant_model(v, now)?;
    m.stock_on_hand = sea_orm::ActiveValue::NotSet;
    m.reserved = sea_orm::ActiveValue::NotSet;
    m.created_at = sea_orm::ActiveValue::NotSet;
    m.product_id = sea_orm::ActiveValue::NotSet;
    m.update(db).await.map_err(on_unique(&["sku"]))?;
    Ok(())
}

/// Keeps `products.min_price_minor` equal to the lowest live variant price.
pub async fn refresh_min_price(db: &impl ConnectionTrait, id: ProductId, now: DateTime<Utc>) -> Result<(), DbErr> {
    let min: Option<Option<i64>> = variant::Entity::find()
        .select_only()
        .column_as(variant::Column::PriceMinor.min(), "min_price")
        .filter(variant::Column::ProductId.eq(id.uuid()))
        .filter(variant::Column::Archived.eq(false))
        .into_tuple()
        .one(db)
        .await?;
    product::Entity::update_many()
        .col_expr(product::Column::MinPriceMinor, Expr::value(min.flatten()))
        .col_expr(product::Column::UpdatedAt, Expr::value(now))
        .filter(product::Column::Id.eq(id.uuid()))
        .exec(db)
        .await?;
    Ok(())
}

/// Adds `delta` to stock on hand in one guarded statement (no read-then-write): it only applies
/// when the result stays at or above the reserved quantity (so never below zero, and never below
/// what orders hold). Returns the new quantity, or `None` when refused.
pub async fn adjust_stock(db: &impl ConnectionTrait, id: VariantId, delta: i32) -> Result<Option<i32>, DbErr> {
    let res = variant::Entity::update_many()
        .col_expr(variant::Column::StockOnHand, Expr::col(variant::Column::StockOnHand).add(delta))
        .filter(variant::Column::Id.eq(id.uuid()))
        .filter(Expr::col(variant::Column::StockOnHand).add(delta).gte(Expr::col(variant::Column::Reserved)))
        .exec(db)
        .await?;
    if res.rows_affected != 1 {
        return Ok(None);
    }
    let now: Option<i32> = variant::Entity::find_by_id(id.uuid())
        .select_only()
        .column(variant::Column::StockOnHand)
        .into_tuple()
        .one(db)
        .await?;
    Ok(now)
}

pub async fn insert_stock_movement(db: &impl ConnectionTrait, m: &StockMovement) -> Result<(), DbErr> {
    stock_movement::ActiveModel {
        id: Set(m.id.uuid()),
        variant_id: Set(m.variant_id.uuid()),
        delta: Set(m.delta),
        quantity_after: Set(m.quantity_after),
        reason: Set(m.reason.as_str().to_owned()),
        note: Set(m.note.clone()),
        actor_id: Set(m.actor_id.map(|a| a.uuid())),
        created_at: Set(m.created_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The newest stock movements of a variant first.
pub async fn stock_movements(
    db: &impl ConnectionTrait,
    id: VariantId,
    limit: u64,
) -> Result<Vec<StockMovement>, DbErr> {
    stock_movement::Entity::find()
        .filter(stock_movement::Column::VariantId.eq(id.uuid()))
        .order_by_desc(stock_movement::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_movement)
        .collect()
}

/// Holds `quantity` units for an order in one guarded statement: only when that many are
/// available (on hand - reserved). Returns whether the units were reserved. Concurrent callers
/// can never reserve more than is on hand: the check and the write are one statement.
pub async fn reserve(db: &impl ConnectionTrait, id: VariantId, quantity: i32) -> Result<bool, DbErr> {
    let res = variant::Entity::update_many()
        .col_expr(variant::Column::Reserved, Expr::col(variant::Column::Reserved).add(quantity))
        .filter(variant::Column::Id.eq(id.uuid()))
        .filter(variant::Column::Archived.eq(false))
        .filter(Expr::col(variant::Column::StockOnHand).sub(Expr::col(variant::Column::Reserved)).gte(quantity))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Gives back reserved units (an order expired or was cancelled), never below zero.
pub async fn release(db: &impl ConnectionTrait, id: VariantId, quantity: i32) -> Result<(), DbErr> {
    variant::Entity::update_many()
        .col_expr(variant::Column::Reserved, Expr::col(variant::Column::Reserved).sub(quantity))
        .filter(variant::Column::Id.eq(id.uuid()))
        .filter(variant::Column::Reserved.gte(quantity))
        .exec(db)
        .await?;
    Ok(())
}

/// Ships reserved units: they leave both the reservation and the shelf.
pub async fn ship(db: &impl ConnectionTrait, id: VariantId, quantity: i32) -> Result<bool, DbErr> {
    let res = variant::Entity::update_many()
        .col_expr(variant::Column::Reserved, Expr::col(variant::Column::Reserved).sub(quantity))
        .col_expr(variant::Column::StockOnHand, Expr::col(variant::Column::StockOnHand).sub(quantity))
        .filter(variant::Column::Id.eq(id.uuid()))
        .filter(variant::Column::Reserved.gte(quantity))
        .filter(variant::Column::StockOnHand.gte(quantity))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}
