//! Vendor owners manage their own vendor's shipping methods, and nothing else.

use serde_json::json;

use super::active_vendor;
use crate::{
    helpers::{TestApp, field, fixtures, user_errors},
    ops,
};

#[tokio::test]
async fn an_owner_creates_updates_and_deletes_their_vendors_methods_only() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (ann, a) = active_vendor(&app, &staff, "ann@example.com", "Ann").await;
    let (_, b) = active_vendor(&app, &staff, "bob@example.com", "Bob").await;
    let zone = fixtures::zone(&app, &staff, "EU", &[("DE", None)]).await;
    let platform = fixtures::method(&app, &staff, json!({ "zoneId": zone, "name": "Platform", "flatRate": "5" })).await;
    let bobs = fixtures::method(
        &app,
        &staff,
        json!({ "zoneId": zone, "vendorId": b["id"], "name": "Bob's", "flatRate": "4" }),
    )
    .await;
    let editor = fixtures::vendor_member(
        &app,
        a["id"].as_str().unwrap(),
        "ed@example.com",
        agora::vendors::model::MemberRole::Editor,
    )
    .await;

    // when: ann's own method
    let created = app
        .gql_as(
            Some(&ann),
            ops::SHIPPING_METHOD_CREATE,
            json!({ "input": { "zoneId": zone, "vendorId": a["id"], "name": "Ann Express", "flatRate": "9.5" } }),
        )
        .await;
    created.assert_no_errors();
    let mine = created.get("shippingMethodCreate.shippingMethod").clone();
    let updated = app
        .gql_as(Some(&ann), ops::SHIPPING_METHOD_UPDATE, json!({ "id": mine["id"], "input": { "name": "Ann Fast" } }))
        .await;
    let bad = app
        .gql_as(Some(&ann), ops::SHIPPING_METHOD_UPDATE, json!({ "id": mine["id"], "input": { "flatRate": "-1" } }))
        .await;

    // then
    assert_eq!(mine["vendor"]["id"], a["id"]);
    updated.assert_no_errors();
    assert_eq!(updated.get("shippingMethodUpdate.shippingMethod.name"), "Ann Fast");
    assert_eq!(bad.user_error_codes("shippingMethodUpdate"), ["INVALID"]);
    let listed = app.gql_as(Some(&ann), ops::VENDOR_SHIPPING_METHODS, json!({ "vendorId": a["id"] })).await;
    listed.assert_no_errors();
    let names: Vec<&str> =
        listed.get("vendorShippingMethods").as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Ann Fast"], "only the vendor's own methods");
    let by_other = app.gql_as(Some(&ann), ops::VENDOR_SHIPPING_METHODS, json!({ "vendorId": b["id"] })).await;
    assert_eq!(by_other.error_codes(), ["FORBIDDEN"]);
    let by_shopper = app.gql(ops::VENDOR_SHIPPING_METHODS, json!({ "vendorId": b["id"] })).await;
    assert_eq!(by_shopper.error_codes(), ["UNAUTHENTICATED"]);
    let forbidden = [
        // platform-wide methods
        (ops::SHIPPING_METHOD_CREATE, json!({ "input": { "zoneId": zone, "name": "All", "flatRate": "1" } })),
        (ops::SHIPPING_METHOD_UPDATE, json!({ "id": platform["id"], "input": { "name": "Mine" } })),
        (ops::SHIPPING_METHOD_DELETE, json!({ "id": platform["id"] })),
        // another vendor's
        (
            ops::SHIPPING_METHOD_CREATE,
            json!({ "input": { "zoneId": zone, "vendorId": b["id"], "name": "X", "flatRate": "1" } }),
        ),
        (ops::SHIPPING_METHOD_UPDATE, json!({ "id": bobs["id"], "input": { "name": "Mine" } })),
        (ops::SHIPPING_METHOD_DELETE, json!({ "id": bobs["id"] })),
        // moving own method to another vendor or to every vendor
        (ops::SHIPPING_METHOD_UPDATE, json!({ "id": mine["id"], "input": { "vendorId": b["id"] } })),
        (ops::SHIPPING_METHOD_UPDATE, json!({ "id": mine["id"], "input": { "vendorId": null } })),
    ];
    for (op, vars) in &forbidden {
        assert_eq!(app.gql_as(Some(&ann), op, vars.clone()).await.error_codes(), ["FORBIDDEN"], "{vars}");
    }
    let by_editor = app.gql_as(Some(&editor), ops::SHIPPING_METHOD_DELETE, json!({ "id": mine["id"] })).await;
    assert_eq!(by_editor.error_codes(), ["FORBIDDEN"], "editors do not manage shipping");
    let anon = app.gql(ops::SHIPPING_METHOD_DELETE, json!({ "id": mine["id"] })).await;
    assert_eq!(anon.error_codes(), ["UNAUTHENTICATED"]);
    let deleted = app.gql_as(Some(&ann), ops::SHIPPING_METHOD_DELETE, json!({ "id": mine["id"] })).await;
    deleted.assert_no_errors();
    let unknown = json!({ "input": { "zoneId": zone, "vendorId": fixtures::unknown_id("Vendor"), "name": "X", "flatRate": "1" } });
    let r = app.gql_as(Some(&ann), ops::SHIPPING_METHOD_CREATE, unknown).await;
    assert_eq!(user_errors(&r, "shippingMethodCreate"), [(field(&["vendorId"]), "NOT_FOUND".to_owned())]);
    // staff behaviour is unchanged: platform and any vendor's methods
    let r = app.gql_as(Some(&staff), ops::SHIPPING_METHOD_DELETE, json!({ "id": bobs["id"] })).await;
    r.assert_no_errors();
}

