//! Composition root: connects the backends, builds the services and the HTTP server.
//! Start reading here.

use std::{net::SocketAddr, path::Path, sync::Arc};

use anyhow::Context as _;
use rand::RngCore;
use sea_orm::DatabaseConnection;

use crate::catalog::CatalogService;
use crate::{
    accounts::AccountService,
    cart::CartService,
    checkout::CheckoutService,
    config::Settings,
    graphql::{AppSchema, build_schema},
    infra::db::{self, SqlStats},
    orders::OrderService,
    payments::{PaymentService, provider::PaymentProvider, test_provider::TestPaymentProvider},
    promotions::PromotionService,
    shared::clock::{SharedClock, SystemClock},
    shared::money::Currency,
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
}

impl AppState {
    /// Connects the database, applies migrations and builds the services, with the real
    /// clock and the built-in test payment provider (the embedded default).
    pub async fn connect(settings: Settings) -> anyhow::Result<Self> {
        Self::connect_with(settings, Arc::new(SystemClock), Arc::new(TestPaymentProvider::default())).await
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
        let accounts = AccountService::new(db.clone(), &key, &settings.auth);
        let vendors = VendorService::new(db.clone());
        let currency = Currency::parse(&settings.shop.currency)
            .map_err(|_| anyhow::anyhow!("shop.currency `{}` is not an ISO 4217 code", settings.shop.currency))?;
        let catalog = CatalogService::new(db.clone(), vendors.clone(), currency);
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
        );
        let orders = OrderService::new(db.clone(), catalog.clone(), promotions.clone(), clock.clone());
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
        let payments = PaymentService::new(db.clone(), orders.clone(), provider, clock.clone());
        Ok(Self {
            settings: Arc::new(settings),
            db,
            sql_stats,
            clock,
            accounts,
            catalog,
            vendors,
            promotions,
            shipping,
            tax,
            carts,
            orders,
            quoter: Arc::new(checkout.clone()),
            checkout,
            payments,
        })
    }
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

/// The HTTP server, bound and ready to run, with its background jobs.
pub struct App {
    listener: tokio::net::TcpListener,
    router: axum::Router,
    state: AppState,
    sweeper: tokio::task::JoinHandle<()>,
}

impl App {
    /// Binds the configured address (port 0 picks a free port) and builds the router.
    pub async fn build(state: AppState) -> anyhow::Result<Self> {
        let addr = state.settings.bind_addr()?;
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
        let schema = schema(&state);
        let router = crate::http::router(state.clone(), schema);
        let interval = std::time::Duration::from_millis(state.settings.checkout.sweeper_interval_ms.max(10));
        let sweeper = crate::orders::sweeper::spawn(state.orders.clone(), state.clock.clone(), interval);
        Ok(Self { listener, router, state, sweeper })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `signal` resolves, then drains in-flight requests.
    pub async fn run_until_stopped(self, signal: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let result = axum::serve(self.listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(signal)
            .await;
        self.sweeper.abort();
        result?;
        Ok(())
    }
}

pub fn schema(state: &AppState) -> AppSchema {
    build_schema(Some(state.clone()), &state.settings.graphql)
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
    tracing::info!("shutdown signal received, draining connections");
}
