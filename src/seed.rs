//! The demo catalog seeded on first start, so the first query returns data: 3 vendors, a tree of
//! 8 categories, 60 products with 150 variants (option values, prices, stock, images,
//! attributes). It goes through the services like any staff member would, so every invariant
//! holds. Deterministic: the same data on every machine.

use rust_decimal::Decimal;

use crate::{
    catalog::{
        model::{Attribute, AttributeValue, OptionValue, ProductStatus},
        service::{CategoryFields, ProductFields, VariantFields},
    },
    context::RequestContext,
    shared::ids::CategoryId,
    state::AppState,
};

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

/// Seeds the demo catalog when the shop has no vendors yet; returns whether it seeded.
pub async fn seed_demo(state: &AppState) -> anyhow::Result<bool> {
    if state.vendors.count().await? > 0 {
        return Ok(false);
    }
    let rcx = RequestContext::system();
    let mut vendors = std::collections::HashMap::new();
    for line in &LINES {
        if !vendors.contains_key(line.vendor.1) {
            let v = state.vendors.create(&rcx, line.vendor.0, Some(line.vendor.1)).await?;
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
        let c = state.catalog.create_category(&rcx, fields).await?;
        categories.insert(slug, c.id);
    }
    // "hiking" products live in "outdoor" directly, so a parent category also has its own items.
    for i in 0..DEMO_PRODUCTS {
        let line = &LINES[i % LINES.len()];
        let k = i / LINES.len();
        let title = format!("{} {}", line.adjectives[k % 4], line.nouns[k % 5]);
        let slug = format!("{}-{}", crate::shared::text::Slug::from_title(&title)?, i + 1);
        let category = categories.get(line.category).or_else(|| categories.get("outdoor")).copied();
        let base = Decimal::new(1299 + i64::try_from((i * 737) % 9000).unwrap_or(0), 2);
        let variant_count = if i % 2 == 0 { 2 } else { 3 };
        let variants = (0..variant_count)
            .map(|j| VariantFields {
                sku: Some(format!("{}-{:03}-{}", &line.category[..3].to_uppercase(), i + 1, line.values[j])),
                title: None,
                options: Some(vec![OptionValue { name: line.option.into(), value: line.values[j].into() }]),
                price: Some(base + Decimal::new(i64::try_from(j).unwrap_or(0) * 500, 2)),
                compare_at_price: Some((i % 5 == 0).then(|| base + Decimal::new(1000, 2))),
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
        state.catalog.create_product(&rcx, vendors[line.vendor.1], fields, variants).await?;
    }
    Ok(true)
}
