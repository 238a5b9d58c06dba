//! Tax: the staff tax-rate mutations and `taxRates`, the public `shop` settings, and
//! `rates_for` (what checkout calls) through `app.state`.

use agora::{pricing, shared::role::Role};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, Set, SqlErr};
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, field, fixtures::unknown_id, user_errors},
    ops,
};

/// Creates a rate as staff; returns it.
async fn rate(app: &TestApp, staff: &str, country: &str, region: Option<&str>, class: &str, percent: &str) -> Value {
    let input = json!({ "country": country, "region": region, "taxClass": class, "name": format!("{class} {percent}%"), "rate": percent });
    let r = app.gql_as(Some(staff), ops::TAX_RATE_CREATE, json!({ "input": input })).await;
    r.assert_no_errors();
    r.get("taxRateCreate.taxRate").clone()
}

async fn rates(app: &TestApp, staff: &str) -> Vec<Value> {
    let r = app.gql_as(Some(staff), ops::TAX_RATES, json!({})).await;
    r.assert_no_errors();
    r.get("taxRates").as_array().cloned().unwrap_or_default()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[tokio::test]
async fn tax_rate_create_normalises_the_destination_and_keeps_three_decimals() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let input = json!({ "country": " us", "region": "us-ny", "taxClass": " Standard ", "name": " NY sales tax ", "rate": "8.875" });

    // when
    let r = app.gql_as(Some(&staff), ops::TAX_RATE_CREATE, json!({ "input": input })).await;

    // then
    r.assert_no_errors();
    let t = r.get("taxRateCreate.taxRate").clone();
    assert_eq!(
        (t["country"].clone(), t["region"].clone(), t["taxClass"].clone(), t["name"].clone(), t["rate"].clone()),
        (json!("US"), json!("NY"), json!("standard"), json!("NY sales tax"), json!("8.875"))
    );
    assert_eq!(rates(&app, &staff).await, [t]);
}

#[tokio::test]
async fn tax_rates_lists_by_country_then_country_level_first_then_class() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    rate(&app, &staff, "US", Some("NY"), "standard", "8.875").await;
    rate(&app, &staff, "US", None, "standard", "5").await;
    rate(&app, &staff, "DE", None, "standard", "19").await;
    rate(&app, &staff, "US", None, "reduced", "1").await;
    let order: Vec<(Value, Value, Value, Value)> = rates(&app, &staff)
        .await
        .iter()
        .map(|t| (t["country"].clone(), t["region"].clone(), t["taxClass"].clone(), t["rate"].clone()))
        .collect();
    assert_eq!(
        order,
        [
            (json!("DE"), Value::Null, json!("standard"), json!("19")),
            (json!("US"), Value::Null, json!("reduced"), json!("1")),
            (json!("US"), Value::Null, json!("standard"), json!("5")),
            (json!("US"), json!("NY"), json!("standard"), json!("8.875")),
        ]
    );
}

#[tokio::test]
async fn tax_rate_create_with_bad_input_returns_user_errors_and_writes_nothing() {
    // given: a country-level and a regional rate
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    rate(&app, &staff, "US", None, "standard", "5").await;
    rate(&app, &staff, "US", Some("NY"), "standard", "8.875").await;
    let base = |k: &str, v: Value| {
        let mut input = json!({ "country": "DE", "taxClass": "standard", "name": "VAT", "rate": "19" });
        input[k] = v;
        input
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (base("country", json!("DEU")), "INVALID", "country"),
        (base("country", json!("")), "INVALID", "country"),
        (base("region", json!("Bavaria")), "INVALID", "region"),
        (base("region", json!("US-BY")), "INVALID", "region"),
        (base("taxClass", json!("")), "INVALID", "taxClass"),
        (base("taxClass", json!("not a class")), "INVALID", "taxClass"),
        (base("name", json!("  ")), "REQUIRED", "name"),
        (base("rate", json!("-1")), "INVALID", "rate"),
        (base("rate", json!("100.001")), "INVALID", "rate"),
        (base("rate", json!("8.8755")), "INVALID", "rate"),
        // one rate per destination and class, country-level (NULL region) included
        (json!({ "country": "us", "taxClass": "STANDARD", "name": "Again", "rate": "6" }), "TAKEN", "taxClass"),
        (
            json!({ "country": "US", "region": "ny", "taxClass": "standard", "name": "Again", "rate": "9" }),
            "TAKEN",
            "taxClass",
        ),
    ];
    for (input, code, path) in cases {
        // when
        let r = app.gql_as(Some(&staff), ops::TAX_RATE_CREATE, json!({ "input": input })).await;

        // then
        assert_eq!(user_errors(&r, "taxRateCreate"), [(field(&[path]), code.to_owned())], "{input}");
        assert!(r.get("taxRateCreate.taxRate").is_null());
    }
    assert_eq!(rates(&app, &staff).await.len(), 2, "nothing was written");
}

