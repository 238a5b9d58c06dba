//! The calls checkout makes, through `app.state`: `candidates`, `redeem_in` and `release_in`,
//! each on a connection or inside a transaction the test opens, as checkout would.

use std::sync::Arc;

use agora::shared::ids::{DiscountId, OrderId};
use agora::{
    pricing::{DiscountTarget, DiscountValue},
    promotions::{CodeProblem, PromotionError},
    shared::{
        ids::{ProductId, VendorId},
        money::{Currency, Money},
    },
};
use chrono::{Duration, Utc};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;

use super::{create, discount, discount_id, product, ten_percent};
use crate::{
    helpers::{TestApp, fixtures::vendor},
    ops,
};

fn codes(list: &[&str]) -> Vec<String> {
    list.iter().map(|c| (*c).to_owned()).collect()
}

/// `usedCount` of a discount, as staff see it.
async fn used_count(app: &TestApp, staff: &str, id: &serde_json::Value) -> i64 {
    discount(app, staff, id.as_str().unwrap()).await["usedCount"].as_i64().unwrap()
}

#[tokio::test]
async fn candidates_returns_usable_codes_and_automatic_promotions_and_says_why_others_are_not() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let mug = product(&app, &staff, &acme, "Mug", "MUG-1").await;
    let now = Utc::now();
    let past = |days: i64| (now - Duration::days(days)).to_rfc3339();
    let future = |days: i64| (now + Duration::days(days)).to_rfc3339();
    let mugs5 = create(
        &app,
        &staff,
        json!({ "code": "MUGS5", "amount": "5", "target": "PRODUCTS", "targetIds": [mug], "vendorId": acme,
                "minSubtotal": "20", "combinesWithOthers": true, "startsAt": past(1), "endsAt": future(1) }),
    )
    .await;
    create(&app, &staff, ten_percent("OLD10", json!({ "startsAt": past(10), "endsAt": past(1) }))).await;
    create(&app, &staff, ten_percent("SOON10", json!({ "startsAt": future(1) }))).await;
    let off = create(&app, &staff, ten_percent("OFF10", json!({}))).await;
    app.gql_as(Some(&staff), ops::DISCOUNT_DEACTIVATE, json!({ "id": off["id"] })).await.assert_no_errors();
    let used = create(&app, &staff, ten_percent("ONCE10", json!({ "usageLimit": 1 }))).await;
    app.state.promotions.redeem_in(&app.state.db, discount_id(&used["id"]), OrderId::new(), None, now).await.unwrap();
    let auto = create(&app, &staff, json!({ "automatic": true, "percentage": "2.5" })).await;
    create(&app, &staff, json!({ "automatic": true, "percentage": "50", "endsAt": past(1), "startsAt": past(2) }))
        .await;

    // when
    let entered = codes(&["mugs5", "old10", "Soon10", "OFF10", "once10", "nope", "bad code", "MUGS5"]);
    let c = app.state.promotions.candidates(&app.state.db, &entered, Some("ann@example.com"), now).await.unwrap();

    // then: the code (once, though entered twice), then the live automatic promotion
    let ids: Vec<DiscountId> = c.rules.iter().map(|r| r.id).collect();
    assert_eq!(ids, [discount_id(&mugs5["id"]), discount_id(&auto["id"])]);
    let rule = &c.rules[0];
    assert_eq!(rule.code.as_deref(), Some("MUGS5"));
    assert_eq!(rule.value, DiscountValue::Fixed(Money::from_minor(500, Currency::USD)));
    let mug_id = agora::graphql::ids::decode::<ProductId>(&mug).unwrap();
    assert_eq!(rule.target, DiscountTarget::Products(vec![mug_id]));
    assert_eq!(rule.vendor_id, agora::graphql::ids::decode::<VendorId>(&acme));
    assert_eq!(rule.min_subtotal, Some(Money::from_minor(2000, Currency::USD)));
    assert!(rule.combines_with_others);
    assert_eq!(c.rules[1].code, None);
    assert_eq!(c.rules[1].value, DiscountValue::Percentage(Decimal::new(25, 1)));
    assert_eq!(
        c.problems,
        [
            ("old10".to_owned(), CodeProblem::Expired),
            ("Soon10".to_owned(), CodeProblem::NotStarted),
            ("OFF10".to_owned(), CodeProblem::Inactive),
            ("once10".to_owned(), CodeProblem::UsageLimitReached),
            ("nope".to_owned(), CodeProblem::Unknown),
            ("bad code".to_owned(), CodeProblem::Unknown),
        ]
    );
}

