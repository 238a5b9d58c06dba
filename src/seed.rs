//! The demo shop seeded on first start, so a new user can walk README's "From cart to paid
//! order" at once: 3 vendors, a tree of 8 categories, 60 products with 150 variants (option
//! values, prices, stock, images, attributes), shipping zones with methods for every vendor
//! (North America, Europe, the rest of the world), tax rates (US, DE, FR, GB) and the discount
//! code [`DEMO_DISCOUNT_CODE`]. It goes through the services' `*_in` methods like any staff
//! member would, so every invariant holds, and in ONE transaction: a seed that fails writes
//! nothing. Prices are valid in any shop currency (`12.99` in USD is `1299` in JPY).
//! Deterministic: the same data on every machine.

use anyhow::Context as _;
use rust_decimal::Decimal;
use sea_orm::TransactionTrait;

use crate::{
    catalog::{
        model::{Attribute, AttributeValue, OptionValue, ProductStatus},
        service::{CategoryFields, ProductFields, VariantFields},
    },
    context::RequestContext,
    promotions::model::{DiscountFields, TargetKind},
    shared::{ids::CategoryId, money::Currency},
    shipping::model::{AreaInput, MethodFields, ZoneFields},
    state::AppState,
    tax::model::TaxRateFields,
};

/// The demo discount: 10% off any order.
pub const DEMO_DISCOUNT_CODE: &str = "WELCOME10";

