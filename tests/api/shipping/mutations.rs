//! Staff shipping mutations and the `shippingZones` query: success, refused input, guards.

use agora::shared::role::Role;
use serde_json::{Value, json};

use super::zones;
use crate::{
    helpers::{
        TestApp, field,
        fixtures::{method, unknown_id, vendor, zone},
        user_errors,
    },
    ops,
};

#[tokio::test]
async fn shipping_zone_create_normalises_countries_and_regions() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let areas =
        json!([{ "country": " us " }, { "country": "ca", "region": "on" }, { "country": "US", "region": "us-ak" }]);

    // when
    let r = app
        .gql_as(
            Some(&staff),
            ops::SHIPPING_ZONE_CREATE,
            json!({ "input": { "name": " North America ", "areas": areas } }),
        )
        .await;

    // then
    r.assert_no_errors();
    let z = r.get("shippingZoneCreate.shippingZone").clone();
    assert_eq!(z["name"], "North America");
    assert_eq!(
        z["areas"],
        json!([
            { "country": "US", "region": null },
            { "country": "CA", "region": "ON" },
            { "country": "US", "region": "AK" },
        ])
    );
    assert_eq!(z["methods"], json!([]));
    assert_eq!(zones(&app, &staff).await, [z]);
}

#[tokio::test]
async fn shipping_zone_create_with_bad_input_returns_user_errors_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let cases: Vec<(Value, &str, Vec<&str>)> = vec![
        (json!({ "name": " ", "areas": [] }), "REQUIRED", vec!["name"]),
        (json!({ "name": "x".repeat(201), "areas": [] }), "REQUIRED", vec!["name"]),
        (json!({ "name": "Z", "areas": [{ "country": "USA" }] }), "INVALID", vec!["areas", "0", "country"]),
        (
            json!({ "name": "Z", "areas": [{ "country": "DE" }, { "country": "1A" }] }),
            "INVALID",
            vec!["areas", "1", "country"],
        ),
        (
            json!({ "name": "Z", "areas": [{ "country": "US", "region": "California" }] }),
            "INVALID",
            vec!["areas", "0", "region"],
        ),
        (
            json!({ "name": "Z", "areas": [{ "country": "US", "region": "DE-BY" }] }),
            "INVALID",
            vec!["areas", "0", "region"],
        ),
        (json!({ "name": "Z", "areas": [{ "country": "US" }, { "country": "us" }] }), "INVALID", vec!["areas", "1"]),
        (
            json!({ "name": "Z", "areas": [{ "country": "US", "region": "CA" }, { "country": "US", "region": "US-CA" }] }),
            "INVALID",
            vec!["areas", "1"],
        ),
    ];
    for (input, code, path) in cases {
        let r = app.gql_as(Some(&staff), ops::SHIPPING_ZONE_CREATE, json!({ "input": input })).await;
        assert_eq!(user_errors(&r, "shippingZoneCreate"), [(field(&path), code.to_owned())], "{input}");
        assert!(r.get("shippingZoneCreate.shippingZone").is_null());
    }
    assert!(zones(&app, &staff).await.is_empty(), "nothing was written");
}

#[tokio::test]
async fn shipping_zone_update_renames_and_replaces_areas() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let id = zone(&app, &staff, "EU", &[("DE", None), ("FR", None)]).await;

    // when: rename only, then areas only
    let r =
        app.gql_as(Some(&staff), ops::SHIPPING_ZONE_UPDATE, json!({ "id": id, "input": { "name": "Europe" } })).await;
    r.assert_no_errors();
    assert_eq!(r.get("shippingZoneUpdate.shippingZone.areas").as_array().unwrap().len(), 2, "areas stay");
    let r = app
        .gql_as(
            Some(&staff),
            ops::SHIPPING_ZONE_UPDATE,
            json!({ "id": id, "input": { "areas": [{ "country": "at" }, { "country": "DE", "region": "BY" }] } }),
        )
        .await;

    // then
    r.assert_no_errors();
    let z = r.get("shippingZoneUpdate.shippingZone").clone();
    assert_eq!(z["name"], "Europe");
    assert_eq!(z["areas"], json!([{ "country": "AT", "region": null }, { "country": "DE", "region": "BY" }]));
    assert_eq!(zones(&app, &staff).await, [z]);
}

