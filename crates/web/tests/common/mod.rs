// Each test binary uses a different part of these helpers.
#![allow(dead_code)]

//! A test application on a fresh database (SQLite, or PostgreSQL when
//! `RENCANA_TEST_DATABASE_URL` is set) with the Kota Medan demo.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use domain::{MasterDataCommand, ScheduleCommand};
use http_body_util::BodyExt;
use serde_json::Value;
use store::testing::{TestDatabase, database};
use time::OffsetDateTime;
use tower::ServiceExt;

pub const PASSWORD: &str = store::seed::DEMO_PASSWORD;

/// The installation's log key in tests: always the same, so a test can check signatures.
pub fn test_log() -> std::sync::Arc<web::TransparencyLog> {
    let key = domain::transparency::LogKey::from_seed("rencana.test", [1; 32]).expect("a valid name");
    std::sync::Arc::new(web::TransparencyLog::new(key))
}

pub struct TestApp {
    pub app: Router,
    pub db: TestDatabase,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub text: String,
    /// The body as sent: for downloads that are not text.
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// The `name=value` of the session cookie this reply sets, if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("rencana_session="))
            .and_then(|v| v.split(';').next())
            .map(str::to_string)
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }

    /// Every response carries these, whatever its status or type: a policy that forbids
    /// framing, no sniffing of types, no referrer sent elsewhere.
    pub fn assert_security_headers(&self, what: &str) {
        let policy = self.header("content-security-policy").unwrap_or_default();
        assert!(
            policy.contains("frame-ancestors 'none'") && policy.contains("default-src"),
            "{what} ({}) has Content-Security-Policy {policy:?}",
            self.status
        );
        assert_eq!(self.header("x-content-type-options").as_deref(), Some("nosniff"), "{what} ({})", self.status);
        assert_eq!(self.header("referrer-policy").as_deref(), Some("same-origin"), "{what} ({})", self.status);
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        TestApp::with_printer(None).await
    }

    /// An app that prints documents with `printer` (typst, in the tests that print).
    pub async fn with_printer(printer: Option<std::sync::Arc<dyn reports::print::Printer>>) -> TestApp {
        let db = database().await.expect("test database");
        // The demo's pemda, lingkungan and accounts, without its 6,000 proposals: tests that need
        // a cycle make their own.
        store::seed::seed_demo_foundation(&db.store, OffsetDateTime::now_utc()).await.expect("demo");
        let app = web::app(
            db.store.clone(),
            web::Config {
                demo: true,
                secure_cookies: false,
                tile_url: String::new(),
                exposed_without_secure_cookies: false,
                log: test_log(),
                printer,
                public_url: "http://127.0.0.1".into(),
            },
        );
        TestApp { app, db }
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response: Response<Body> = self.app.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        Reply { status, headers, text: String::from_utf8_lossy(&bytes).to_string(), bytes: bytes.to_vec() }
    }

    pub async fn get(&self, uri: &str, token: Option<&str>) -> Reply {
        let mut request = Request::get(uri);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    pub async fn json(&self, method: &str, uri: &str, token: Option<&str>, body: &Value) -> Reply {
        let mut request = Request::builder().method(method).uri(uri).header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.send(request.body(Body::from(body.to_string())).unwrap()).await
    }

    pub async fn token(&self, username: &str) -> String {
        self.token_with(username, PASSWORD).await
    }

    pub async fn token_with(&self, username: &str, password: &str) -> String {
        let reply = self
            .json("POST", "/api/v1/session", None, &serde_json::json!({"username": username, "password": password}))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.json()["token"].as_str().unwrap().to_string()
    }

    /// A browser-like page request carrying a cookie header.
    pub async fn page(&self, method: &str, uri: &str, cookie: Option<&str>, form: Option<&[(&str, &str)]>) -> Reply {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let body = match form {
            Some(fields) => {
                request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from(serde_urlencoded::to_string(fields).unwrap())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).unwrap()).await
    }

    /// A url-encoded form already written out, with the session cookie.
    pub async fn send_form(&self, uri: &str, cookie: &str, body: &str) -> Reply {
        let request = Request::post(uri)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(request).await
    }

    /// Logs in through the login form; returns the session cookie.
    pub async fn page_login(&self, username: &str) -> String {
        self.page_login_with(username, PASSWORD).await
    }

    /// Logs in through the login form with `password`; returns the session cookie.
    pub async fn page_login_with(&self, username: &str, password: &str) -> String {
        let page = self.page("GET", "/login", None, None).await;
        let cookie = page.session_cookie().expect("login page starts a session");
        let csrf = csrf_of(&page.text);
        let reply = self
            .page(
                "POST",
                "/login",
                Some(&cookie),
                Some(&[("csrf", &csrf), ("username", username), ("password", password)]),
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text);
        reply.session_cookie().expect("a new session id at login")
    }
}

