//! The catalog in the database. The only catalog module that knows SeaORM; batch functions here
//! back the GraphQL dataloaders. This file holds the row <-> model helpers the three parts share:
//! `categories`, `products` (with their images and attributes) and `variants` (with stock).

use entity::{category, product, stock_movement, variant};
use sea_orm::{DbErr, SqlErr};

use crate::{
    catalog::{
        error::{CatalogError, path},
        model::{ApprovalStatus, Category, OptionValue, Product, ProductStatus, StockMovement, StockReason, Variant},
    },
    shared::{
        ids::{CategoryId, ProductId, StockMovementId, UserId, VariantId, VendorId},
        money::{Currency, Money},
        text::{Sku, Slug},
    },
};

mod categories;
mod products;
mod variants;

pub use categories::*;
pub use products::*;
pub use variants::*;

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
        approval_status: ApprovalStatus::parse(&m.approval_status).ok_or_else(|| corrupt("approval status"))?,
        approval_reason: m.approval_reason,
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