#[tokio::test]
async fn an_owner_lists_the_zones_to_ship_to_with_the_platforms_methods_and_their_own() {
    // given: a zone with a platform method, one of ann's vendor and one of bob's
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (ann, a) = active_vendor(&app, &staff, "ann@example.com", "Ann").await;
    let (bob, b) = active_vendor(&app, &staff, "bob@example.com", "Bob").await;
    let zone = fixtures::zone(&app, &staff, "EU", &[("DE", None), ("FR", None)]).await;
    fixtures::method(&app, &staff, json!({ "zoneId": zone, "name": "Platform", "flatRate": "5" })).await;
    fixtures::method(&app, &staff, json!({ "zoneId": zone, "vendorId": a["id"], "name": "Ann's", "flatRate": "4" }))
        .await;
    fixtures::method(&app, &staff, json!({ "zoneId": zone, "vendorId": b["id"], "name": "Bob's", "flatRate": "3" }))
        .await;
    let editor = fixtures::vendor_member(
        &app,
        a["id"].as_str().unwrap(),
        "ed@example.com",
        agora::vendors::model::MemberRole::Editor,
    )
    .await;

    // when
    let mine = app.gql_as(Some(&ann), ops::VENDOR_SHIPPING_ZONES, json!({ "vendorId": a["id"] })).await;
    let staff_view = app.gql_as(Some(&staff), ops::VENDOR_SHIPPING_ZONES, json!({ "vendorId": a["id"] })).await;
    let others = app.gql_as(Some(&bob), ops::VENDOR_SHIPPING_ZONES, json!({ "vendorId": a["id"] })).await;
    let as_editor = app.gql_as(Some(&editor), ops::VENDOR_SHIPPING_ZONES, json!({ "vendorId": a["id"] })).await;
    let all_zones = app.gql_as(Some(&ann), ops::SHIPPING_ZONES, json!({})).await;

    // then: the zone and its areas, with the methods ann's goods can ship with
    mine.assert_no_errors();
    assert_eq!(mine.get("shippingZones.0.id"), zone.as_str());
    assert_eq!(mine.get("shippingZones.0.areas").as_array().unwrap().len(), 2);
    let names = |r: &crate::helpers::Gql| -> Vec<String> {
        r.get("shippingZones.0.methods")
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&mine), ["Ann's", "Platform"], "never another vendor's methods");
    assert_eq!(names(&staff_view), ["Ann's", "Platform"], "staff see what the vendor sees");
    for refused in [&others, &as_editor, &all_zones] {
        assert_eq!(refused.error_codes(), ["FORBIDDEN"], "{}", refused.body);
    }
}
