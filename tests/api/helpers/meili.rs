//! A real Meilisearch for the search tests: `TEST_MEILISEARCH_URL` (+ `TEST_MEILISEARCH_API_KEY`)
//! when set, else a `meilisearch` binary started for the test (`../shared/bin/meilisearch`,
//! `$MEILISEARCH_BIN`, or on PATH) on a free loopback port with temp directories, killed on
//! drop. `None` (with a printed notice) when neither is available.

use std::{path::PathBuf, process::Child, time::Duration};

pub struct Meili {
    pub url: String,
    pub key: Option<String>,
    child: Option<Child>,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for Meili {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

const MASTER_KEY: &str = "agora-test-master-key-0123456789";

fn binary() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("MEILISEARCH_BIN").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/bin/meilisearch")),
        Some(PathBuf::from("/work/shared/bin/meilisearch")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file()).or_else(|| {
        std::env::var_os("PATH")?
            .to_str()?
            .split(':')
            .map(|d| PathBuf::from(d).join("meilisearch"))
            .find(|p| p.is_file())
    })
}

impl Meili {
    /// A running Meilisearch, or `None` after printing why the Meilisearch part is skipped.
    pub async fn start(test: &str) -> Option<Self> {
        if let Ok(url) = std::env::var("TEST_MEILISEARCH_URL") {
            let key = std::env::var("TEST_MEILISEARCH_API_KEY").ok();
            return Some(Self { url, key, child: None, _dir: None });
        }
        let Some(bin) = binary() else {
            eprintln!("{test}: skipped: no meilisearch binary (set TEST_MEILISEARCH_URL or put one in ../shared/bin)");
            return None;
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().unwrap().port();
        let addr = format!("127.0.0.1:{port}");
        let child = std::process::Command::new(bin)
            .args(["--db-path", &dir.path().join("db").display().to_string()])
            .args(["--dump-dir", &dir.path().join("dumps").display().to_string()])
            .args(["--snapshot-dir", &dir.path().join("snapshots").display().to_string()])
            .args(["--http-addr", &addr, "--master-key", MASTER_KEY, "--no-analytics", "--env", "development"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start meilisearch");
        let meili =
            Self { url: format!("http://{addr}"), key: Some(MASTER_KEY.into()), child: Some(child), _dir: Some(dir) };
        // Ready when /health answers; generous bound for a loaded machine.
        let client = reqwest::Client::new();
        for _ in 0..600 {
            if let Ok(r) = client.get(format!("{}/health", meili.url)).send().await
                && r.status().is_success()
            {
                return Some(meili);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("meilisearch did not become healthy within 30 s");
    }
}
