//! Catalog types and pure rules.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::shared::{
    ids::{CategoryId, ProductId, ProductImageId, StockMovementId, UserId, VariantId, VendorId},
    money::{Currency, Money},
    text::{Sku, Slug},
};

/// Whether a product is visible to shoppers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProductStatus {
    /// Being prepared; staff only.
    Draft,
    /// On sale.
    Active,
    /// Withdrawn; kept for order history.
    Archived,
}

impl ProductStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            ProductStatus::Draft => "DRAFT",
            ProductStatus::Active => "ACTIVE",
            ProductStatus::Archived => "ARCHIVED",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "DRAFT" => Some(ProductStatus::Draft),
            "ACTIVE" => Some(ProductStatus::Active),
            "ARCHIVED" => Some(ProductStatus::Archived),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub id: CategoryId,
    pub parent_id: Option<CategoryId>,
    pub name: String,
    pub slug: Slug,
    pub description: String,
    pub position: i32,
    pub archived: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub id: ProductId,
    pub vendor_id: VendorId,
    pub title: String,
    pub slug: Slug,
    pub description: String,
    pub status: ProductStatus,
    /// The lowest price among live variants; `None` when it has none.
    pub min_price: Option<Money>,
    pub currency: Currency,
    /// Which tax rates apply ("standard", "reduced", …).
    pub tax_class: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductImage {
    pub id: ProductImageId,
    pub product_id: ProductId,
    pub url: String,
    pub alt: String,
    pub position: i32,
}

/// A typed attribute value, for facets ("material = linen", "weight_kg = 1.2").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeValue {
    Text(String),
    Number(Decimal),
    Boolean(bool),
}

impl AttributeValue {
    pub fn kind(&self) -> &'static str {
        match self {
            AttributeValue::Text(_) => "TEXT",
            AttributeValue::Number(_) => "NUMBER",
            AttributeValue::Boolean(_) => "BOOLEAN",
        }
    }

    /// The canonical text form stored and matched in filters.
    pub fn canonical(&self) -> String {
        match self {
            AttributeValue::Text(s) => s.clone(),
            AttributeValue::Number(d) => d.normalize().to_string(),
            AttributeValue::Boolean(b) => b.to_string(),
        }
    }

    pub fn from_stored(kind: &str, value: &str) -> Option<Self> {
        match kind {
            "TEXT" => Some(AttributeValue::Text(value.to_owned())),
            "NUMBER" => value.parse().ok().map(AttributeValue::Number),
            "BOOLEAN" => value.parse().ok().map(AttributeValue::Boolean),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub key: String,
    pub value: AttributeValue,
}

/// An option of a variant, e.g. `Size = M`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OptionValue {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub id: VariantId,
    pub product_id: ProductId,
    pub sku: Sku,
    pub title: String,
    pub options: Vec<OptionValue>,
    pub price: Money,
    pub compare_at_price: Option<Money>,
    pub stock_on_hand: i32,
    /// Units held by unpaid or unfulfilled orders.
    pub reserved: i32,
    pub weight_grams: Option<i32>,
    pub position: i32,
    pub archived: bool,
}

impl Variant {
    /// Units that can still be sold: on hand minus reserved.
    pub fn available(&self) -> i32 {
        (self.stock_on_hand - self.reserved).max(0)
    }
}

/// A variant that can be sold now: not archived, and its product ACTIVE.
#[derive(Debug, Clone)]
pub struct Sellable {
    pub variant: Variant,
    pub product: Product,
    pub category_ids: Vec<CategoryId>,
}

impl Sellable {
    /// `variant` of `product` if it can be sold now.
    pub fn of(variant: Variant, product: &Product, category_ids: Vec<CategoryId>) -> Option<Self> {
        (!variant.archived && product.status == ProductStatus::Active && variant.product_id == product.id)
            .then(|| Self { variant, product: product.clone(), category_ids })
    }
}

/// Why stock changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockReason {
    Received,
    Correction,
    Damaged,
    Returned,
    Lost,
}

impl StockReason {
    pub fn as_str(&self) -> &'static str {
        match self {
            StockReason::Received => "RECEIVED",
            StockReason::Correction => "CORRECTION",
            StockReason::Damaged => "DAMAGED",
            StockReason::Returned => "RETURNED",
            StockReason::Lost => "LOST",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Received, Self::Correction, Self::Damaged, Self::Returned, Self::Lost]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockMovement {
    pub id: StockMovementId,
    pub variant_id: VariantId,
    pub delta: i32,
    pub quantity_after: i32,
    pub reason: StockReason,
    pub note: Option<String>,
    pub actor_id: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

/// How a product list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProductSort {
    #[default]
    Newest,
    PriceAsc,
    PriceDesc,
    TitleAsc,
}

/// Which products a list shows. Category filters are already expanded to their descendants.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    /// Staff see every status; storefront callers ACTIVE only.
    pub statuses: Vec<ProductStatus>,
    pub category_ids: Option<Vec<CategoryId>>,
    pub vendor_id: Option<VendorId>,
    pub min_price_minor: Option<i64>,
    pub max_price_minor: Option<i64>,
    /// Each entry: the product has attribute `key` with one of `values`.
    pub attributes: Vec<(String, Vec<String>)>,
    pub in_stock: bool,
    /// Case-insensitive substring of the title.
    pub title_contains: Option<String>,
}

