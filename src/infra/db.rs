//! Database connection (SQLite file by default, PostgreSQL by URL), migrations, and a counter of
//! executed SQL statements (used by the N+1 tests and useful in load tests).

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection};

use crate::config::Settings;

/// Counts SQL statements executed through the application's connection.
#[derive(Debug, Default)]
pub struct SqlStats {
    statements: AtomicU64,
}

impl SqlStats {
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }
}

/// Which database backend a URL points at, for logs.
pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => "sqlite",
        DatabaseBackend::Postgres => "postgres",
        _ => "other",
    }
}

/// Connects, creating the data directory for the embedded SQLite default.
pub async fn connect(settings: &Settings) -> anyhow::Result<(DatabaseConnection, Arc<SqlStats>)> {
    let url = settings.database_url();
    let sqlite = url.starts_with("sqlite:");
    if sqlite && settings.database.url.is_none() {
        std::fs::create_dir_all(&settings.data_dir)?;
    }
    // SQLite runs one writer at a time, and a transaction that reads before it writes fails at
    // once (no busy wait) when another writer committed in between. One pooled connection makes
    // every transaction wait its turn in the pool instead, in FIFO order.
    let max_connections = if sqlite { 1 } else { settings.database.max_connections };
    let mut opts = ConnectOptions::new(url);
    opts.max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    let mut db = Database::connect(opts).await?;
    if db.get_database_backend() == DatabaseBackend::Sqlite {
        // WAL lets readers proceed while a writer commits; it is a property of the file.
        db.execute_unprepared("PRAGMA journal_mode=WAL").await?;
    }
    let stats = Arc::new(SqlStats::default());
    let counter = stats.clone();
    db.set_metric_callback(move |_info| {
        counter.statements.fetch_add(1, Ordering::Relaxed);
    });
    Ok((db, stats))
}

/// Applies pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await?;
    Ok(())
}

/// `SELECT 1`, for readiness checks.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}

/// Where the data lives, for the start-up log; never prints credentials.
pub fn describe_location(settings: &Settings) -> String {
    match &settings.database.url {
        None => format!("{}/agora.sqlite", settings.data_dir.display()),
        Some(url) => {
            let url = url.expose();
            let scheme = url.split("://").next().unwrap_or("database");
            let host = url.rsplit('@').next().unwrap_or(url).split("://").last().unwrap_or_default();
            if url.contains('@') { format!("{scheme}://{host}") } else { url.to_owned() }
        }
    }
}