/// A shipping method: `(name, flat price in hundredths, free over in hundredths)`; with no flat
/// price, the weight tiers below.
type DemoMethod = (&'static str, Option<i64>, Option<i64>);

/// `(zone, countries, methods)`.
const ZONES: [(&str, &[&str], &[DemoMethod]); 3] = [
    (
        "North America",
        &["US", "CA"],
        &[("Standard (3-5 days)", Some(499), Some(7500)), ("Express (1-2 days)", None, None)],
    ),
    (
        "Europe",
        &["GB", "IE", "DE", "FR", "NL", "BE", "LU", "ES", "PT", "IT", "AT", "CH", "DK", "SE", "NO", "FI", "PL", "CZ"],
        &[("Standard (3-5 days)", Some(699), Some(9000)), ("Express (1-2 days)", None, None)],
    ),
    (
        "Rest of the world",
        &["AU", "NZ", "JP", "KR", "SG", "IN", "BR", "MX", "ZA", "AE", "IL", "AR", "CL", "CO"],
        &[("International (7-14 days)", Some(1999), None)],
    ),
];

/// Express weight tiers: `(up to grams, price in cents)`; `None` = and above.
const EXPRESS_TIERS: [(Option<i32>, i64); 3] = [(Some(1_000), 999), (Some(5_000), 1_499), (None, 2_499)];

/// `(country, name, per cent)` on the standard tax class.
const TAX_RATES: [(&str, &str, i64); 4] =
    [("US", "Sales tax (demo)", 8), ("DE", "MwSt.", 19), ("FR", "TVA", 20), ("GB", "VAT", 20)];

/// An amount given in hundredths, in `currency`: as is where the currency has two decimals or
/// more, in whole units where it has none (`1299` = 12.99 USD = 1299 JPY), so every demo price is
/// exact in the shop's currency.
fn demo_amount(hundredths: i64, currency: Currency) -> Decimal {
    Decimal::new(hundredths, currency.exponent().min(2))
}

struct Line {
    vendor: (&'static str, &'static str),
    category: &'static str,
    nouns: [&'static str; 5],
    adjectives: [&'static str; 4],
    option: &'static str,
    values: [&'static str; 3],
    material: &'static str,
}

const LINES: [Line; 6] = [
    Line {
        vendor: ("Northwind Outfitters", "northwind-outfitters"),
        category: "tops",
        nouns: ["Tee", "Henley", "Oxford Shirt", "Hoodie", "Sweater"],
        adjectives: ["Classic", "Washed", "Heavyweight", "Everyday"],
        option: "Size",
        values: ["S", "M", "L"],
        material: "cotton",
    },
    Line {
        vendor: ("Northwind Outfitters", "northwind-outfitters"),
        category: "bottoms",
        nouns: ["Chino", "Jean", "Short", "Jogger", "Cargo Pant"],
        adjectives: ["Slim", "Relaxed", "Stretch", "Utility"],
        option: "Waist",
        values: ["30", "32", "34"],
        material: "denim",
    },
    Line {
        vendor: ("Blue Harbor Home", "blue-harbor-home"),
        category: "kitchen",
        nouns: ["Mug", "Skillet", "Cutting Board", "Teapot", "Bowl Set"],
        adjectives: ["Stoneware", "Enamel", "Walnut", "Speckled"],
        option: "Colour",
        values: ["Sand", "Slate", "Sage"],
        material: "ceramic",
    },
    Line {
        vendor: ("Blue Harbor Home", "blue-harbor-home"),
        category: "decor",
        nouns: ["Throw", "Vase", "Candle", "Cushion", "Wall Print"],
        adjectives: ["Linen", "Handmade", "Coastal", "Minimal"],
        option: "Colour",
        values: ["Ivory", "Navy", "Rust"],
        material: "linen",
    },
    Line {
        vendor: ("Cedar & Pine Goods", "cedar-pine-goods"),
        category: "camping",
        nouns: ["Tent", "Sleeping Bag", "Lantern", "Camp Chair", "Cook Kit"],
        adjectives: ["Ultralight", "Trail", "Basecamp", "Alpine"],
        option: "Capacity",
        values: ["1P", "2P", "4P"],
        material: "nylon",
    },
    Line {
        vendor: ("Cedar & Pine Goods", "cedar-pine-goods"),
        category: "hiking",
        nouns: ["Daypack", "Water Bottle", "Trekking Pole", "Headlamp", "Map Case"],
        adjectives: ["Summit", "Ridge", "Canyon", "Forest"],
        option: "Colour",
        values: ["Moss", "Ember", "Stone"],
        material: "recycled polyester",
    },
];

/// `(slug, name, parent slug)`: 3 top-level categories and 5 below them.
const CATEGORIES: [(&str, &str, Option<&str>); 8] = [
    ("apparel", "Apparel", None),
    ("home", "Home", None),
    ("outdoor", "Outdoor", None),
    ("tops", "Tops", Some("apparel")),
    ("bottoms", "Bottoms", Some("apparel")),
    ("kitchen", "Kitchen", Some("home")),
    ("decor", "Decor", Some("home")),
    ("camping", "Camping", Some("outdoor")),
];

pub const DEMO_PRODUCTS: usize = 60;

/// Seeds the demo shop when it has no vendors yet, in one transaction; returns whether it seeded.
///
/// # Errors
/// Any refusal or database failure; then nothing was written.
pub async fn seed_demo(state: &AppState) -> anyhow::Result<bool> {
    if state.vendors.count().await? > 0 {
        return Ok(false);
    }
    let txn = state.db.begin().await?;
    let rcx = RequestContext::system();
    let currency = state.catalog.currency();
    let money = |hundredths: i64| demo_amount(hundredths, currency);
    let mut vendors = std::collections::HashMap::new();
    for line in &LINES {
        if !vendors.contains_key(line.vendor.1) {
            let v = state.vendors.create_in(&txn, &rcx, line.vendor.0, Some(line.vendor.1)).await?;
            vendors.insert(line.vendor.1, v.id);
        }
    }
    let mut categories: std::collections::HashMap<&str, CategoryId> = std::collections::HashMap::new();
    for (position, (slug, name, parent)) in CATEGORIES.iter().enumerate() {
        let fields = CategoryFields {
            name: Some((*name).into()),
            slug: Some((*slug).into()),
            description: Some(format!("Everything {}", name.to_lowercase())),
            parent_id: Some(parent.and_then(|p| categories.get(p).copied())),
            position: Some(i32::try_from(position).unwrap_or(0)),
        };
        let c =
            state.catalog.create_category_in(&txn, &rcx, fields).await.with_context(|| format!("category {slug}"))?;
        categories.insert(slug, c.id);
    }
    // "hiking" products live in "outdoor" directly, so a parent category also has its own items.
    for i in 0..DEMO_PRODUCTS {
        let line = &LINES[i % LINES.len()];
        let k = i / LINES.len();
        let title = format!("{} {}", line.adjectives[k % 4], line.nouns[k % 5]);
        let slug = format!("{}-{}", crate::shared::text::Slug::from_title(&title)?, i + 1);
        let category = categories.get(line.category).or_else(|| categories.get("outdoor")).copied();
        let base = 1299 + i64::try_from((i * 737) % 9000).unwrap_or(0);
        let variant_count = if i % 2 == 0 { 2 } else { 3 };
        let variants = (0..variant_count)
            .map(|j| VariantFields {
                sku: Some(format!("{}-{:03}-{}", &line.category[..3].to_uppercase(), i + 1, line.values[j])),
                title: None,
                options: Some(vec![OptionValue { name: line.option.into(), value: line.values[j].into() }]),
                price: Some(money(base + i64::try_from(j).unwrap_or(0) * 500)),
                compare_at_price: Some((i % 5 == 0).then(|| money(base + 1000))),
                stock_on_hand: Some(i32::try_from((i * 13 + j * 7) % 40).unwrap_or(0)),
                weight_grams: Some(Some(i32::try_from(200 + (i * 53) % 1800).unwrap_or(0))),
                position: Some(i32::try_from(j).unwrap_or(0)),
            })
            .collect();
        let fields = ProductFields {
            title: Some(title.clone()),
            slug: Some(slug.clone()),
            description: Some(format!("{title}: a demo product from the {} line.", line.category)),
            status: Some(ProductStatus::Active),
            category_ids: Some(category.into_iter().collect()),
            attributes: Some(vec![
                Attribute { key: "material".into(), value: AttributeValue::Text(line.material.into()) },
                Attribute { key: "organic".into(), value: AttributeValue::Boolean(i % 3 == 0) },
                Attribute {
                    key: "rating".into(),
                    value: AttributeValue::Number(Decimal::new(30 + i64::try_from(i % 20).unwrap_or(0), 1)),
                },
            ]),
            images: Some(vec![
                (format!("https://images.agora.example/demo/{slug}-1.jpg"), Some(format!("{title}, front"))),
                (format!("https://images.agora.example/demo/{slug}-2.jpg"), Some(format!("{title}, detail"))),
            ]),
            tax_class: None,
        };
        state
            .catalog
            .create_product_in(&txn, &rcx, vendors[line.vendor.1], fields, variants)
            .await
            .with_context(|| format!("product {slug}"))?;
    }
    for (zone_name, countries, methods) in ZONES {
        let areas = countries.iter().map(|c| AreaInput { country: (*c).into(), region: None }).collect();
        let zone = state
            .shipping
            .create_zone_in(&txn, &rcx, ZoneFields { name: Some(zone_name.into()), areas: Some(areas) })
            .await?;
        for (name, flat, free_over) in methods {
            let fields = MethodFields {
                zone_id: Some(zone.id),
                vendor_id: Some(None),
                name: Some((*name).into()),
                flat_rate: flat.map(money),
                weight_tiers: flat
                    .is_none()
                    .then(|| EXPRESS_TIERS.iter().map(|(up_to, p)| (*up_to, money(*p))).collect()),
                free_over: Some(free_over.map(money)),
                tax_class: None,
                active: Some(true),
            };
            state.shipping.create_method_in(&txn, &rcx, fields).await?;
        }
    }
    for (country, name, per_cent) in TAX_RATES {
        let fields = TaxRateFields {
            country: Some(country.into()),
            region: Some(None),
            tax_class: Some(crate::pricing::DEFAULT_TAX_CLASS.into()),
            name: Some(name.into()),
            rate: Some(Decimal::from(per_cent)),
        };
        state.tax.create_in(&txn, &rcx, fields).await?;
    }
    let welcome = DiscountFields {
        code: Some(Some(DEMO_DISCOUNT_CODE.into())),
        percentage: Some(Decimal::from(10)),
        target: Some(TargetKind::Subtotal),
        active: Some(true),
        ..DiscountFields::default()
    };
    state.promotions.create_in(&txn, &rcx, welcome).await?;
    txn.commit().await?;
    Ok(true)
}
