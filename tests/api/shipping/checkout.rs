//! The calls checkout makes, through `app.state`: `methods_for` and `method_for`.

use agora::{
    graphql::ids,
    pricing::{ShippingRate, WeightTier},
    shared::{
        ids::{ShippingMethodId, VendorId},
        money::{Currency, Money},
    },
};
use serde_json::{Value, json};

use crate::helpers::{
    TestApp,
    fixtures::{method, vendor, zone},
};

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD)
}

fn method_id(m: &Value) -> ShippingMethodId {
    ids::decode::<ShippingMethodId>(m["id"].as_str().unwrap()).unwrap()
}

struct World {
    app: TestApp,
    acme: VendorId,
    other: VendorId,
    standard: Value,
    acme_express: Value,
    ca_courier: Value,
    eu_post: Value,
    inactive: Value,
}

/// Zones: "US" (the whole US, and California listed again), "West" (California, Oregon),
/// "EU" (Germany, France). Methods: in US "Standard" (any vendor, flat, free over 50),
/// "Acme Express" (Acme only, weight tiers), "Dormant" (inactive); in West "CA Courier";
/// in EU "EU Post".
async fn world() -> World {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let other = vendor(&app, &staff, "Other").await;
    let us = zone(&app, &staff, "US", &[("US", None), ("US", Some("CA"))]).await;
    let west = zone(&app, &staff, "West", &[("US", Some("CA")), ("US", Some("OR"))]).await;
    let eu = zone(&app, &staff, "EU", &[("DE", None), ("FR", None)]).await;
    let standard =
        method(&app, &staff, json!({ "zoneId": us, "name": "Standard", "flatRate": "5", "freeOver": "50" })).await;
    let acme_express = method(
        &app,
        &staff,
        json!({ "zoneId": us, "vendorId": acme, "name": "Acme Express", "taxClass": "reduced",
                "weightTiers": [{ "upToGrams": 1000, "price": "9" }, { "price": "15" }] }),
    )
    .await;
    let inactive =
        method(&app, &staff, json!({ "zoneId": us, "name": "Dormant", "flatRate": "1", "active": false })).await;
    let ca_courier = method(&app, &staff, json!({ "zoneId": west, "name": "CA Courier", "flatRate": "7" })).await;
    let eu_post = method(&app, &staff, json!({ "zoneId": eu, "name": "EU Post", "flatRate": "4" })).await;
    World {
        acme: ids::decode(&acme).unwrap(),
        other: ids::decode(&other).unwrap(),
        app,
        standard,
        acme_express,
        ca_courier,
        eu_post,
        inactive,
    }
}

impl World {
    async fn names(&self, country: &str, region: Option<&str>, vendor: VendorId) -> Vec<String> {
        let rules = self.app.state.shipping.methods_for(&self.app.state.db, country, region, vendor).await.unwrap();
        rules.into_iter().map(|r| r.name).collect()
    }
}

#[tokio::test]
async fn methods_for_offers_active_methods_of_every_zone_covering_the_address_for_the_vendor() {
    let w = world().await;
    // a Californian address: both US zones; Acme also gets its own method; each method once
    assert_eq!(w.names("us", Some("ca"), w.acme).await, ["Acme Express", "CA Courier", "Standard"]);
    assert_eq!(w.names("US", Some("US-CA"), w.other).await, ["CA Courier", "Standard"]);
    // elsewhere in the US, or no region known: only the country-wide zone
    assert_eq!(w.names("US", Some("NY"), w.acme).await, ["Acme Express", "Standard"]);
    assert_eq!(w.names("US", None, w.other).await, ["Standard"]);
    // a region that is not a subdivision code counts as unknown
    assert_eq!(w.names("US", Some("California"), w.other).await, ["Standard"]);
    assert_eq!(w.names("fr", Some("75"), w.other).await, ["EU Post"]);
    // nowhere: no zone, or not a country code
    assert!(w.names("JP", None, w.acme).await.is_empty());
    assert!(w.names("USA", None, w.acme).await.is_empty());
}

#[tokio::test]
async fn methods_for_returns_the_rules_pricing_needs() {
    let w = world().await;
    let rules = w.app.state.shipping.methods_for(&w.app.state.db, "US", None, w.acme).await.unwrap();
    let express = &rules[0];
    assert_eq!(express.id, method_id(&w.acme_express));
    assert_eq!(
        express.rate,
        ShippingRate::WeightTiers(vec![
            WeightTier { up_to_grams: Some(1000), price: usd(900) },
            WeightTier { up_to_grams: None, price: usd(1500) },
        ])
    );
    assert_eq!(express.free_over, None);
    assert_eq!(express.tax_class, "reduced");
    let standard = &rules[1];
    assert_eq!(standard.id, method_id(&w.standard));
    assert_eq!(standard.rate, ShippingRate::Flat(usd(500)));
    assert_eq!(standard.free_over, Some(usd(5000)));
    assert_eq!(standard.tax_class, "standard");
}

#[tokio::test]
async fn method_for_confirms_a_method_only_where_and_for_whom_it_is_offered() {
    let w = world().await;
    let (shipping, db) = (&w.app.state.shipping, &w.app.state.db);
    let found = shipping.method_for(db, method_id(&w.ca_courier), "US", Some("CA"), w.other).await.unwrap();
    assert_eq!(found.map(|r| r.name), Some("CA Courier".to_owned()));
    let express = shipping.method_for(db, method_id(&w.acme_express), "US", None, w.acme).await.unwrap();
    assert_eq!(express.map(|r| r.name), Some("Acme Express".to_owned()));

    let refused = [
        (method_id(&w.ca_courier), "US", Some("NY"), w.other), // outside its zone
        (method_id(&w.eu_post), "US", None, w.other),          // another zone's method
        (method_id(&w.acme_express), "US", None, w.other),     // another vendor's method
        (method_id(&w.inactive), "US", None, w.other),         // inactive
        (ShippingMethodId::new(), "US", None, w.other),        // no such method
    ];
    for (id, country, region, vendor) in refused {
        assert_eq!(shipping.method_for(db, id, country, region, vendor).await.unwrap(), None, "{id} {region:?}");
    }
}
