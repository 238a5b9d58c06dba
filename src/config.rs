//! Typed settings: defaults in code < optional TOML file < environment variables.
//!
//! The file is `agora.toml` in the working directory, or the path in `AGORA_CONFIG`.
//! Environment variables are `AGORA_SECTION__KEY` (for example `AGORA_SERVER__PORT=9000`);
//! the conventional `DATABASE_URL` is honoured too. Secrets are [`Secret`]s: they never print.

use std::{fmt, net::SocketAddr, path::PathBuf};

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret value (database URL, signing key): `Debug` and `Serialize` print `[REDACTED]`.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("[REDACTED]")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Where the embedded backends keep their files (SQLite database, dev signing key).
    pub data_dir: PathBuf,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub graphql: GraphqlSettings,
    pub telemetry: TelemetrySettings,
    pub seed: SeedSettings,
    pub shop: ShopSettings,
    pub checkout: CheckoutSettings,
    pub payments: PaymentsSettings,
    pub stripe: StripeSettings,
    pub outbox: OutboxSettings,
    pub marketplace: MarketplaceSettings,
    pub search: SearchSettings,
    pub playground: PlaygroundSettings,
    pub redis: RedisSettings,
    pub realtime: RealtimeSettings,
}

/// The GraphiQL playground at `/playground` (embedded in the binary; nothing from a CDN).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct PlaygroundSettings {
    /// Serve `/playground`; turn it off where the API should not be explored from a browser.
    pub enabled: bool,
}