#[tokio::test]
async fn the_database_keeps_one_country_level_rate_per_class_on_its_own() {
    // The service checks first; this is the index behind it, which must hold for NULL regions
    // on SQLite and PostgreSQL alike.
    let app = TestApp::spawn().await;
    let row = || entity::tax_rate::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        country: Set("US".into()),
        region: Set(None),
        tax_class: Set("standard".into()),
        name: Set("Sales tax".into()),
        rate_pcm: Set(5_000),
        created_at: Set(chrono::Utc::now()),
    };
    row().insert(&app.state.db).await.expect("first row");
    let second = row().insert(&app.state.db).await.expect_err("a second country-level row");
    assert!(matches!(second.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))), "{second:?}");
    let mut regional = row();
    regional.region = Set(Some("NY".into()));
    regional.insert(&app.state.db).await.expect("a regional row is another destination");
}

#[tokio::test]
async fn tax_rate_update_changes_given_fields_and_null_region_makes_it_country_level() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let ny = rate(&app, &staff, "US", Some("NY"), "standard", "8.875").await;

    // when
    let r = app
        .gql_as(
            Some(&staff),
            ops::TAX_RATE_UPDATE,
            json!({ "id": ny["id"], "input": { "region": null, "rate": "5.5" } }),
        )
        .await;

    // then
    r.assert_no_errors();
    let t = r.get("taxRateUpdate.taxRate").clone();
    assert_eq!(t["id"], ny["id"]);
    assert_eq!(t["region"], Value::Null);
    assert_eq!(t["rate"], "5.5");
    assert_eq!(t["name"], ny["name"], "omitted fields stay");
    assert_eq!(rates(&app, &staff).await, [t]);
}

#[tokio::test]
async fn tax_rate_update_with_bad_input_returns_user_errors_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    rate(&app, &staff, "US", None, "standard", "5").await;
    let ny = rate(&app, &staff, "US", Some("NY"), "standard", "8.875").await;
    let before = rates(&app, &staff).await;
    let id = ny["id"].as_str().unwrap();
    let unknown = unknown_id("TaxRate");
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (id, json!({ "region": null }), "TAKEN", "taxClass"),
        (id, json!({ "rate": "101" }), "INVALID", "rate"),
        (id, json!({ "country": "United States" }), "INVALID", "country"),
        (id, json!({ "name": "" }), "REQUIRED", "name"),
        (&unknown, json!({ "rate": "1" }), "NOT_FOUND", "id"),
    ];
    for (id, input, code, path) in cases {
        let r = app.gql_as(Some(&staff), ops::TAX_RATE_UPDATE, json!({ "id": id, "input": input })).await;
        assert_eq!(user_errors(&r, "taxRateUpdate"), [(field(&[path]), code.to_owned())], "{input}");
    }
    assert_eq!(rates(&app, &staff).await, before, "nothing changed");
    let r = app.gql_as(Some(&staff), ops::TAX_RATE_UPDATE, json!({ "id": unknown_id("Discount"), "input": {} })).await;
    assert_eq!(r.error_codes(), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn tax_rate_delete_removes_the_rate() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let a = rate(&app, &staff, "DE", None, "standard", "19").await;
    let b = rate(&app, &staff, "DE", None, "reduced", "7").await;

    let r = app.gql_as(Some(&staff), ops::TAX_RATE_DELETE, json!({ "id": a["id"] })).await;
    r.assert_no_errors();
    assert_eq!(r.get("taxRateDelete.deletedId"), &a["id"]);
    assert_eq!(rates(&app, &staff).await, [b]);

    let r = app.gql_as(Some(&staff), ops::TAX_RATE_DELETE, json!({ "id": a["id"] })).await;
    assert_eq!(user_errors(&r, "taxRateDelete"), [(field(&["id"]), "NOT_FOUND".to_owned())]);
    assert!(r.get("taxRateDelete.deletedId").is_null());
}

