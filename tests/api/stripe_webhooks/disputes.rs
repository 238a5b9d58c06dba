//! Disputes: `charge.dispute.*` events flag the order for staff with the dispute's amount,
//! reason and outcome; a closed dispute is never reopened by a late update.

use serde_json::{Value, json};

use super::{Pending, deliver_signed, event, orders_paid_with, recorded_events};
use crate::{
    helpers::{TestApp, fixtures::shop},
    ops,
};

fn dispute(p: &Pending, id: &str, status: &str) -> Value {
    json!({
        "id": id, "object": "dispute", "amount": 1200, "currency": "usd", "reason": "fraudulent",
        "status": status, "payment_intent": p.reference, "charge": "ch_1", "is_charge_refundable": false,
        "metadata": {}, "livemode": false
    })
}

async fn staff_view(app: &TestApp, staff: &str, p: &Pending) -> Value {
    let r = app.gql_as(Some(staff), ops::ORDER_DISPUTES, json!({ "id": p.order })).await;
    r.assert_no_errors();
    r.get("order").clone()
}

#[tokio::test]
async fn stripe_dispute_opened_flags_the_order_until_it_is_closed_lost() {
    // given: a paid order
    let app = super::webhook_app().await;
    let s = shop(&app, "7.00", &[5]).await;
    let p = orders_paid_with(&app, &s, 1, "pm_card_visa").await.remove(0);
    assert_eq!(staff_view(&app, &s.staff, &p).await["disputed"], false);

    // when
    let created = event("evt_dp_created", "charge.dispute.created", dispute(&p, "dp_1", "needs_response"));
    assert_eq!(deliver_signed(&app, &created).await, "applied");

    // then
    let o = staff_view(&app, &s.staff, &p).await;
    assert_eq!(o["disputed"], true);
    let d = &o["disputes"][0];
    assert_eq!((d["amount"]["amount"].as_str(), d["amount"]["currencyCode"].as_str()), (Some("12.00"), Some("USD")));
    assert_eq!(
        (d["reason"].as_str(), d["status"].as_str(), d["open"].as_bool()),
        (Some("fraudulent"), Some("NEEDS_RESPONSE"), Some(true))
    );
    assert_eq!(d["providerReference"], "dp_1");

    // when: it is lost, and a late update arrives after the close
    let closed = event("evt_dp_closed", "charge.dispute.closed", dispute(&p, "dp_1", "lost"));
    assert_eq!(deliver_signed(&app, &closed).await, "applied");
    let late = event("evt_dp_updated", "charge.dispute.updated", dispute(&p, "dp_1", "under_review"));
    assert_eq!(deliver_signed(&app, &late).await, "applied");

    // then
    let o = staff_view(&app, &s.staff, &p).await;
    assert_eq!(o["disputed"], false);
    assert_eq!(o["disputes"].as_array().unwrap().len(), 1);
    assert_eq!((o["disputes"][0]["status"].as_str(), o["disputes"][0]["open"].as_bool()), (Some("LOST"), Some(false)));
    assert_eq!(o["status"], "PAID");
    // Staff read the story in the order's history: opened, then lost (the late update changed
    // nothing, so it adds nothing).
    let notes: Vec<&str> = o["history"].as_array().unwrap().iter().filter_map(|h| h["note"].as_str()).collect();
    let disputes: Vec<&&str> = notes.iter().filter(|n| n.starts_with("dispute dp_1")).collect();
    assert_eq!(
        disputes,
        [&"dispute dp_1 NEEDS_RESPONSE: 12.00 USD (fraudulent)", &"dispute dp_1 LOST: 12.00 USD (fraudulent)"]
    );
    assert_eq!(recorded_events(&app).await, 3);
}

#[tokio::test]
async fn stripe_dispute_closed_won_shows_the_outcome_and_replays_change_nothing() {
    let app = super::webhook_app().await;
    let s = shop(&app, "7.00", &[5]).await;
    let p = orders_paid_with(&app, &s, 1, "pm_card_visa").await.remove(0);
    let created = event("evt_w_created", "charge.dispute.created", dispute(&p, "dp_2", "needs_response"));
    deliver_signed(&app, &created).await;
    let won = event("evt_w_closed", "charge.dispute.closed", dispute(&p, "dp_2", "won"));
    assert_eq!(deliver_signed(&app, &won).await, "applied");
    assert_eq!(deliver_signed(&app, &created).await, "duplicate");
    let o = staff_view(&app, &s.staff, &p).await;
    assert_eq!((o["disputed"].as_bool(), o["disputes"][0]["status"].as_str()), (Some(false), Some("WON")));
}

#[tokio::test]
async fn stripe_dispute_on_a_payment_that_is_not_ours_writes_nothing() {
    let app = super::webhook_app().await;
    let foreign = json!({ "id": "dp_x", "amount": 100, "currency": "usd", "reason": "general", "status": "needs_response",
                          "payment_intent": "pi_elsewhere" });
    assert_eq!(deliver_signed(&app, &event("evt_dp_x", "charge.dispute.created", foreign)).await, "ignored");
    assert_eq!(recorded_events(&app).await, 0);
}