impl Default for PlaygroundSettings {
    fn default() -> Self {
        Self { enabled: true }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    /// Largest accepted request body; larger requests get HTTP 413.
    pub body_limit_bytes: usize,
    /// Origins allowed to call the API from a browser; empty means none, `*` means any.
    pub cors_allowed_origins: Vec<String>,
    /// Server-side deadline of one HTTP request; past it the answer is 503.
    pub request_timeout_secs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct DatabaseSettings {
    /// `postgres://…` or `sqlite://…`; unset means the SQLite file `<data_dir>/agora.sqlite`.
    pub url: Option<Secret>,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct AuthSettings {
    /// HMAC key for access tokens; unset means a generated key persisted under `data_dir`.
    pub jwt_secret: Option<Secret>,
    pub issuer: String,
    pub audience: String,
    /// Access-token lifetime; values above 900 s are capped to 900 s.
    pub access_token_ttl_secs: u64,
    pub refresh_token_ttl_days: u64,
    /// Password hashes computed at once (each takes 19 MiB); others wait.
    pub max_concurrent_hashes: usize,
    pub login_attempts_per_minute_per_account: u32,
    pub login_attempts_per_minute_per_ip: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct GraphqlSettings {
    pub max_depth: usize,
    /// The most an operation may cost, and a batch in sum (Shopify's cost model: see
    /// `graphql::cost`); refused before anything runs with `COST_EXCEEDED`.
    pub max_cost: u64,
    /// Most operations accepted in one batched (JSON array) request.
    pub max_batch: usize,
    pub introspection: bool,
    /// How long a dataloader waits to gather keys into one query, in milliseconds.
    pub batch_window_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct TelemetrySettings {
    pub format: LogFormat,
    /// `tracing` filter directives; `RUST_LOG` overrides.
    pub filter: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct ShopSettings {
    /// ISO 4217 code of the currency catalog prices are entered and sold in.
    pub currency: String,
    /// Whether catalog and shipping prices include tax (EU style) or exclude it (US style).
    pub prices_include_tax: bool,
}

impl Default for ShopSettings {
    fn default() -> Self {
        Self { currency: "USD".into(), prices_include_tax: false }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckoutSettings {
    /// Most units of one variant in a cart line (at most 10,000).
    pub max_quantity_per_line: u32,
    /// Most lines in one cart (at most 1,000).
    pub max_lines_per_cart: usize,
    /// How long a guest's unpaid order holds its stock.
    pub guest_reservation_secs: u64,
    /// How long a signed-in customer's unpaid order holds its stock.
    pub customer_reservation_secs: u64,
    /// How often the sweeper looks for unpaid orders past their reservation, in milliseconds.
    pub sweeper_interval_ms: u64,
}

impl Default for CheckoutSettings {
    fn default() -> Self {
        Self {
            max_quantity_per_line: 999,
            max_lines_per_cart: 250,
            guest_reservation_secs: 15 * 60,
            customer_reservation_secs: 30 * 60,
            sweeper_interval_ms: 30_000,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct PaymentsSettings {
    /// How long one provider call may hold a payment attempt before another caller (or the
    /// reconciler) may retry it with the same idempotency key.
    pub call_lease_secs: u64,
    /// How often the reconciler settles attempts left PENDING (a crash or a lost answer) from the
    /// provider's state; it also runs at start. 0 turns the background reconciler off (tests
    /// drive it with `Reconciler::run_once`).
    pub reconcile_interval_secs: u64,
    /// How often the outbox relay looks for due events and jobs, in milliseconds. 0 turns the
    /// background relay off (tests drive it with `Relay::run_once`).
    pub relay_interval_ms: u64,
    /// Most tries of a job (a refund, a cancellation) before it is left for staff, failed.
    pub max_job_attempts: u32,
}

impl Default for PaymentsSettings {
    fn default() -> Self {
        Self { call_lease_secs: 60, reconcile_interval_secs: 300, relay_interval_ms: 1_000, max_job_attempts: 12 }
    }
}

/// The transactional outbox's relay (its interval and tries are `payments.relay_interval_ms` and
/// `payments.max_job_attempts`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct OutboxSettings {
    /// Delivered events are deleted after this many days.
    pub retention_days: u64,
    /// How long a relay holds the events it claimed; past it another relay (or the same after a
    /// restart) may deliver them again. Longer than any consumer's work.
    pub claim_lease_secs: u64,
    /// Events claimed and delivered at once.
    pub batch_size: u64,
}

impl Default for OutboxSettings {
    fn default() -> Self {
        Self { retention_days: 7, claim_lease_secs: 300, batch_size: 32 }
    }
}

/// The marketplace (the platform's commission and review settings are data, changed by staff
/// with `marketplaceSettingsUpdate`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct MarketplaceSettings {
    /// How long a vendor invite can be accepted after an owner created it.
    pub invite_ttl_hours: u64,
}

impl Default for MarketplaceSettings {
    fn default() -> Self {
        Self { invite_ttl_hours: 72 }
    }
}

/// Redis (`AGORA_REDIS__URL`, or the conventional `REDIS_URL`): when set, the event bus is Redis
/// pub/sub, so subscribers on every instance see the events committed on any instance.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RedisSettings {
    /// `redis://host:6379`; unset = the in-process event bus (one instance).
    pub url: Option<Secret>,
}

/// GraphQL subscriptions (WebSocket) and the events they show.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct RealtimeSettings {
    /// A variant is low on stock when its available quantity falls to this or below
    /// (`lowStockAlerts`).
    pub low_stock_threshold: i32,
    /// Events a subscriber may fall behind by before it is dropped (its subscription ends with
    /// an error) instead of being buffered without bound.
    pub subscriber_buffer: usize,
    /// A WebSocket that sends no `connection_init` within this many seconds is closed (4408).
    pub connection_init_timeout_secs: u64,
    /// Operations (subscriptions) one socket may run at once; one more closes it (4429).
    pub max_subscriptions_per_socket: usize,
    /// Sockets one signed-in user may hold open on an instance; one more is refused at
    /// `connection_init` (4429).
    pub max_sockets_per_principal: usize,
}

impl Default for RealtimeSettings {
    fn default() -> Self {
        Self {
            low_stock_threshold: 5,
            subscriber_buffer: 1024,
            connection_init_timeout_secs: 10,
            max_subscriptions_per_socket: 20,
            max_sockets_per_principal: 10,
        }
    }
}

/// Product search: the embedded index under `data_dir` unless Meilisearch is configured
/// (`AGORA_SEARCH__MEILISEARCH_URL`, or the conventional `MEILISEARCH_URL`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchSettings {
    /// Meilisearch's address, e.g. `http://127.0.0.1:7700`; unset means the embedded index.
    pub meilisearch_url: Option<String>,
    /// Meilisearch API key (`AGORA_SEARCH__MEILISEARCH_API_KEY` or `MEILISEARCH_API_KEY`).
    pub meilisearch_api_key: Option<Secret>,
    /// The Meilisearch index holding the products.
    pub index_name: String,
    /// Longest wait for the search engine; past it `search` answers SEARCH_UNAVAILABLE.
    pub timeout_ms: u64,
    /// Rebuild the index at start when it is empty or does not hold every storefront product.
    pub rebuild_on_start: bool,
}

impl Default for SearchSettings {
    fn default() -> Self {
        Self {
            meilisearch_url: None,
            meilisearch_api_key: None,
            index_name: "products".into(),
            timeout_ms: 1_000,
            rebuild_on_start: true,
        }
    }
}

/// Stripe, the production payment provider: on when `secret_key` is set
/// (`AGORA_STRIPE__SECRET_KEY`, `AGORA_STRIPE__PUBLISHABLE_KEY`, `AGORA_STRIPE__WEBHOOK_SECRETS`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct StripeSettings {
    /// `sk_live_…` / `sk_test_…` (or a restricted `rk_…` key).
    pub secret_key: Option<Secret>,
    /// `pk_…`, handed to storefronts for client-side confirmation.
    pub publishable_key: Option<String>,
    /// Webhook signing secrets (`whsec_…`): several during a rotation, old and new. In the
    /// environment: comma-separated.
    #[serde(deserialize_with = "list_of_secrets")]
    pub webhook_secrets: Vec<Secret>,
    /// Stripe's API address; tests point it at a local Stripe-shaped server.
    pub api_base: String,
    /// Client-side limit on Stripe calls per second (Stripe allows 100 in live mode).
    pub max_requests_per_sec: u32,
    /// Deadline of one HTTP call to Stripe.
    pub timeout_secs: u64,
    /// Tries of one call on network errors, 429 and 5xx (with jittered backoff), same key.
    pub max_tries: u32,
}

impl Default for StripeSettings {
    fn default() -> Self {
        Self {
            secret_key: None,
            publishable_key: None,
            webhook_secrets: Vec::new(),
            api_base: "https://api.stripe.com".into(),
            max_requests_per_sec: 80,
            // 3 tries × 8 s plus backoff stay inside the 30 s request deadline, so a slow
            // Stripe answers the buyer PROVIDER_UNAVAILABLE (retry is safe) rather than a 503.
            timeout_secs: 8,
            max_tries: 3,
        }
    }
}

/// A list of secrets given as a list (TOML) or as one comma-separated string (environment).
fn list_of_secrets<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Secret>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    let items = match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => s.split(',').map(str::to_owned).collect(),
        OneOrMany::Many(v) => v,
    };
    Ok(items.into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).map(Secret::new).collect())
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SeedSettings {
    /// Seed the demo catalog when the database has no vendors yet.
    pub demo_on_first_start: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./data"),
            server: ServerSettings::default(),
            database: DatabaseSettings::default(),
            auth: AuthSettings::default(),
            graphql: GraphqlSettings::default(),
            telemetry: TelemetrySettings::default(),
            seed: SeedSettings::default(),
            shop: ShopSettings::default(),
            checkout: CheckoutSettings::default(),
            payments: PaymentsSettings::default(),
            stripe: StripeSettings::default(),
            outbox: OutboxSettings::default(),
            marketplace: MarketplaceSettings::default(),
            search: SearchSettings::default(),
            playground: PlaygroundSettings::default(),
            redis: RedisSettings::default(),
            realtime: RealtimeSettings::default(),
        }
    }
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 8080,
            body_limit_bytes: 1024 * 1024,
            cors_allowed_origins: Vec::new(),
            request_timeout_secs: 30,
        }
    }
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self { url: None, max_connections: 10 }
    }
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            jwt_secret: None,
            issuer: "agora".into(),
            audience: "agora-storefront".into(),
            access_token_ttl_secs: 900,
            refresh_token_ttl_days: 30,
            max_concurrent_hashes: 4,
            login_attempts_per_minute_per_account: 10,
            login_attempts_per_minute_per_ip: 30,
        }
    }
}

