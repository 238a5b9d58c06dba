//! `AppState`: the services, built once from the settings and shared by the HTTP handlers and
//! the resolvers (reached through `graphql::context::ContextExt::state`). It sits below the
//! HTTP server and the schema root (`app.rs`, `graphql/schema.rs`) and above the slices.

use std::{path::Path, sync::Arc};

use anyhow::Context as _;
use rand::RngCore;
use sea_orm::DatabaseConnection;

use crate::{
    accounts::AccountService,
    cart::CartService,
    catalog::CatalogService,
    checkout::CheckoutService,
    config::Settings,
    infra::db::{self, SqlStats},
    orders::OrderService,
    payments::{PaymentService, provider::PaymentProvider, test_provider::TestPaymentProvider},
    promotions::PromotionService,
    shared::{
        clock::{SharedClock, SystemClock},
        money::Currency,
    },
    shipping::ShippingService,
    tax::TaxService,
    vendors::VendorService,
};

/// Everything a request handler or resolver may use. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: DatabaseConnection,
    pub sql_stats: Arc<SqlStats>,
    pub clock: SharedClock,
    pub accounts: AccountService,
    pub audit: crate::audit::AuditService,
    pub catalog: CatalogService,
    pub vendors: VendorService,
    pub promotions: PromotionService,
    pub shipping: ShippingService,
    pub tax: TaxService,
    pub carts: CartService,
    pub orders: OrderService,
    pub checkout: CheckoutService,
    /// Prices carts for the cart's GraphQL fields (checkout, behind the cart's port).
    pub quoter: Arc<dyn crate::cart::service::Quoter>,
    pub payments: PaymentService,
    /// Orders' payment attempts for `Order.payments` (payments, behind the orders' port).
    pub order_payments: Arc<dyn crate::orders::service::OrderPayments>,
    /// Product search on the configured engine (`src/search/`).
    pub search: crate::search::SearchService,
    /// Committed outbox events for subscriptions: in process, or Redis with `redis.url`.
    pub bus: Arc<dyn crate::realtime::EventBus>,
    /// Open WebSockets per signed-in user (`realtime.max_sockets_per_principal`).
    pub sockets: Arc<crate::realtime::SocketCounts>,
}

impl AppState {
    /// Connects the database, applies migrations and builds the services, with the real
    /// clock and the payment provider the settings name ([`payment_provider`]).
    pub async fn connect(settings: Settings) -> anyhow::Result<Self> {
        for (variable, instead) in services_not_used_yet(|k| std::env::var(k).ok()) {
            tracing::warn!(
                variable,
                "{variable} is set, but Agora cannot use this service yet: {instead} is used instead"
            );
        }
        let provider = payment_provider(&settings)?;
        Self::connect_with(settings, Arc::new(SystemClock), provider).await
    }

    /// As [`AppState::connect`], with a given clock and payment provider.
    pub async fn connect_with(
        settings: Settings,
        clock: SharedClock,
        provider: Arc<dyn PaymentProvider>,
    ) -> anyhow::Result<Self> {
        let (db, sql_stats) = db::connect(&settings).await.context("connecting to the database")?;
        db::migrate(&db).await.context("applying migrations")?;
        let key = signing_key(&settings)?;
        let bus = crate::realtime::bus_from_settings(&settings).await.context("event bus")?;
        let settings_sockets = settings.realtime.max_sockets_per_principal;
        let accounts = AccountService::new(db.clone(), &key, &settings.auth);
        let audit = crate::audit::AuditService::new(db.clone());
        let invite_ttl = chrono::Duration::hours(i64::try_from(settings.marketplace.invite_ttl_hours).unwrap_or(72));
        let vendors = VendorService::new(db.clone(), clock.clone(), invite_ttl);
        let currency = Currency::parse(&settings.shop.currency)
            .map_err(|_| anyhow::anyhow!("shop.currency `{}` is not an ISO 4217 code", settings.shop.currency))?;
        let catalog = CatalogService::new(db.clone(), vendors.clone(), currency)
            .with_events(settings.realtime.low_stock_threshold, clock.clone());
        let promotions = PromotionService::new(db.clone(), currency, catalog.clone(), vendors.clone());
        let shipping = ShippingService::new(db.clone(), currency, vendors.clone());
        let tax = TaxService::new(db.clone(), currency, settings.shop.prices_include_tax);
        let carts = CartService::new(
            db.clone(),
            catalog.clone(),
            promotions.clone(),
            shipping.clone(),
            clock.clone(),
            settings.checkout.clone(),
            Arc::new(accounts.clone()),
        );
        let orders = OrderService::new(db.clone(), catalog.clone(), promotions.clone(), vendors.clone(), clock.clone());
        let checkout = CheckoutService::new(
            db.clone(),
            catalog.clone(),
            carts.clone(),
            orders.clone(),
            promotions.clone(),
            shipping.clone(),
            tax.clone(),
            clock.clone(),
            settings.checkout.clone(),
            settings.shop.prices_include_tax,
        );
        let payments =
            PaymentService::new(db.clone(), orders.clone(), provider, clock.clone(), settings.payments.clone());
        let search = crate::search::SearchService::new(
            crate::search::index_from_settings(&settings).context("opening the search index")?,
            catalog.clone(),
            vendors.clone(),
            std::time::Duration::from_millis(settings.search.timeout_ms.max(1)),
        );
        Ok(Self {
            settings: Arc::new(settings),
            db,
            sql_stats,
            clock,
            accounts,
            audit,
            catalog,
            vendors,
            promotions,
            shipping,
            tax,
            carts,
            orders,
            quoter: Arc::new(checkout.clone()),
            checkout,
            order_payments: Arc::new(payments.clone()),
            payments,
            search,
            bus,
            sockets: crate::realtime::SocketCounts::new(settings_sockets),
        })
    }
}