#[tokio::test]
async fn redeem_in_counts_uses_up_to_the_limit_and_release_in_gives_them_back_once() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let d = create(&app, &staff, ten_percent("TWICE", json!({ "usageLimit": 2 }))).await;
    let (promotions, db, now) = (&app.state.promotions, &app.state.db, Utc::now());
    let (first, second, third) = (OrderId::new(), OrderId::new(), OrderId::new());

    // when: three orders redeem it
    promotions.redeem_in(db, discount_id(&d["id"]), first, None, now).await.unwrap();
    promotions.redeem_in(db, discount_id(&d["id"]), second, None, now).await.unwrap();
    let refused = promotions.redeem_in(db, discount_id(&d["id"]), third, None, now).await;

    // then
    assert!(
        matches!(&refused, Err(PromotionError::UsageLimitReached { code: Some(c) }) if c == "TWICE"),
        "{refused:?}"
    );
    assert_eq!(used_count(&app, &staff, &d["id"]).await, 2);
    let c = promotions.candidates(db, &codes(&["twice"]), None, now).await.unwrap();
    assert_eq!(c.problems, [("twice".to_owned(), CodeProblem::UsageLimitReached)]);

    // when: the first order is cancelled, twice
    promotions.release_in(db, first, now).await.unwrap();
    promotions.release_in(db, first, now).await.unwrap();

    // then: one use is back, and the third order can have it
    assert_eq!(used_count(&app, &staff, &d["id"]).await, 1);
    promotions.redeem_in(db, discount_id(&d["id"]), third, None, now).await.unwrap();
    assert_eq!(used_count(&app, &staff, &d["id"]).await, 2);
}

#[tokio::test]
async fn redeem_in_enforces_the_per_customer_limit_case_insensitively() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let d = create(&app, &staff, ten_percent("ONEEACH", json!({ "perCustomerLimit": 1 }))).await;
    let (promotions, db, now) = (&app.state.promotions, &app.state.db, Utc::now());
    let ann_order = OrderId::new();

    // when
    promotions.redeem_in(db, discount_id(&d["id"]), ann_order, Some("Ann@Example.com"), now).await.unwrap();
    let again = promotions.redeem_in(db, discount_id(&d["id"]), OrderId::new(), Some("ann@example.com "), now).await;

    // then: refused, and the use taken by the refused call was given back
    assert!(matches!(&again, Err(PromotionError::CustomerLimitReached { code: Some(c) }) if c == "ONEEACH"));
    assert_eq!(used_count(&app, &staff, &d["id"]).await, 1);
    let c = promotions.candidates(db, &codes(&["oneeach"]), Some("ANN@example.com"), now).await.unwrap();
    assert_eq!(c.problems, [("oneeach".to_owned(), CodeProblem::CustomerLimitReached)]);
    // another customer, or an unknown one, still can
    promotions.redeem_in(db, discount_id(&d["id"]), OrderId::new(), Some("bob@example.com"), now).await.unwrap();
    assert_eq!(promotions.candidates(db, &codes(&["oneeach"]), None, now).await.unwrap().rules.len(), 1);

    // when: Ann's order is cancelled, she may use it again
    promotions.release_in(db, ann_order, now).await.unwrap();
    let c = promotions.candidates(db, &codes(&["oneeach"]), Some("ann@example.com"), now).await.unwrap();
    assert!(c.problems.is_empty());
    assert_eq!(c.rules.len(), 1);
}