impl Default for GraphqlSettings {
    fn default() -> Self {
        Self { max_depth: 12, max_cost: 20_000, max_batch: 10, introspection: true, batch_window_ms: 1 }
    }
}

impl Default for TelemetrySettings {
    fn default() -> Self {
        Self { format: LogFormat::Pretty, filter: "info,agora=debug,sqlx=warn".into() }
    }
}

impl Default for SeedSettings {
    fn default() -> Self {
        Self { demo_on_first_start: true }
    }
}

impl Settings {
    /// Loads defaults < `agora.toml` (or `$AGORA_CONFIG`) < environment.
    pub fn load() -> anyhow::Result<Self> {
        let file = std::env::var("AGORA_CONFIG").unwrap_or_else(|_| "agora.toml".into());
        let settings: Settings = Figment::new()
            .merge(Serialized::defaults(Settings::default()))
            .merge(Toml::file(file))
            .merge(Env::raw().only(&["DATABASE_URL"]).map(|_| "database.url".into()))
            .merge(Env::raw().only(&["MEILISEARCH_URL", "MEILISEARCH_API_KEY"]).map(|k| {
                if k.as_str().eq_ignore_ascii_case("MEILISEARCH_URL") {
                    "search.meilisearch_url".into()
                } else {
                    "search.meilisearch_api_key".into()
                }
            }))
            .merge(Env::raw().only(&["REDIS_URL"]).map(|_| "redis.url".into()))
            .merge(Env::prefixed("AGORA_").ignore(&["CONFIG"]).split("__"))
            .extract()?;
        Ok(settings.normalised())
    }

