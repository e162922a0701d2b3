//! Fresh databases for tests: SQLite in a temporary file by default, or a new PostgreSQL
//! database per test when `RENCANA_TEST_DATABASE_URL` names a server (as `make test` does).

use std::path::PathBuf;

use sea_orm::{ConnectionTrait, Database};

use crate::{Result, Store};

/// A store on an empty database of its own. Keep the guard alive for the test's length.
pub struct TestDatabase {
    pub store: Store,
    pub url: String,
    _dir: Option<TempDir>,
    _server_database: Option<ServerDatabase>,
}

/// A PostgreSQL database made for one test, dropped with it: a whole `make test` makes
/// thousands (a property test one per case), and kept they filled the CI machine's disk.
struct ServerDatabase {
    server: String,
    name: String,
}

impl Drop for ServerDatabase {
    fn drop(&mut self) {
        let (server, name) = (self.server.clone(), self.name.clone());
        // Drop runs inside the test's runtime, which cannot be blocked on; a thread of its own
        // with its own runtime can, and joining it keeps the disk bounded while tests run.
        let dropping = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                let admin = Database::connect(server.as_str()).await.ok()?;
                let dropped = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                let _ = admin.close().await;
                dropped.ok()
            })
        });
        let _ = dropping.join();
    }
}

/// A test's own folder under the system's temporary one, removed when the guard drops: when the
/// test ends, passed or failed. (A folder removed by a test's last line stays when an assertion
/// fails first; tests that removed none once left hundreds in `/tmp`.)
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new empty folder named `{prefix}-{unique}`.
    pub fn new(prefix: &str) -> std::io::Result<Self> {
        let dir = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }

    /// A new empty folder `name` inside this one.
    pub fn folder(&self, name: &str) -> std::io::Result<PathBuf> {
        let dir = self.0.join(name);
        std::fs::create_dir_all(&dir)?;
        Ok(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl TestDatabase {
    /// Runs SQL behind the store's back, as someone with database access would: for tests that
    /// tamper with stored data.
    pub async fn tamper(&self, sql: &str) -> Result<()> {
        let raw = Database::connect(self.url.as_str()).await?;
        raw.execute_unprepared(sql).await?;
        raw.close().await?;
        Ok(())
    }
}

pub async fn database() -> Result<TestDatabase> {
    match std::env::var("RENCANA_TEST_DATABASE_URL") {
        Ok(server) if !server.is_empty() => {
            let name = format!("t_{}", uuid::Uuid::now_v7().simple());
            let admin = Database::connect(server.as_str()).await?;
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
            admin.close().await?;
            let url = match server.rsplit_once('/') {
                Some((base, _)) => format!("{base}/{name}"),
                None => format!("{server}/{name}"),
            };
            let guard = ServerDatabase { server, name };
            Ok(TestDatabase {
                store: Store::open(&url).await?.with_attachments(crate::attachments::Attachments::memory()),
                url,
                _dir: None,
                _server_database: Some(guard),
            })
        }
        _ => {
            let dir = TempDir::new("rencana-test").map_err(|e| crate::StoreError::Backup(e.to_string()))?;
            let url = Store::sqlite_url(dir.path());
            Ok(TestDatabase {
                store: Store::open(&url).await?.with_attachments(crate::attachments::Attachments::memory()),
                url,
                _dir: Some(dir),
                _server_database: None,
            })
        }
    }
}

/// A real PNG of `width` × `height` pixels, for tests that upload photos.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    encoded(width, height, image::ImageFormat::Png)
}

/// A real JPEG of `width` × `height` pixels.
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encoded(width, height, image::ImageFormat::Jpeg)
}

fn encoded(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x * 40) as u8, (y * 40) as u8, 128]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(pixels).write_to(&mut out, format).expect("encoding a test image");
    out.into_inner()
}
