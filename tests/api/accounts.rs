use agora::shared::role::Role;
use serde_json::json;

use crate::{helpers::TestApp, ops};

const PASSWORD: &str = "a long and unusual passphrase";

async fn register(app: &TestApp, email: &str, password: &str) -> crate::helpers::Gql {
    app.gql(ops::ACCOUNT_REGISTER, json!({ "input": { "email": email, "password": password } })).await
}

async fn login(app: &TestApp, email: &str, password: &str) -> crate::helpers::Gql {
    app.gql(ops::TOKEN_CREATE, json!({ "input": { "email": email, "password": password } })).await
}

async fn refresh(app: &TestApp, token: &str) -> crate::helpers::Gql {
    app.gql(ops::TOKEN_REFRESH, json!({ "input": { "refreshToken": token } })).await
}

#[tokio::test]
async fn account_register_normalises_the_email_and_creates_a_customer() {
    let app = TestApp::spawn().await;
    let r = register(&app, "  Ann@Example.COM ", PASSWORD).await;
    r.assert_no_errors();
    assert_eq!(r.str("accountRegister.user.email"), "ann@example.com");
    assert_eq!(r.str("accountRegister.user.role"), "CUSTOMER");
}

#[tokio::test]
async fn account_register_with_bad_input_returns_user_errors_and_writes_nothing() {
    let app = TestApp::spawn().await;
    register(&app, "ann@example.com", PASSWORD).await.assert_no_errors();
    let cases = [
        ("not-an-email", PASSWORD, "INVALID_EMAIL", "email"),
        ("bob@example.com", "short", "PASSWORD_TOO_SHORT", "password"),
        ("bob@example.com", "password123", "PASSWORD_TOO_COMMON", "password"),
        ("bob@example.com", "1234567890", "PASSWORD_TOO_COMMON", "password"),
        ("ANN@example.com", PASSWORD, "EMAIL_TAKEN", "email"),
    ];
    for (email, password, code, field) in cases {
        let r = register(&app, email, password).await;
        assert_eq!(r.user_error_codes("accountRegister"), [code], "{email} / {password}");
        assert_eq!(r.user_error_field("accountRegister", 0), [field]);
        assert!(r.get("accountRegister.user").is_null());
    }
    // nothing was written for bob
    assert_eq!(login(&app, "bob@example.com", PASSWORD).await.user_error_codes("tokenCreate"), ["INVALID_CREDENTIALS"]);
}

#[tokio::test]
async fn token_create_returns_tokens_that_authenticate_me() {
    let app = TestApp::spawn().await;
    register(&app, "ann@example.com", PASSWORD).await.assert_no_errors();
    let r = login(&app, "ANN@example.com", PASSWORD).await;
    r.assert_no_errors();
    let access = r.str("tokenCreate.tokens.accessToken");
    let me = app.gql_as(Some(&access), ops::ME, json!({})).await;
    me.assert_no_errors();
    assert_eq!(me.str("me.email"), "ann@example.com");
    // anonymous `me` is null, not an error
    let anon = app.gql(ops::ME, json!({})).await;
    anon.assert_no_errors();
    assert!(anon.get("me").is_null());
}

#[tokio::test]
async fn token_create_with_unknown_email_or_wrong_password_gives_the_same_error() {
    let app = TestApp::spawn().await;
    register(&app, "ann@example.com", PASSWORD).await.assert_no_errors();
    let wrong = login(&app, "ann@example.com", "not the right passphrase").await;
    let unknown = login(&app, "nobody@example.com", PASSWORD).await;
    assert_eq!(wrong.body["data"]["tokenCreate"]["userErrors"], unknown.body["data"]["tokenCreate"]["userErrors"]);
    assert_eq!(wrong.user_error_codes("tokenCreate"), ["INVALID_CREDENTIALS"]);
}

#[tokio::test]
async fn token_create_is_throttled_per_account() {
    let app = TestApp::spawn_with(|s| s.auth.login_attempts_per_minute_per_account = 3).await;
    register(&app, "ann@example.com", PASSWORD).await.assert_no_errors();
    for _ in 0..3 {
        assert_eq!(
            login(&app, "ann@example.com", "wrong passphrase here").await.user_error_codes("tokenCreate"),
            ["INVALID_CREDENTIALS"]
        );
    }
    // even the right password is refused while throttled
    assert_eq!(login(&app, "ann@example.com", PASSWORD).await.user_error_codes("tokenCreate"), ["TOO_MANY_ATTEMPTS"]);
}

#[tokio::test]
async fn token_create_is_throttled_per_ip() {
    let app = TestApp::spawn_with(|s| s.auth.login_attempts_per_minute_per_ip = 2).await;
    assert_eq!(login(&app, "a@example.com", PASSWORD).await.user_error_codes("tokenCreate"), ["INVALID_CREDENTIALS"]);
    assert_eq!(login(&app, "b@example.com", PASSWORD).await.user_error_codes("tokenCreate"), ["INVALID_CREDENTIALS"]);
    assert_eq!(login(&app, "c@example.com", PASSWORD).await.user_error_codes("tokenCreate"), ["TOO_MANY_ATTEMPTS"]);
}

#[tokio::test]
async fn token_refresh_rotates_and_reuse_revokes_the_family() {
    let app = TestApp::spawn().await;
    register(&app, "ann@example.com", PASSWORD).await.assert_no_errors();
    let first = login(&app, "ann@example.com", PASSWORD).await.str("tokenCreate.tokens.refreshToken");

    let r = refresh(&app, &first).await;
    r.assert_no_errors();
    let second = r.str("tokenRefresh.tokens.refreshToken");
    assert_ne!(first, second);
    assert!(!r.str("tokenRefresh.tokens.accessToken").is_empty());

    // reusing the rotated token fails, and takes the whole family down with it
    assert_eq!(refresh(&app, &first).await.user_error_codes("tokenRefresh"), ["INVALID_REFRESH_TOKEN"]);
    assert_eq!(refresh(&app, &second).await.user_error_codes("tokenRefresh"), ["INVALID_REFRESH_TOKEN"]);
}