/// The CSRF token of the first form on a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a csrf field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// A cycle of its own for `year` (one the demo does not use), every forum open today, one OPD
/// and one kamus item priced `unit_price` per meter. Returns the cycle's id.
pub async fn open_cycle(t: &TestApp, year: i32, online: bool, opd: &str, kamus: &str, unit_price: &str) -> uuid::Uuid {
    use domain::cycle::{ForwardCaps, Stage, Window};
    use domain::kamus::KamusInput;
    use domain::schedule::CreateCycle;
    use domain::{Actor, Command, RegionCode};
    let system = Actor::System { label: "test".into() };
    let now = OffsetDateTime::now_utc();
    let pemda = RegionCode::parse("12.71").unwrap();
    let cycle_id = uuid::Uuid::now_v7();
    let open = Window { opens: now - time::Duration::days(1), closes: now + time::Duration::days(30) };
    let mut commands = vec![Command::Schedule(ScheduleCommand::CreateCycle(CreateCycle {
        pemda: pemda.clone(),
        cycle_id,
        tahun_anggaran: year,
    }))];
    for stage in Stage::FORUMS {
        commands.push(Command::Schedule(ScheduleCommand::SetStageWindow { cycle_id, stage, window: open }));
    }
    commands.push(Command::Schedule(ScheduleCommand::SetCycleSettings {
        cycle_id,
        caps: ForwardCaps::default(),
        online_proposals: online,
    }));
    commands.push(Command::MasterData(MasterDataCommand::CreateOpd {
        pemda: pemda.clone(),
        code: opd.into(),
        name: format!("Dinas Uji {opd}"),
    }));
    let item = KamusInput {
        code: kamus.into(),
        name: format!("Pekerjaan uji {kamus}"),
        unit: "meter".into(),
        unit_price: unit_price.into(),
        opd_code: opd.into(),
        bidang: "infrastruktur_kewilayahan".into(),
        fisik: "ya".into(),
        sub_kegiatan: String::new(),
    };
    commands.push(Command::MasterData(MasterDataCommand::UpsertKamus {
        pemda,
        tahun_anggaran: year,
        items: vec![item],
        batch: false,
    }));
    t.db.store.execute_batch(&system, &commands, now).await.unwrap();
    cycle_id
}

/// The `(field, rule)` pairs of a problem answer, in order.
pub fn fields(reply: &Reply) -> Vec<(String, String)> {
    reply.json()["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {}", reply.text))
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_string(), e["rule"].as_str().unwrap().to_string()))
        .collect()
}

pub fn field(name: &str, rule: &str) -> (String, String) {
    (name.to_string(), rule.to_string())
}

/// A CSV body posted to the API with a bearer token.
pub async fn send_csv(t: &TestApp, uri: &str, token: &str, body: &str) -> Reply {
    let request = Request::post(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(body.to_string()))
        .unwrap();
    t.send(request).await
}

/// A browser's multipart upload of a year's CSV form (`csrf`, `tahun_anggaran`, `file`) to `uri`.
pub async fn upload_year_csv(t: &TestApp, uri: &str, cookie: &str, csrf: &str, tahun: &str, file: &str) -> Reply {
    let fields = [("csrf", csrf), ("tahun_anggaran", tahun)];
    multipart(t, uri, cookie, &fields, "file", ("upload.csv", "text/csv", file.as_bytes())).await
}

/// A browser's multipart upload of a form with its CSRF token and one file (`file`) to `uri`.
pub async fn upload_file(t: &TestApp, uri: &str, cookie: &str, csrf: &str, file: &[u8]) -> Reply {
    upload_as(t, uri, cookie, csrf, "file", file).await
}

/// As [`upload_file`], the file sent as the form's field `name`.
pub async fn upload_as(t: &TestApp, uri: &str, cookie: &str, csrf: &str, name: &str, file: &[u8]) -> Reply {
    multipart(t, uri, cookie, &[("csrf", csrf)], name, ("upload", "application/octet-stream", file)).await
}

/// A browser's multipart form to `uri`: its text fields, then one file (name, type, bytes) as the
/// field `file_field`.
async fn multipart(
    t: &TestApp,
    uri: &str,
    cookie: &str,
    fields: &[(&str, &str)],
    file_field: &str,
    file: (&str, &str, &[u8]),
) -> Reply {
    let boundary = "----rencana-test";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    let (file_name, content_type, bytes) = file;
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{file_name}\"\r\n\
             Content-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = Request::post(uri)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    t.send(request).await
}

/// The SHA-256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
