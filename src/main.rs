//! `agora [serve|migrate|seed|search reindex|print-schema|create-admin --email <email>]`

use std::io::Read;

use agora::{
    app::{App, shutdown_signal},
    config::Settings,
    infra::db,
    shared::role::Role,
    state::AppState,
};

const USAGE: &str =
    "usage: agora [serve | migrate | seed | search reindex | print-schema | create-admin --email <email>]
  serve         start the server (default); applies migrations, seeds demo data on first start
  migrate       apply pending database migrations and exit
  seed          load the demo catalog (only into an empty catalog) and exit
  search reindex  rebuild the search index from the database (a new index, swapped in) and exit
  print-schema  print the GraphQL SDL to stdout
  create-admin  create an admin account; password from AGORA_ADMIN_PASSWORD or stdin";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map_or("serve", String::as_str);
    if command == "print-schema" {
        print!("{}", agora::graphql::schema::sdl());
        return Ok(());
    }
    if matches!(command, "-h" | "--help" | "help") {
        println!("{USAGE}");
        return Ok(());
    }
    let settings = Settings::load()?;
    agora::telemetry::init(&settings.telemetry);
    agora::config::warn_about_unread_environment();
    match command {
        "serve" => serve(settings).await,
        "migrate" => {
            let (conn, _) = db::connect(&settings).await?;
            db::migrate(&conn).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        "seed" => {
            let state = AppState::connect(settings).await?;
            let seeded = agora::seed::seed_demo(&state).await?;
            tracing::info!(seeded, "demo seed finished");
            Ok(())
        }
        "create-admin" => create_admin(settings, &args[1..]).await,
        "search" if args.get(1).map(String::as_str) == Some("reindex") => {
            let state = AppState::connect(settings).await?;
            let search = &state.search;
            search.ensure_ready().await?;
            let n = search.reindex().await?;
            println!("search index rebuilt on {}: {n} products", search.engine());
            Ok(())
        }
        other => {
            eprintln!("unknown command `{other}`\n{USAGE}");
            std::process::exit(2);
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    tracing::info!(settings = ?settings, "effective configuration (secrets redacted)");
    let seed = settings.seed.demo_on_first_start;
    let state = AppState::connect(settings).await?;
    tracing::info!(
        database = db::backend_name(&state.db),
        location = %db::describe_location(&state.settings),
        cache = "in-process",
        events = "in-process",
        search = state.search.engine(),
        payments = "built-in test provider",
        "backends ready"
    );
    if seed && agora::seed::seed_demo(&state).await? {
        tracing::info!("seeded the demo catalog (first start)");
    }
    let app = App::build(state).await?;
    tracing::info!(url = %format!("http://{}/graphql", app.local_addr()), "Agora is listening");
    app.run_until_stopped(shutdown_signal()).await
}

async fn create_admin(settings: Settings, args: &[String]) -> anyhow::Result<()> {
    let email = match args {
        [flag, email, ..] if flag == "--email" => email.clone(),
        _ => anyhow::bail!("{USAGE}"),
    };
    let password = match std::env::var("AGORA_ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut p = String::new();
            std::io::stdin().read_to_string(&mut p)?;
            p.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let state = AppState::connect(settings).await?;
    match state.accounts.create_user(&email, &password, Role::Admin).await {
        Ok(user) => {
            println!("created admin {}", user.email.as_str());
            Ok(())
        }
        Err(e) => anyhow::bail!("could not create the admin: {e}"),
    }
}