    /// Settings for tests: port 0, a throw-away data dir, no demo seed, cheap logs, no
    /// background relay or reconciler.
    pub fn for_tests(data_dir: PathBuf, database_url: String) -> Self {
        let mut s = Settings { data_dir, ..Settings::default() };
        s.server.port = 0;
        s.database.url = Some(Secret::new(database_url));
        s.database.max_connections = 5;
        s.auth.jwt_secret = Some(Secret::new(format!("test-key-{}", uuid::Uuid::new_v4())));
        s.seed.demo_on_first_start = false;
        // No background relay or reconciler: tests run them with `run_once`, so nothing moves
        // (or runs SQL) behind their back.
        s.payments.relay_interval_ms = 0;
        s.payments.reconcile_interval_secs = 0;
        // Tests rebuild the index explicitly (`SearchService::reindex`) when they need it.
        s.search.rebuild_on_start = false;
        s.normalised()
    }

    fn normalised(mut self) -> Self {
        self.auth.access_token_ttl_secs = self.auth.access_token_ttl_secs.clamp(1, 900);
        self.auth.max_concurrent_hashes = self.auth.max_concurrent_hashes.max(1);
        self.graphql.max_batch = self.graphql.max_batch.max(1);
        self.outbox.batch_size = self.outbox.batch_size.clamp(1, 1_000);
        self.outbox.claim_lease_secs = self.outbox.claim_lease_secs.max(1);
        self.marketplace.invite_ttl_hours = self.marketplace.invite_ttl_hours.clamp(1, 24 * 365);
        self.payments.max_job_attempts = self.payments.max_job_attempts.max(1);
        self.realtime.subscriber_buffer = self.realtime.subscriber_buffer.clamp(16, 65_536);
        self.realtime.low_stock_threshold = self.realtime.low_stock_threshold.max(0);
        if self.redis.url.as_ref().is_some_and(|u| u.expose().trim().is_empty()) {
            self.redis.url = None;
        }
        // Cart sizes are bounded so that the largest cart's totals fit in minor units
        // (`pricing::MAX_LINES`).
        self.checkout.max_lines_per_cart = self.checkout.max_lines_per_cart.clamp(1, crate::pricing::MAX_LINES);
        self.checkout.max_quantity_per_line =
            self.checkout.max_quantity_per_line.clamp(1, crate::pricing::MAX_QUANTITY);
        self
    }

    pub fn bind_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(format!("{}:{}", self.server.host, self.server.port).parse()?)
    }

    /// The database URL in use: the configured one, or the embedded SQLite file.
    pub fn database_url(&self) -> String {
        match &self.database.url {
            Some(url) => url.expose().to_owned(),
            None => format!("sqlite://{}/agora.sqlite?mode=rwc", self.data_dir.display()),
        }
    }
}

/// Environment variables Agora reads besides its settings (`agora create-admin`, the file).
const OTHER_AGORA_VARIABLES: [&str; 2] = ["AGORA_CONFIG", "AGORA_ADMIN_PASSWORD"];

/// Conventional variables of services Agora talks to but reads under its own names.
const READ_UNDER_ANOTHER_NAME: [(&str, &str); 3] = [
    ("STRIPE_SECRET_KEY", "AGORA_STRIPE__SECRET_KEY"),
    ("STRIPE_PUBLISHABLE_KEY", "AGORA_STRIPE__PUBLISHABLE_KEY"),
    ("STRIPE_WEBHOOK_SECRET", "AGORA_STRIPE__WEBHOOK_SECRETS"),
];

/// The `AGORA_*` variables among `vars` that name no setting (a typo such as
/// `AGORA_SERVR__PORT`, or a section that does not exist), sorted: figment would ignore them.
pub fn unknown_agora_variables(vars: impl IntoIterator<Item = (String, String)>) -> Vec<String> {
    let known = serde_json::to_value(Settings::default()).unwrap_or_default();
    let mut unknown: Vec<String> = vars
        .into_iter()
        .map(|(k, _)| k)
        .filter(|k| k.starts_with("AGORA_") && !OTHER_AGORA_VARIABLES.contains(&k.as_str()))
        .filter(|k| {
            let mut at = &known;
            for part in k["AGORA_".len()..].to_ascii_lowercase().split("__") {
                match at.get(part) {
                    Some(next) => at = next,
                    None => return true,
                }
            }
            false
        })
        .collect();
    unknown.sort();
    unknown
}