#[tokio::test]
async fn token_refresh_reuse_leaves_other_sessions_alone() {
    let app = TestApp::spawn().await;
    register(&app, "ann@example.com", PASSWORD).await.assert_no_errors();
    let phone = login(&app, "ann@example.com", PASSWORD).await.str("tokenCreate.tokens.refreshToken");
    let laptop = login(&app, "ann@example.com", PASSWORD).await.str("tokenCreate.tokens.refreshToken");
    refresh(&app, &phone).await.assert_no_errors();
    refresh(&app, &phone).await; // reuse: revokes the phone family only
    refresh(&app, &laptop).await.assert_no_errors();
}

#[tokio::test]
async fn token_refresh_with_garbage_returns_invalid_refresh_token() {
    let app = TestApp::spawn().await;
    let r = refresh(&app, "garbage").await;
    assert_eq!(r.user_error_codes("tokenRefresh"), ["INVALID_REFRESH_TOKEN"]);
    assert_eq!(r.user_error_field("tokenRefresh", 0), ["refreshToken"]);
}

#[tokio::test]
async fn token_revoke_signs_out_every_session() {
    let app = TestApp::spawn().await;
    register(&app, "ann@example.com", PASSWORD).await.assert_no_errors();
    let a = login(&app, "ann@example.com", PASSWORD).await.str("tokenCreate.tokens.refreshToken");
    let b = login(&app, "ann@example.com", PASSWORD).await.str("tokenCreate.tokens.refreshToken");
    let r = app.gql(ops::TOKEN_REVOKE, json!({ "input": { "refreshToken": a } })).await;
    r.assert_no_errors();
    assert_eq!(r.get("tokenRevoke.revoked"), &json!(true));
    assert_eq!(refresh(&app, &a).await.user_error_codes("tokenRefresh"), ["INVALID_REFRESH_TOKEN"]);
    assert_eq!(refresh(&app, &b).await.user_error_codes("tokenRefresh"), ["INVALID_REFRESH_TOKEN"]);
}

#[tokio::test]
async fn password_change_revokes_other_sessions_and_requires_the_current_password() {
    let app = TestApp::spawn().await;
    register(&app, "ann@example.com", PASSWORD).await.assert_no_errors();
    let s = login(&app, "ann@example.com", PASSWORD).await;
    let access = s.str("tokenCreate.tokens.accessToken");
    let old_refresh = s.str("tokenCreate.tokens.refreshToken");
    let new_password = "another rather long passphrase";

    let wrong = app
        .gql_as(
            Some(&access),
            ops::PASSWORD_CHANGE,
            json!({ "input": { "currentPassword": "nope nope nope", "newPassword": new_password } }),
        )
        .await;
    assert_eq!(wrong.user_error_codes("passwordChange"), ["INVALID_CREDENTIALS"]);
    let weak = app
        .gql_as(
            Some(&access),
            ops::PASSWORD_CHANGE,
            json!({ "input": { "currentPassword": PASSWORD, "newPassword": "password123" } }),
        )
        .await;
    assert_eq!(weak.user_error_codes("passwordChange"), ["PASSWORD_TOO_COMMON"]);
    assert_eq!(weak.user_error_field("passwordChange", 0), ["newPassword"]);

    let ok = app
        .gql_as(
            Some(&access),
            ops::PASSWORD_CHANGE,
            json!({ "input": { "currentPassword": PASSWORD, "newPassword": new_password } }),
        )
        .await;
    ok.assert_no_errors();
    assert_eq!(refresh(&app, &old_refresh).await.user_error_codes("tokenRefresh"), ["INVALID_REFRESH_TOKEN"]);
    refresh(&app, &ok.str("passwordChange.tokens.refreshToken")).await.assert_no_errors();
    assert_eq!(login(&app, "ann@example.com", PASSWORD).await.user_error_codes("tokenCreate"), ["INVALID_CREDENTIALS"]);
    login(&app, "ann@example.com", new_password).await.assert_no_errors();
}

#[tokio::test]
async fn password_change_without_a_token_is_unauthenticated() {
    let app = TestApp::spawn().await;
    let r = app
        .gql(ops::PASSWORD_CHANGE, json!({ "input": { "currentPassword": PASSWORD, "newPassword": PASSWORD } }))
        .await;
    assert_eq!(r.error_codes(), ["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn an_invalid_access_token_is_rejected_with_401() {
    let app = TestApp::spawn().await;
    let r = app.gql_as(Some("not.a.jwt"), ops::ME, json!({})).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.error_codes(), ["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn a_customer_cannot_call_staff_mutations() {
    let app = TestApp::spawn().await;
    let customer = app.user("ann@example.com", Role::Customer).await;
    let input = json!({ "input": { "name": "Acme" } });
    assert_eq!(app.gql_as(Some(&customer), ops::VENDOR_CREATE, input.clone()).await.error_codes(), ["FORBIDDEN"]);
    assert_eq!(app.gql(ops::VENDOR_CREATE, input.clone()).await.error_codes(), ["UNAUTHENTICATED"]);
    let staff = app.staff().await;
    let r = app.gql_as(Some(&staff), ops::VENDOR_CREATE, input).await;
    r.assert_no_errors();
    assert_eq!(r.str("vendorCreate.vendor.slug"), "acme");
}