#[tokio::test]
async fn tax_rate_operations_are_staff_only_and_shop_is_public() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let customer = app.user("ann@example.com", Role::Customer).await;
    let t = rate(&app, &staff, "DE", None, "standard", "19").await;
    let operations = [
        (
            ops::TAX_RATE_CREATE,
            json!({ "input": { "country": "FR", "taxClass": "standard", "name": "TVA", "rate": "20" } }),
        ),
        (ops::TAX_RATE_UPDATE, json!({ "id": t["id"], "input": { "rate": "0" } })),
        (ops::TAX_RATE_DELETE, json!({ "id": t["id"] })),
        (ops::TAX_RATES, json!({})),
    ];

    for (op, vars) in operations {
        // when / then
        assert_eq!(app.gql_as(Some(&customer), op, vars.clone()).await.error_codes(), ["FORBIDDEN"], "{op}");
        assert_eq!(app.gql(op, vars).await.error_codes(), ["UNAUTHENTICATED"], "{op}");
    }
    assert_eq!(rates(&app, &staff).await, [t], "nothing changed");
    let shop = app.gql(ops::SHOP, json!({})).await;
    shop.assert_no_errors();
    assert_eq!(shop.get("shop"), &json!({ "currencyCode": "USD", "pricesIncludeTax": false }));
}

#[tokio::test]
async fn shop_reflects_the_configured_currency_and_tax_setting() {
    let app = TestApp::spawn_with(|s| {
        s.shop.currency = "EUR".into();
        s.shop.prices_include_tax = true;
    })
    .await;
    let r = app.gql(ops::SHOP, json!({})).await;
    r.assert_no_errors();
    assert_eq!(r.get("shop"), &json!({ "currencyCode": "EUR", "pricesIncludeTax": true }));
}

#[tokio::test]
async fn rates_for_gives_one_rate_per_class_with_region_rates_overriding_the_country() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    rate(&app, &staff, "US", None, "standard", "5").await;
    rate(&app, &staff, "US", None, "reduced", "1").await;
    rate(&app, &staff, "US", Some("NY"), "standard", "8.875").await;
    rate(&app, &staff, "US", Some("CA"), "standard", "7.25").await;
    rate(&app, &staff, "US", Some("CA"), "zero", "0").await;
    rate(&app, &staff, "DE", None, "standard", "19").await;
    let (tax, db) = (&app.state.tax, &app.state.db);
    let classes = |rates: Vec<pricing::TaxRate>| -> Vec<(String, Decimal)> {
        rates.into_iter().map(|r| (r.tax_class, r.rate)).collect()
    };

    // when / then
    let ny = tax.rates_for(db, "us", Some("us-ny")).await.unwrap();
    assert_eq!(ny[1].name, "standard 8.875%");
    assert_eq!(classes(ny), [("reduced".to_owned(), d("0.01")), ("standard".to_owned(), d("0.08875"))]);
    assert_eq!(
        classes(tax.rates_for(db, "US", Some("CA")).await.unwrap()),
        [("reduced".to_owned(), d("0.01")), ("standard".to_owned(), d("0.0725")), ("zero".to_owned(), d("0"))]
    );
    let country_level = [("reduced".to_owned(), d("0.01")), ("standard".to_owned(), d("0.05"))];
    assert_eq!(classes(tax.rates_for(db, "US", Some("TX")).await.unwrap()), country_level);
    assert_eq!(classes(tax.rates_for(db, "US", None).await.unwrap()), country_level);
    assert_eq!(classes(tax.rates_for(db, "US", Some("Texas")).await.unwrap()), country_level);
    assert_eq!(classes(tax.rates_for(db, "DE", Some("BY")).await.unwrap()), [("standard".to_owned(), d("0.19"))]);
    assert!(tax.rates_for(db, "JP", None).await.unwrap().is_empty());
    assert!(tax.rates_for(db, "USA", None).await.unwrap().is_empty());
}
