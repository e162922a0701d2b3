//! What every request shares: the store, the settings, the limits.

use std::sync::Arc;

use store::Store;
use tokio::sync::Semaphore;

/// Settings the web layer needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Demo mode lists the demo accounts on the login page.
    pub demo: bool,
    /// Mark cookies `Secure`: on whenever Rencana is served over HTTPS.
    pub secure_cookies: bool,
    /// Map tiles, as a Leaflet URL template (`https://tile.example/{z}/{x}/{y}.png`); empty for
    /// none, which leaves the map a plain grid that still picks points.
    pub tile_url: String,
    /// Listening beyond loopback without `Secure` cookies: such a deployment is almost always
    /// behind HTTPS, where a session cookie must never travel in clear; the health answer says so.
    pub exposed_without_secure_cookies: bool,
    /// The key that signs the journal's checkpoints.
    pub log: Arc<crate::transparency::TransparencyLog>,
    /// What typesets the printed documents (typst, in the binary); none serves no PDFs.
    pub printer: Option<Arc<dyn reports::print::Printer>>,
    /// The address the public reaches this installation at (`https://rencana.example.go.id`):
    /// printed under each document's QR code.
    pub public_url: String,
}

impl Config {
    /// Whether serving on `listen` with these settings sends session cookies without `Secure`
    /// to other machines.
    pub fn cookies_exposed(listen: std::net::SocketAddr, secure_cookies: bool) -> bool {
        !secure_cookies && !listen.ip().is_loopback()
    }
}

impl Config {
    /// The origin of the tile server, which the Content-Security-Policy must let images come from.
    fn tile_origin(&self) -> Option<String> {
        let rest = self
            .tile_url
            .strip_prefix("https://")
            .map(|r| ("https", r))
            .or_else(|| self.tile_url.strip_prefix("http://").map(|r| ("http", r)))?;
        let host = rest.1.split('/').next().filter(|h| !h.is_empty() && !h.contains(['{', '}', '\'', ';', ' ']))?;
        Some(format!("{}://{}", rest.0, host))
    }

    pub(crate) fn content_security_policy(&self) -> String {
        let tiles = self.tile_origin().map(|o| format!(" {o}")).unwrap_or_default();
        format!(
            "default-src 'self'; img-src 'self' data:{tiles}; style-src 'self'; script-src 'self'; object-src 'none'; \
             base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        )
    }
}

/// OpenStreetMap's standard tiles: a sensible default where the server reaches the internet.
pub const DEFAULT_TILE_URL: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub(crate) chain_checks: Arc<ChainCheckLimits>,
    /// Each cycle's counted statistics, kept while the journal has not grown.
    pub(crate) statistics: Arc<crate::views::statistics::Counts>,
    /// Documents being typeset at once; more are told to come back.
    pub(crate) prints: Arc<Semaphore>,
    /// API writes sent with an `Idempotency-Key` and still running.
    pub(crate) in_flight: Arc<crate::idempotency::InFlight>,
    /// The places for reads; past them a reader is told to come back.
    pub(crate) reads: Arc<crate::admission::ReadAdmission>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> Self {
        AppState {
            store,
            config: Arc::new(config),
            chain_checks: Default::default(),
            statistics: Default::default(),
            prints: Arc::new(Semaphore::new(2)),
            in_flight: Default::default(),
            reads: Default::default(),
        }
    }

    /// A state for the crate's own tests: no printer, a test key.
    #[cfg(test)]
    pub(crate) fn for_tests(store: Store) -> Self {
        let key = domain::transparency::LogKey::from_seed("rencana.test", [1; 32]).expect("a test key");
        AppState::new(
            store,
            Config {
                demo: false,
                secure_cookies: false,
                tile_url: String::new(),
                exposed_without_secure_cookies: false,
                log: Arc::new(crate::TransparencyLog::new(key)),
                printer: None,
                public_url: "http://127.0.0.1".into(),
            },
        )
    }
}

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// How many chain checks run at once. Anonymous callers who find them all busy are told to come
/// back (503 with `Retry-After`) rather than queue: a crowd of anonymous checks must not take the
/// server from the people entering data.
pub struct ChainCheckLimits {
    pub(crate) incremental: Semaphore,
    pub(crate) full: Semaphore,
}

impl Default for ChainCheckLimits {
    fn default() -> Self {
        ChainCheckLimits { incremental: Semaphore::new(2), full: Semaphore::new(1) }
    }
}