/// Logs a warning for each environment variable that looks meant for Agora but is not read:
/// unknown `AGORA_*` keys, and services' conventional names Agora reads under its own.
pub fn warn_about_unread_environment() {
    for variable in unknown_agora_variables(std::env::vars()) {
        tracing::warn!(variable, "{variable} is set, but no Agora setting has this name: it is ignored");
    }
    for (variable, ours) in read_under_another_name(|k| std::env::var(k).ok()) {
        tracing::warn!(variable, "{variable} is set, but Agora does not read it: set {ours} instead");
    }
}

/// The conventional service variables that are set, with the name Agora reads instead.
pub fn read_under_another_name(env: impl Fn(&str) -> Option<String>) -> Vec<(&'static str, &'static str)> {
    READ_UNDER_ANOTHER_NAME.into_iter().filter(|(k, _)| env(k).is_some_and(|v| !v.trim().is_empty())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_agora_variables_are_named_and_settings_are_not() {
        let vars = [
            "AGORA_SERVER__PORT",
            "AGORA_SERVR__PORT",
            "AGORA_DATA_DIR",
            "AGORA_DATABASE__URL",
            "AGORA_STRIPE__WEBHOOK_SECRETS",
            "AGORA_AUTH__JWT_SECRET",
            "AGORA_AUTH__JWT_SECRETS",
            "AGORA_CONFIG",
            "AGORA_ADMIN_PASSWORD",
            "AGORA_SHOP__CURENCY",
            "HOME",
        ]
        .map(|k| (k.to_owned(), String::new()));
        assert_eq!(
            unknown_agora_variables(vars),
            ["AGORA_AUTH__JWT_SECRETS", "AGORA_SERVR__PORT", "AGORA_SHOP__CURENCY"]
        );
    }

    #[test]
    fn stripe_variables_under_their_conventional_names_are_named() {
        let env = |k: &str| (k == "STRIPE_SECRET_KEY").then(|| "sk_test_x".to_owned());
        assert_eq!(read_under_another_name(env), [("STRIPE_SECRET_KEY", "AGORA_STRIPE__SECRET_KEY")]);
        assert!(read_under_another_name(|_| None).is_empty());
    }

    #[test]
    fn secrets_never_print() {
        let mut s = Settings::default();
        s.auth.jwt_secret = Some(Secret::new("super-secret"));
        s.database.url = Some(Secret::new("postgres://u:pw@h/db"));
        let printed = format!("{s:?} {}", serde_json::to_string(&s).unwrap());
        assert!(!printed.contains("super-secret") && !printed.contains("pw@h"));
    }

    #[test]
    fn cart_sizes_are_capped_so_totals_fit_minor_units() {
        let mut s = Settings::default();
        s.checkout.max_lines_per_cart = 1_000_000;
        s.checkout.max_quantity_per_line = u32::MAX;
        let s = s.normalised();
        assert_eq!(s.checkout.max_lines_per_cart, crate::pricing::MAX_LINES);
        assert_eq!(s.checkout.max_quantity_per_line, crate::pricing::MAX_QUANTITY);
    }

    #[test]
    fn webhook_secrets_come_as_a_list_or_comma_separated() {
        let from = |toml: &str| -> Vec<String> {
            let s: Settings = Figment::new()
                .merge(Serialized::defaults(Settings::default()))
                .merge(Toml::string(toml))
                .extract()
                .unwrap();
            s.stripe.webhook_secrets.iter().map(|s| s.expose().to_owned()).collect()
        };
        assert_eq!(from("[stripe]\nwebhook_secrets = \"whsec_a, whsec_b\""), ["whsec_a", "whsec_b"]);
        assert_eq!(from("[stripe]\nwebhook_secrets = [\"whsec_a\"]"), ["whsec_a"]);
        assert!(from("").is_empty());
    }

    #[test]
    fn access_token_lifetime_is_capped_at_fifteen_minutes() {
        let mut s = Settings::default();
        s.auth.access_token_ttl_secs = 86_400;
        assert_eq!(s.normalised().auth.access_token_ttl_secs, 900);
    }
}