/// Stripe when `stripe.secret_key` is set, else the built-in test provider (the embedded
/// default); logs which. A Stripe key in a binary built without the `stripe` feature is an error:
/// a setting naming a service Agora cannot use is never ignored.
///
/// # Errors
/// A Stripe key without the `stripe` feature, or Stripe settings the client cannot use.
pub fn payment_provider(settings: &Settings) -> anyhow::Result<Arc<dyn PaymentProvider>> {
    let stripe = &settings.stripe;
    if stripe.secret_key.is_none() {
        tracing::info!(
            provider = "test",
            "payments: the built-in test provider (set AGORA_STRIPE__SECRET_KEY for Stripe)"
        );
        return Ok(Arc::new(TestPaymentProvider::default()));
    }
    #[cfg(feature = "stripe")]
    {
        if stripe.publishable_key.is_none() {
            tracing::warn!("stripe.publishable_key is not set: storefronts get no key for client-side confirmation");
        }
        if stripe.webhook_secrets.is_empty() {
            tracing::warn!(
                "stripe.webhook_secrets is empty: no Stripe webhook can be verified, so client-side payments are \
                 only settled by orderPaymentConfirm and reconciliation"
            );
        }
        let provider = crate::payments::stripe::StripeProvider::new(stripe).context("stripe settings")?;
        tracing::info!(provider = "stripe", api_base = %stripe.api_base, "payments: Stripe");
        Ok(Arc::new(provider))
    }
    #[cfg(not(feature = "stripe"))]
    anyhow::bail!(
        "stripe.secret_key (AGORA_STRIPE__SECRET_KEY) is set, but this binary was built without the `stripe` \
         feature: rebuild with default features, or unset the key to use the built-in test provider"
    )
}

/// Settings naming services Agora has no adapter for yet (the compose file already passes them),
/// with what runs instead: said at start, never ignored silently.
pub fn services_not_used_yet(env: impl Fn(&str) -> Option<String>) -> Vec<(&'static str, &'static str)> {
    // REDIS_URL (the event bus) and MEILISEARCH_URL / MEILISEARCH_API_KEY (search) are used.
    const NOT_YET: [(&str, &str); 1] =
        [("AGORA_MEILISEARCH__URL", "the embedded search (the setting is AGORA_SEARCH__MEILISEARCH_URL)")];
    NOT_YET.into_iter().filter(|(k, _)| env(k).is_some_and(|v| !v.trim().is_empty())).collect()
}

/// The configured JWT key, or (embedded default) one generated once and kept under `data_dir`.
fn signing_key(settings: &Settings) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = &settings.auth.jwt_secret {
        anyhow::ensure!(secret.expose().len() >= 32, "auth.jwt_secret must be at least 32 bytes");
        return Ok(secret.expose().as_bytes().to_vec());
    }
    let path = settings.data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        tracing::info!(path = %path.display(), "using the development signing key kept in the data directory");
        return Ok(existing.trim().as_bytes().to_vec());
    }
    std::fs::create_dir_all(&settings.data_dir)?;
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    let key = hex::encode(bytes);
    write_private(&path, &key)?;
    tracing::warn!(
        path = %path.display(),
        "no auth.jwt_secret configured: generated a development signing key and saved it; set AGORA_AUTH__JWT_SECRET in production"
    );
    Ok(key.into_bytes())
}

fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    fn with_key() -> Settings {
        let mut s = Settings::default();
        s.stripe.secret_key = Some(Secret::new("sk_test_x"));
        s
    }

    #[test]
    fn without_a_stripe_key_the_test_provider_runs() {
        assert_eq!(payment_provider(&Settings::default()).unwrap().name(), "test");
    }

    #[cfg(feature = "stripe")]
    #[test]
    fn a_stripe_key_selects_stripe() {
        let provider = payment_provider(&with_key()).unwrap();
        assert_eq!(provider.name(), "stripe");
    }

    #[cfg(not(feature = "stripe"))]
    #[test]
    fn a_stripe_key_without_the_stripe_feature_is_refused() {
        let error = payment_provider(&with_key()).err().expect("refused").to_string();
        assert!(error.contains("without the `stripe` feature"), "{error}");
    }

    #[test]
    fn services_without_an_adapter_yet_are_named_at_start() {
        let env = |k: &str| match k {
            "REDIS_URL" => Some("redis://127.0.0.1:6379".to_owned()),
            "MEILISEARCH_URL" => Some("http://127.0.0.1:7700".to_owned()),
            "AGORA_MEILISEARCH__URL" => Some("http://127.0.0.1:7700".to_owned()),
            _ => None,
        };
        assert_eq!(
            services_not_used_yet(env),
            [("AGORA_MEILISEARCH__URL", "the embedded search (the setting is AGORA_SEARCH__MEILISEARCH_URL)")]
        );
        assert!(services_not_used_yet(|_| None).is_empty());
    }
}