#[tokio::test]
async fn shipping_zone_update_with_bad_input_returns_user_errors_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let id = zone(&app, &staff, "EU", &[("DE", None)]).await;
    let before = zones(&app, &staff).await;
    let unknown = unknown_id("ShippingZone");
    let cases: Vec<(&str, Value, &str, Vec<&str>)> = vec![
        (&id, json!({ "name": "" }), "REQUIRED", vec!["name"]),
        (&id, json!({ "areas": [{ "country": "Germany" }] }), "INVALID", vec!["areas", "0", "country"]),
        (&unknown, json!({ "name": "Elsewhere" }), "NOT_FOUND", vec!["id"]),
    ];
    for (id, input, code, path) in cases {
        let r = app.gql_as(Some(&staff), ops::SHIPPING_ZONE_UPDATE, json!({ "id": id, "input": input })).await;
        assert_eq!(user_errors(&r, "shippingZoneUpdate"), [(field(&path), code.to_owned())], "{input}");
    }
    assert_eq!(zones(&app, &staff).await, before, "nothing changed");
    let r = app.gql_as(Some(&staff), ops::SHIPPING_ZONE_UPDATE, json!({ "id": "garbage", "input": {} })).await;
    assert_eq!(r.error_codes(), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn shipping_zone_delete_removes_the_zone_and_its_methods() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let eu = zone(&app, &staff, "EU", &[("DE", None)]).await;
    let us = zone(&app, &staff, "US", &[("US", None)]).await;
    method(&app, &staff, json!({ "zoneId": eu, "name": "EU Post", "flatRate": "4" })).await;
    method(&app, &staff, json!({ "zoneId": us, "name": "USPS", "flatRate": "5" })).await;

    // when
    let r = app.gql_as(Some(&staff), ops::SHIPPING_ZONE_DELETE, json!({ "id": eu })).await;

    // then
    r.assert_no_errors();
    assert_eq!(r.str("shippingZoneDelete.deletedId"), eu);
    let left = zones(&app, &staff).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["methods"][0]["name"], "USPS");
    let any_vendor = agora::shared::ids::VendorId::new();
    assert!(app.state.shipping.methods_for(&app.state.db, "DE", None, any_vendor).await.unwrap().is_empty());

    // and again: it is gone
    let r = app.gql_as(Some(&staff), ops::SHIPPING_ZONE_DELETE, json!({ "id": eu })).await;
    assert_eq!(user_errors(&r, "shippingZoneDelete"), [(field(&["id"]), "NOT_FOUND".to_owned())]);
    assert!(r.get("shippingZoneDelete.deletedId").is_null());
}

#[tokio::test]
async fn shipping_method_create_with_a_flat_rate_or_weight_tiers_keeps_every_field() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let us = zone(&app, &staff, "US", &[("US", None)]).await;

    // when
    let flat = method(
        &app,
        &staff,
        json!({ "zoneId": us, "vendorId": acme, "name": " Acme Express ", "flatRate": "12.5",
                "freeOver": "100", "taxClass": " Reduced ", "active": false }),
    )
    .await;
    let tiered = method(
        &app,
        &staff,
        json!({ "zoneId": us, "name": "By weight", "weightTiers": [
            { "upToGrams": 500, "price": "4.99" }, { "upToGrams": 2000, "price": "7" }, { "price": "0" } ] }),
    )
    .await;

    // then
    assert_eq!(flat["zoneId"], us.as_str());
    assert_eq!(flat["vendor"]["id"], acme.as_str());
    assert_eq!(flat["name"], "Acme Express");
    assert_eq!(flat["rateKind"], "FLAT");
    assert_eq!(flat["flatRate"], json!({ "amount": "12.50", "currencyCode": "USD" }));
    assert_eq!(flat["weightTiers"], Value::Null);
    assert_eq!(flat["freeOver"]["amount"], "100.00");
    assert_eq!(flat["taxClass"], "reduced");
    assert_eq!(flat["active"], false);
    assert_eq!(tiered["vendor"], Value::Null);
    assert_eq!(tiered["rateKind"], "WEIGHT_TIERS");
    assert_eq!(tiered["flatRate"], Value::Null);
    assert_eq!(
        tiered["weightTiers"],
        json!([
            { "upToGrams": 500, "price": { "amount": "4.99", "currencyCode": "USD" } },
            { "upToGrams": 2000, "price": { "amount": "7.00", "currencyCode": "USD" } },
            { "upToGrams": null, "price": { "amount": "0.00", "currencyCode": "USD" } },
        ])
    );
    assert_eq!(tiered["taxClass"], "standard");
    assert_eq!(tiered["active"], true);
    assert_eq!(zones(&app, &staff).await[0]["methods"], json!([flat, tiered]), "by name");
}

