//! The `agora` binary as a new user runs it.

use std::{
    process::{Command, Stdio},
    time::Duration,
};

use serde_json::{Value, json};

use crate::{helpers::TestApp, ops};

const BIN: &str = env!("CARGO_BIN_EXE_agora");

/// A command with none of the caller's Agora/database settings, in `dir`.
fn agora(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir).env_remove("DATABASE_URL").env_remove("TEST_DATABASE_URL").env("RUST_LOG", "warn");
    for (k, _) in std::env::vars() {
        if k.starts_with("AGORA_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

#[test]
fn print_schema_prints_the_committed_sdl() {
    let dir = tempfile::tempdir().unwrap();
    let out = agora(dir.path()).arg("print-schema").output().unwrap();
    assert!(out.status.success());
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).unwrap();
    assert!(String::from_utf8(out.stdout).unwrap() == committed, "`agora print-schema` differs from schema.graphql");
}

#[tokio::test]
async fn create_admin_creates_an_account_that_signs_in_as_admin() {
    // given: a running app, and the CLI pointed at its database
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let password = "an admin passphrase that is long";

    // when
    let status = agora(dir.path())
        .args(["create-admin", "--email", "Root@Example.com"])
        .env("DATABASE_URL", &app.database_url)
        .env("AGORA_SEED__DEMO_ON_FIRST_START", "false")
        .env("AGORA_ADMIN_PASSWORD", password)
        .status()
        .unwrap();

    // then
    assert!(status.success());
    let r = app.gql(ops::TOKEN_CREATE, json!({ "input": { "email": "root@example.com", "password": password } })).await;
    r.assert_no_errors();
    assert_eq!(r.str("tokenCreate.user.role"), "ADMIN");
}

#[tokio::test]
async fn create_admin_refuses_a_weak_password() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = agora(dir.path())
        .args(["create-admin", "--email", "root@example.com"])
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"password123\n").unwrap();
    assert!(!child.wait().unwrap().success());
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn serve_on_a_fresh_machine_starts_a_seeded_shop_and_stops_gracefully_on_sigterm() {
    // given: an empty working directory, no configuration at all
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = agora(dir.path())
        .env("AGORA_SERVER__PORT", port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");

    // when: it is ready
    let mut ready = false;
    for _ in 0..300 {
        if let Ok(r) = client.get(format!("{base}/health/ready")).send().await
            && r.status() == 200
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "the server did not become ready");

    // then: the first query returns the demo catalog, kept in ./data
    let body: Value = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": "{ products(first: 1) { totalCount } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["data"]["products"]["totalCount"], 60);
    assert!(dir.path().join("data/agora.sqlite").exists());
    assert!(dir.path().join("data/jwt-secret").exists());

    let kill = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let mut exited = None;
    for _ in 0..100 {
        if let Some(status) = child.try_wait().unwrap() {
            exited = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let status = exited.unwrap_or_else(|| {
        let _ = child.kill();
        panic!("the server did not stop on SIGTERM")
    });
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
}

#[tokio::test]
async fn search_reindex_rebuilds_the_index_under_the_data_directory() {
    // given: a database with the demo catalog, and a data directory without an index
    let app = TestApp::spawn().await;
    app.seed_demo().await;
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        agora(dir.path())
            .args(["search", "reindex"])
            .env("DATABASE_URL", &app.database_url)
            .env("AGORA_DATA_DIR", dir.path())
            .env("AGORA_SEED__DEMO_ON_FIRST_START", "false")
            .env_remove("MEILISEARCH_URL")
            .output()
            .unwrap()
    };
    // when
    let out = run();
    // then
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().last(), Some("search index rebuilt on embedded: 60 products"), "{stdout}");
    // and again (a new generation is swapped in; the old one is removed)
    assert!(run().status.success());
    let generations = std::fs::read_dir(dir.path().join("search/embedded-v1")).unwrap().filter_map(Result::ok);
    assert_eq!(generations.filter(|e| e.path().is_dir()).count(), 1);
}

#[test]
fn a_cli_command_logs_to_stderr_without_colour_and_names_settings_it_does_not_use() {
    // given: an empty directory, a misspelt Agora setting and service settings Agora does not read
    let dir = tempfile::tempdir().unwrap();

    // when
    let out = agora(dir.path())
        .arg("migrate")
        .env("RUST_LOG", "info")
        .env("AGORA_SERVR__PORT", "9000")
        .env("AGORA_ADMIN_PASSWORD", "not a setting, but known")
        .env("STRIPE_SECRET_KEY", "sk_test_not_read")
        .output()
        .unwrap();

    // then: stdout stays clean for the command's output; the log on stderr has no colour codes
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "", "logs never go to stdout");
    let log = String::from_utf8(out.stderr).unwrap();
    assert!(log.contains("migrations applied"), "{log}");
    assert!(!log.contains('\u{1b}'), "no ANSI colour codes when stderr is not a terminal: {log:?}");
    assert!(log.contains("AGORA_SERVR__PORT"), "an unknown AGORA_ key is named: {log}");
    assert!(!log.contains("AGORA_ADMIN_PASSWORD"), "{log}");
    assert!(log.contains("STRIPE_SECRET_KEY"), "a service variable Agora does not read is named: {log}");
}