#[tokio::test]
async fn redeem_in_refuses_an_inactive_or_unknown_discount() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let d = create(&app, &staff, ten_percent("GONE10", json!({}))).await;
    app.gql_as(Some(&staff), ops::DISCOUNT_DEACTIVATE, json!({ "id": d["id"] })).await.assert_no_errors();
    let (promotions, db, now) = (&app.state.promotions, &app.state.db, Utc::now());

    let r = promotions.redeem_in(db, discount_id(&d["id"]), OrderId::new(), None, now).await;
    assert!(matches!(&r, Err(PromotionError::UsageLimitReached { code: Some(c) }) if c == "GONE10"), "{r:?}");
    let r = promotions.redeem_in(db, DiscountId::new(), OrderId::new(), None, now).await;
    assert!(matches!(r, Err(PromotionError::UsageLimitReached { code: None })), "{r:?}");
    assert_eq!(used_count(&app, &staff, &d["id"]).await, 0);
}

#[tokio::test]
async fn redeem_in_a_rolled_back_transaction_leaves_no_trace() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let d = create(&app, &staff, ten_percent("UNDO10", json!({ "usageLimit": 1 }))).await;
    let order = OrderId::new();

    let txn = app.state.db.begin().await.unwrap();
    app.state
        .promotions
        .redeem_in(&txn, discount_id(&d["id"]), order, Some("ann@example.com"), Utc::now())
        .await
        .unwrap();
    txn.rollback().await.unwrap();

    assert_eq!(used_count(&app, &staff, &d["id"]).await, 0);
    // nothing to release either
    app.state.promotions.release_in(&app.state.db, order, Utc::now()).await.unwrap();
    assert_eq!(used_count(&app, &staff, &d["id"]).await, 0);
}

#[tokio::test]
async fn release_in_never_takes_the_usage_count_below_zero() {
    // given: a redemption whose use was already taken back behind the service's back
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let d = create(&app, &staff, ten_percent("FLOOR10", json!({}))).await;
    let order = OrderId::new();
    app.state.promotions.redeem_in(&app.state.db, discount_id(&d["id"]), order, None, Utc::now()).await.unwrap();
    app.state.db.execute_unprepared("UPDATE discounts SET used_count = 0").await.unwrap();

    // when
    app.state.promotions.release_in(&app.state.db, order, Utc::now()).await.unwrap();

    // then
    assert_eq!(used_count(&app, &staff, &d["id"]).await, 0);
}

#[tokio::test]
async fn redeem_in_under_concurrency_never_exceeds_the_usage_limit() {
    // given: a code that may be used once
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let d = create(&app, &staff, ten_percent("ONLYONE", json!({ "usageLimit": 1 }))).await;
    let id = discount_id(&d["id"]);
    let state = Arc::new(app.state.clone());

    // when: 50 checkouts redeem it at once, each in its own transaction
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let state = state.clone();
            tokio::spawn(async move {
                let txn = state.db.begin().await.expect("begin");
                let key = format!("customer{i}@example.com");
                match state.promotions.redeem_in(&txn, id, OrderId::new(), Some(&key), Utc::now()).await {
                    Ok(()) => {
                        txn.commit().await.expect("commit");
                        true
                    }
                    Err(PromotionError::UsageLimitReached { .. }) => false,
                    Err(e) => panic!("unexpected error: {e:?}"),
                }
            })
        })
        .collect();
    let mut successes = 0;
    for t in tasks {
        successes += usize::from(t.await.expect("task"));
    }

    // then
    assert_eq!(successes, 1);
    assert_eq!(used_count(&app, &staff, &d["id"]).await, 1);
    let redemptions: Option<i64> = app
        .state
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.state.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM discount_redemptions",
        ))
        .await
        .unwrap()
        .map(|row| row.try_get("", "n").unwrap());
    assert_eq!(redemptions, Some(1));
}