/// The ids of `root` and all categories below it.
pub fn descendants(all: &[Category], root: CategoryId) -> Vec<CategoryId> {
    let mut children: HashMap<CategoryId, Vec<CategoryId>> = HashMap::new();
    for c in all {
        if let Some(p) = c.parent_id {
            children.entry(p).or_default().push(c.id);
        }
    }
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        if let Some(kids) = children.get(&out[i]) {
            let new: Vec<CategoryId> = kids.iter().copied().filter(|k| !out.contains(k)).collect();
            out.extend(new);
        }
        i += 1;
    }
    out
}

/// The path from the root down to `id` (inclusive); empty when `id` is unknown.
pub fn breadcrumbs(all: &[Category], id: CategoryId) -> Vec<Category> {
    let by_id: HashMap<CategoryId, &Category> = all.iter().map(|c| (c.id, c)).collect();
    let mut path = Vec::new();
    let mut cur = by_id.get(&id).copied();
    while let Some(c) = cur {
        if path.iter().any(|p: &Category| p.id == c.id) {
            break;
        }
        path.push(c.clone());
        cur = c.parent_id.and_then(|p| by_id.get(&p).copied());
    }
    path.reverse();
    path
}

/// Whether making `new_parent` the parent of `id` would create a cycle.
pub fn would_cycle(all: &[Category], id: CategoryId, new_parent: CategoryId) -> bool {
    descendants(all, id).contains(&new_parent)
}

/// Products and variants for other domains' unit tests.
#[cfg(test)]
pub mod fixtures {
    use super::*;

    /// An ACTIVE product of `vendor` in USD, of the standard tax class.
    pub fn product(vendor: VendorId) -> Product {
        let now = DateTime::<Utc>::UNIX_EPOCH;
        Product {
            id: ProductId::new(),
            vendor_id: vendor,
            title: "Mug".into(),
            slug: Slug::parse("mug").unwrap(),
            description: String::new(),
            status: ProductStatus::Active,
            min_price: None,
            currency: Currency::USD,
            tax_class: "standard".into(),
            created_at: now,
            updated_at: now,
        }
    }

    /// A live variant of `product` at `cents` with `stock` on hand, none reserved.
    pub fn variant(product: &Product, cents: i64, stock: i32) -> Variant {
        Variant {
            id: VariantId::new(),
            product_id: product.id,
            sku: Sku::parse("MUG-1").unwrap(),
            title: "Default".into(),
            options: vec![],
            price: Money::from_minor(cents, Currency::USD),
            compare_at_price: None,
            stock_on_hand: stock,
            reserved: 0,
            weight_grams: Some(500),
            position: 0,
            archived: false,
        }
    }

    /// A sellable variant of a new product of `vendor`.
    pub fn sellable(vendor: VendorId, cents: i64, stock: i32) -> Sellable {
        let p = product(vendor);
        Sellable::of(variant(&p, cents, stock), &p, vec![]).expect("sellable")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat(id: CategoryId, parent: Option<CategoryId>, slug: &str) -> Category {
        Category {
            id,
            parent_id: parent,
            name: slug.into(),
            slug: Slug::parse(slug).unwrap(),
            description: String::new(),
            position: 0,
            archived: false,
        }
    }

    #[test]
    fn descendants_breadcrumbs_and_cycles() {
        let (a, b, c, d) = (CategoryId::new(), CategoryId::new(), CategoryId::new(), CategoryId::new());
        let all = vec![cat(a, None, "a"), cat(b, Some(a), "b"), cat(c, Some(b), "c"), cat(d, None, "d")];
        let mut desc = descendants(&all, a);
        desc.sort();
        let mut expected = vec![a, b, c];
        expected.sort();
        assert_eq!(desc, expected);
        assert_eq!(breadcrumbs(&all, c).iter().map(|x| x.slug.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
        assert!(would_cycle(&all, a, c));
        assert!(!would_cycle(&all, c, d));
    }

    #[test]
    fn attribute_values_have_a_canonical_form() {
        assert_eq!(AttributeValue::Number("1.50".parse().unwrap()).canonical(), "1.5");
        assert_eq!(AttributeValue::from_stored("BOOLEAN", "true"), Some(AttributeValue::Boolean(true)));
        assert_eq!(AttributeValue::from_stored("NUMBER", "x"), None);
    }

    #[test]
    fn sellable_only_live_variants_of_active_products() {
        use fixtures::{product, variant};
        let mut p = product(VendorId::new());
        assert!(Sellable::of(variant(&p, 100, 1), &p, vec![]).is_some());
        let mut archived = variant(&p, 100, 1);
        archived.archived = true;
        assert!(Sellable::of(archived, &p, vec![]).is_none(), "archived variant");
        let other = product(p.vendor_id);
        assert!(Sellable::of(variant(&other, 100, 1), &p, vec![]).is_none(), "another product's variant");
        for status in [ProductStatus::Draft, ProductStatus::Archived] {
            p.status = status;
            assert!(Sellable::of(variant(&p, 100, 1), &p, vec![]).is_none(), "{status:?} product");
        }
    }
}
