//! `hireloop serve` and `hireloop migrate`: the web app on an embedded SQLite file by default, or
//! on PostgreSQL.

use std::path::Path;

use anyhow::{Context, Result};
use clap::Args;
use hireloop_core::content::Content;
use hireloop_store::{Backend, Store, StoreOptions, redact};
use hireloop_web::{AppState, Settings};

/// The database used when neither `--db` nor `HIRELOOP_DB` names one.
pub const DEFAULT_DB: &str = "sqlite://hireloop.db";

/// Where the data lives.
#[derive(Debug, Args)]
pub struct DbArg {
    /// The database: `sqlite://FILE`, a file path (SQLite), or `postgres://USER:PASSWORD@HOST/DB`.
    /// Default: hireloop.db in the working directory.
    #[arg(long, env = "HIRELOOP_DB", value_name = "URL")]
    pub db: Option<String>,
}

/// Arguments of `hireloop serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, env = "HIRELOOP_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    #[command(flatten)]
    pub db: DbArg,
    /// Mark cookies Secure: set this when the app is reached over HTTPS.
    #[arg(long, env = "HIRELOOP_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Most database connections this process opens.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub max_connections: u32,
    /// Requests handled at once; past this a request is answered 503 with Retry-After at once.
    #[arg(long, default_value_t = 512, value_name = "N")]
    pub max_in_flight: usize,
    /// The secret hiring mode signs assessment links with: at least 32 bytes, the same on every
    /// process sharing the database. Without it, the installation's own secret is used: generated
    /// on the first start and kept in the database, so every process on it agrees.
    #[arg(
        long,
        env = "HIRELOOP_LINK_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    pub link_secret: Option<String>,
    /// Log lines as JSON (one object per line) instead of text.
    #[arg(long)]
    pub log_json: bool,
}

/// The database URL of `--db`: a URL as given, a bare path as an SQLite file.
pub fn database_url(arg: &DbArg) -> String {
    match arg.db.as_deref() {
        None => DEFAULT_DB.to_owned(),
        Some(db) if Backend::of_url(db).is_some() || db.contains("://") => db.to_owned(),
        Some(path) => format!("sqlite://{}", Path::new(path).display()),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// `hireloop migrate`: brings the database's schema up to date and lists the migrations.
pub fn migrate(arg: &DbArg) -> Result<String> {
    let url = database_url(arg);
    runtime()?.block_on(async {
        let store = Store::open_with(
            &url,
            &StoreOptions {
                max_connections: 1,
                migrate: true,
                ..StoreOptions::default()
            },
        )
        .await
        .with_context(|| format!("cannot migrate {}", redact(&url)))?;
        let mut out = format!("{} is up to date:\n", redact(&url));
        for (version, description) in store.migrations() {
            out.push_str(&format!("  {version:04} {description}\n"));
        }
        store.close().await;
        Ok(out)
    })
}

/// `hireloop serve`: runs until Ctrl-C or SIGTERM, then finishes the requests in flight.
pub fn serve(content: Content, args: &ServeArgs) -> Result<()> {
    init_logs(args.log_json);
    let url = database_url(&args.db);
    // The coach's lexicons borrow the content for the life of the process.
    let content: &'static Content = Box::leak(Box::new(content));
    runtime()?.block_on(async {
        let store = Store::open_with(
            &url,
            &StoreOptions {
                max_connections: args.max_connections,
                migrate: true,
                ..StoreOptions::default()
            },
        )
        .await?;
        let listener = tokio::net::TcpListener::bind(&args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let local = listener.local_addr().context("no local address")?;
        let link_secret = match args.link_secret.as_deref() {
            Some(text) => Some(
                hireloop_web::hiring::LinkSecret::new(text)
                    .map_err(|e| anyhow::anyhow!("--link-secret: {e}"))?,
            ),
            None => Some(
                hireloop_web::hiring::LinkSecret::stored(&store, wall_clock_ms())
                    .await
                    .map_err(|e| anyhow::anyhow!("cannot read or store the link secret: {e}"))?,
            ),
        };
        let settings = Settings {
            secure_cookies: args.secure_cookies,
            max_in_flight: args.max_in_flight,
            link_secret,
            ..Settings::default()
        };
        let state = AppState::new(store, content, settings);
        // Printed on stdout, plainly, so people and scripts find the address (port 0 included).
        println!(
            "hireloop is serving on http://{local} (database: {})",
            redact(&url)
        );
        tracing::info!(%local, "listening");
        hireloop_web::serve(listener, state, shutdown_signal())
            .await
            .context("the server stopped with an error")?;
        tracing::info!("stopped");
        Ok(())
    })
}

fn init_logs(json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("HIRELOOP_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (tests) is harmless: keep the first.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}

/// Now, in milliseconds since the epoch.
fn wall_clock_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_paths_are_sqlite_files() {
        let url = |db: Option<&str>| {
            database_url(&DbArg {
                db: db.map(str::to_owned),
            })
        };
        assert_eq!(url(None), DEFAULT_DB);
        assert_eq!(url(Some("data/x.db")), "sqlite://data/x.db");
        assert_eq!(url(Some("sqlite::memory:")), "sqlite::memory:");
        assert_eq!(url(Some("postgres://u@h/db")), "postgres://u@h/db");
    }
}
