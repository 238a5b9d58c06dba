//! Products: lookups, the filtered and sorted listing, writes, and their images and attributes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{product, product_attribute, product_category, product_history, product_image, variant, vendor};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait, Func, LikeExpr, Query},
};
use uuid::Uuid;

use super::{corrupt, on_unique, to_product};
use crate::{
    catalog::{
        error::CatalogError,
        model::{
            ApprovalStatus, Attribute, AttributeValue, HistoryAction, HistoryEntry, Product, ProductFilter,
            ProductImage, ProductSort, ProductStatus,
        },
    },
    shared::{
        ids::{CategoryId, ProductId, ProductImageId, TypedId, UserId, VariantId, VendorId},
        pagination::{Cursor, Page, PageRequest},
    },
};

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

/// What puts a product on the storefront: ACTIVE, APPROVED, and its vendor ACTIVE.
fn storefront_condition() -> Condition {
    let active_vendors = Query::select()
        .column(vendor::Column::Id)
        .from(vendor::Entity)
        .and_where(vendor::Column::Status.eq("ACTIVE"))
        .to_owned();
    Condition::all()
        .add(product::Column::Status.eq(ProductStatus::Active.as_str()))
        .add(product::Column::ApprovalStatus.eq(ApprovalStatus::Approved.as_str()))
        .add(product::Column::VendorId.in_subquery(active_vendors))
}

/// The products among `ids` that are on the storefront (see [`storefront_condition`]).
pub async fn storefront_products_by_ids(
    db: &impl ConnectionTrait,
    ids: &[ProductId],
) -> Result<HashMap<ProductId, Product>, DbErr> {
    let rows = product::Entity::find()
        .filter(product::Column::Id.is_in(ids.iter().map(TypedId::uuid)))
        .filter(storefront_condition())
        .all(db)
        .await?;
    rows.into_iter().map(|r| to_product(r).map(|p| (p.id, p))).collect()
}

/// The storefront product with this slug, if it is on the storefront.
pub async fn storefront_product_by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<Option<Product>, DbErr> {
    product::Entity::find()
        .filter(product::Column::Slug.eq(slug))
        .filter(storefront_condition())
        .one(db)
        .await?
        .map(to_product)
        .transpose()
}

/// The vendor owning product `id` (to authorise an action on it before loading it).
pub async fn vendor_of_product(db: &impl ConnectionTrait, id: ProductId) -> Result<Option<VendorId>, DbErr> {
    let v: Option<Uuid> = product::Entity::find_by_id(id.uuid())
        .select_only()
        .column(product::Column::VendorId)
        .into_tuple()
        .one(db)
        .await?;
    Ok(v.map(VendorId))
}

/// The vendor owning variant `id`'s product (to authorise an action on the variant).
pub async fn vendor_of_variant(db: &impl ConnectionTrait, id: VariantId) -> Result<Option<VendorId>, DbErr> {
    let sub = Query::select()
        .column(variant::Column::ProductId)
        .from(variant::Entity)
        .and_where(variant::Column::Id.eq(id.uuid()))
        .to_owned();
    let v: Option<Uuid> = product::Entity::find()
        .select_only()
        .column(product::Column::VendorId)
        .filter(product::Column::Id.in_subquery(sub))
        .into_tuple()
        .one(db)
        .await?;
    Ok(v.map(VendorId))
}

/// Product `id` if `vendor` owns it: the scoped load of vendor-facing paths.
pub async fn product_of_vendor(
    db: &impl ConnectionTrait,
    vendor_id: VendorId,
    id: ProductId,
) -> Result<Option<Product>, DbErr> {
    product::Entity::find_by_id(id.uuid())
        .filter(product::Column::VendorId.eq(vendor_id.uuid()))
        .one(db)
        .await?
        .map(to_product)
        .transpose()
}

/// Moves product `id` from approval status `from` to `to` (with `reason`, cleared when `None`)
/// in one compare-and-set statement; `false` when the product was no longer at `from` (another
/// decision came first).
pub async fn set_approval(
    db: &impl ConnectionTrait,
    id: ProductId,
    from: ApprovalStatus,
    to: ApprovalStatus,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = product::Entity::update_many()
        .col_expr(product::Column::ApprovalStatus, Expr::value(to.as_str()))
        .col_expr(product::Column::ApprovalReason, Expr::value(reason.map(str::to_owned)))
        .col_expr(product::Column::UpdatedAt, Expr::value(now))
        .filter(product::Column::Id.eq(id.uuid()))
        .filter(product::Column::ApprovalStatus.eq(from.as_str()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

pub async fn insert_history(db: &impl ConnectionTrait, e: &HistoryEntry) -> Result<(), DbErr> {
    product_history::ActiveModel {
        id: Set(Uuid::now_v7()),
        product_id: Set(e.product_id.uuid()),
        vendor_id: Set(e.vendor_id.uuid()),
        actor_id: Set(e.actor_id.map(|a| a.uuid())),
        action: Set(e.action.as_str().to_owned()),
        from_status: Set(e.from.map(|s| s.as_str().to_owned())),
        to_status: Set(e.to.map(|s| s.as_str().to_owned())),
        reason: Set(e.reason.clone()),
        created_at: Set(e.created_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A product's history, newest first (ids are time-ordered UUIDv7).
pub async fn history(db: &impl ConnectionTrait, id: ProductId, limit: u64) -> Result<Vec<HistoryEntry>, DbErr> {
    let status = |s: Option<String>| -> Result<Option<ApprovalStatus>, DbErr> {
        s.map(|s| ApprovalStatus::parse(&s).ok_or_else(|| corrupt("history status"))).transpose()
    };
    product_history::Entity::find()
        .filter(product_history::Column::ProductId.eq(id.uuid()))
        .order_by_desc(product_history::Column::CreatedAt)
        .order_by_desc(product_history::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            Ok(HistoryEntry {
                product_id: ProductId(m.product_id),
                vendor_id: VendorId(m.vendor_id),
                actor_id: m.actor_id.map(UserId),
                action: HistoryAction::parse(&m.action).ok_or_else(|| corrupt("history action"))?,
                from: status(m.from_status)?,
                to: status(m.to_status)?,
                reason: m.reason,
                created_at: m.created_at,
            })
        })
        .collect()
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
    if f.storefront {
        c = c.add(storefront_condition());
    }
    if !f.approval_statuses.is_empty() {
        c = c.add(product::Column::ApprovalStatus.is_in(f.approval_statuses.iter().map(ApprovalStatus::as_str)));
    }
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
        ProductSort::Newest | ProductSort::Oldest => String::new(),
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
        ProductSort::Oldest => {
            if let Some(c) = after {
                q = q.filter(product::Column::Id.gt(c.id));
            }
            q = q.order_by_asc(product::Column::Id);
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
        approval_status: Set(p.approval_status.as_str().to_owned()),
        approval_reason: Set(p.approval_reason.clone()),
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