#[tokio::test]
async fn shipping_method_create_with_bad_input_returns_user_errors_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let us = zone(&app, &staff, "US", &[("US", None)]).await;
    let base = |extra: Value| {
        let mut input = json!({ "zoneId": us, "name": "Standard", "flatRate": "5" });
        for (k, v) in extra.as_object().unwrap() {
            if v.is_null() {
                input.as_object_mut().unwrap().remove(k);
            } else {
                input[k] = v.clone();
            }
        }
        input
    };
    let tiers = |t: Value| json!({ "flatRate": null, "weightTiers": t });
    let cases: Vec<(Value, &str, Vec<&str>)> = vec![
        (base(json!({ "zoneId": "garbage" })), "INVALID_ID", vec!["zoneId"]),
        (base(json!({ "zoneId": unknown_id("ShippingZone") })), "NOT_FOUND", vec!["zoneId"]),
        (base(json!({ "vendorId": us })), "INVALID_ID", vec!["vendorId"]),
        (base(json!({ "vendorId": unknown_id("Vendor") })), "NOT_FOUND", vec!["vendorId"]),
        (base(json!({ "name": "  " })), "REQUIRED", vec!["name"]),
        (base(json!({ "flatRate": null })), "REQUIRED", vec!["flatRate"]),
        (base(json!({ "weightTiers": [{ "price": "1" }] })), "INVALID", vec!["weightTiers"]),
        (base(json!({ "flatRate": "-1" })), "INVALID", vec!["flatRate"]),
        (base(json!({ "flatRate": "1000000000.01" })), "INVALID", vec!["flatRate"]),
        (base(json!({ "flatRate": "1.001" })), "INVALID", vec!["flatRate"]),
        (base(json!({ "freeOver": "-5" })), "INVALID", vec!["freeOver"]),
        (base(json!({ "taxClass": "not a class" })), "INVALID", vec!["taxClass"]),
        (base(tiers(json!([]))), "REQUIRED", vec!["weightTiers"]),
        (
            base(tiers(json!([{ "price": "1" }, { "upToGrams": 10, "price": "2" }]))),
            "INVALID",
            vec!["weightTiers", "0", "upToGrams"],
        ),
        (
            base(tiers(json!([{ "upToGrams": 100, "price": "1" }, { "upToGrams": 100, "price": "2" }]))),
            "INVALID",
            vec!["weightTiers", "1", "upToGrams"],
        ),
        (base(tiers(json!([{ "upToGrams": -5, "price": "1" }]))), "INVALID", vec!["weightTiers", "0", "upToGrams"]),
        (
            base(tiers(json!([{ "upToGrams": 100, "price": "1" }, { "price": "-2" }]))),
            "INVALID",
            vec!["weightTiers", "1", "price"],
        ),
        (base(tiers(json!([{ "price": "1.234" }]))), "INVALID", vec!["weightTiers", "0", "price"]),
    ];
    for (input, code, path) in cases {
        let r = app.gql_as(Some(&staff), ops::SHIPPING_METHOD_CREATE, json!({ "input": input })).await;
        assert_eq!(user_errors(&r, "shippingMethodCreate"), [(field(&path), code.to_owned())], "{input}");
        assert!(r.get("shippingMethodCreate.shippingMethod").is_null());
    }
    assert_eq!(zones(&app, &staff).await[0]["methods"], json!([]), "nothing was written");
}

#[tokio::test]
async fn shipping_method_update_replaces_the_rate_and_null_clears() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let us = zone(&app, &staff, "US", &[("US", None)]).await;
    let m = method(
        &app,
        &staff,
        json!({ "zoneId": us, "vendorId": acme, "name": "Std", "flatRate": "5", "freeOver": "50" }),
    )
    .await;

    // when
    let r = app
        .gql_as(
            Some(&staff),
            ops::SHIPPING_METHOD_UPDATE,
            json!({ "id": m["id"], "input": { "vendorId": null, "freeOver": null, "active": false, "taxClass": "zero",
                    "weightTiers": [{ "upToGrams": 1000, "price": "3" }] } }),
        )
        .await;

    // then
    r.assert_no_errors();
    let u = r.get("shippingMethodUpdate.shippingMethod").clone();
    assert_eq!(u["id"], m["id"]);
    assert_eq!(u["name"], "Std", "omitted fields stay");
    assert_eq!(u["vendor"], Value::Null);
    assert_eq!(u["freeOver"], Value::Null);
    assert_eq!(u["rateKind"], "WEIGHT_TIERS");
    assert_eq!(u["flatRate"], Value::Null);
    assert_eq!(u["weightTiers"][0]["upToGrams"], 1000);
    assert_eq!((u["active"].clone(), u["taxClass"].clone()), (json!(false), json!("zero")));
    assert_eq!(zones(&app, &staff).await[0]["methods"], json!([u]));
}

#[tokio::test]
async fn shipping_method_update_with_bad_input_returns_user_errors_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let us = zone(&app, &staff, "US", &[("US", None)]).await;
    let m = method(&app, &staff, json!({ "zoneId": us, "name": "Std", "flatRate": "5" })).await;
    let id = m["id"].as_str().unwrap();
    let unknown = unknown_id("ShippingMethod");
    let cases: Vec<(&str, Value, &str, Vec<&str>)> = vec![
        (id, json!({ "name": "" }), "REQUIRED", vec!["name"]),
        (id, json!({ "flatRate": "-5" }), "INVALID", vec!["flatRate"]),
        (id, json!({ "flatRate": "5", "weightTiers": [{ "price": "1" }] }), "INVALID", vec!["weightTiers"]),
        (id, json!({ "vendorId": "garbage" }), "INVALID_ID", vec!["vendorId"]),
        (id, json!({ "taxClass": "" }), "INVALID", vec!["taxClass"]),
        (&unknown, json!({ "name": "Other" }), "NOT_FOUND", vec!["id"]),
    ];
    for (id, input, code, path) in cases {
        let r = app.gql_as(Some(&staff), ops::SHIPPING_METHOD_UPDATE, json!({ "id": id, "input": input })).await;
        assert_eq!(user_errors(&r, "shippingMethodUpdate"), [(field(&path), code.to_owned())], "{input}");
    }
    assert_eq!(zones(&app, &staff).await[0]["methods"], json!([m]), "nothing changed");
}

#[tokio::test]
async fn shipping_method_delete_removes_only_that_method() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let us = zone(&app, &staff, "US", &[("US", None)]).await;
    let a = method(&app, &staff, json!({ "zoneId": us, "name": "A", "flatRate": "5" })).await;
    let b = method(&app, &staff, json!({ "zoneId": us, "name": "B", "flatRate": "6" })).await;

    let r = app.gql_as(Some(&staff), ops::SHIPPING_METHOD_DELETE, json!({ "id": a["id"] })).await;
    r.assert_no_errors();
    assert_eq!(r.get("shippingMethodDelete.deletedId"), &a["id"]);
    assert_eq!(zones(&app, &staff).await[0]["methods"], json!([b]));

    let r = app.gql_as(Some(&staff), ops::SHIPPING_METHOD_DELETE, json!({ "id": a["id"] })).await;
    assert_eq!(user_errors(&r, "shippingMethodDelete"), [(field(&["id"]), "NOT_FOUND".to_owned())]);
}

#[tokio::test]
async fn shipping_operations_are_staff_only() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let customer = app.user("ann@example.com", Role::Customer).await;
    let us = zone(&app, &staff, "US", &[("US", None)]).await;
    let m = method(&app, &staff, json!({ "zoneId": us, "name": "Std", "flatRate": "5" })).await;
    let before = zones(&app, &staff).await;
    let operations = [
        (ops::SHIPPING_ZONE_CREATE, json!({ "input": { "name": "EU", "areas": [{ "country": "DE" }] } })),
        (ops::SHIPPING_ZONE_UPDATE, json!({ "id": us, "input": { "name": "USA" } })),
        (ops::SHIPPING_ZONE_DELETE, json!({ "id": us })),
        (ops::SHIPPING_METHOD_CREATE, json!({ "input": { "zoneId": us, "name": "X", "flatRate": "1" } })),
        (ops::SHIPPING_METHOD_UPDATE, json!({ "id": m["id"], "input": { "name": "Y" } })),
        (ops::SHIPPING_METHOD_DELETE, json!({ "id": m["id"] })),
        (ops::SHIPPING_ZONES, json!({})),
    ];

    for (op, vars) in operations {
        // when / then
        assert_eq!(app.gql_as(Some(&customer), op, vars.clone()).await.error_codes(), ["FORBIDDEN"], "{op}");
        assert_eq!(app.gql(op, vars).await.error_codes(), ["UNAUTHENTICATED"], "{op}");
    }
    assert_eq!(zones(&app, &staff).await, before, "nothing changed");
}
