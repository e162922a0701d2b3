//! Every route, asked with control characters and NUL bytes in each of its parameters, by a
//! logged-in administrator: never a 500, on either database, and every answer carries the
//! security headers (Content-Security-Policy with `frame-ancestors 'none'`, `nosniff`, the
//! referrer policy), also those a layer gives before any handler runs. The routes are not listed by hand:
//! the API's come from its OpenAPI document and the pages' from the `.route("…")` calls in
//! `src/pages`, so a new route is tried the day it is added.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{TestApp, csrf_of, open_cycle};
use serde_json::{Value, json};

/// What goes where a parameter should be: a NUL, a line break, a vertical tab, an escape.
const HOSTILE: [&str; 4] = ["%00", "a%0Ab", "%0B", "x%1B%5B31m"];
/// The same, raw, for JSON and form bodies.
const HOSTILE_RAW: [&str; 3] = ["\u{0}", "a\nb\u{0}", "\u{b}\u{1b}[31m"];

/// Route patterns of the pages, read from their routers' source.
fn page_routes() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/pages");
    let mut routes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for part in source.split(".route(\"").skip(1) {
            routes.push(part.split('"').next().unwrap().to_string());
        }
    }
    routes.sort();
    routes.dedup();
    assert!(routes.len() > 30, "the page routes were found: {routes:?}");
    routes
}

/// A plausible value for a path parameter, so that the other parameters reach their handler.
fn plausible(name: &str, ids: &Ids) -> String {
    match name {
        "cycle" => ids.cycle.clone(),
        "id" => ids.proposal.clone(),
        "stage" => "musrenbang_kelurahan".into(),
        "region" | "region_code" | "code" => "12.71.01.1001".into(),
        "lang" => "en".into(),
        _ => "x".into(),
    }
}

struct Ids {
    cycle: String,
    proposal: String,
}

/// Every filling of `pattern` with one parameter hostile and the others plausible.
fn fillings(pattern: &str, ids: &Ids) -> Vec<String> {
    let names: Vec<&str> = pattern.split('{').skip(1).filter_map(|p| p.split('}').next()).collect();
    let fill = |hostile_at: Option<(usize, &str)>| {
        let mut path = pattern.to_string();
        for (i, name) in names.iter().enumerate() {
            let value = match hostile_at {
                Some((at, value)) if at == i => value.to_string(),
                _ => plausible(name.trim_start_matches('*'), ids),
            };
            path = path.replace(&format!("{{{name}}}"), &value);
        }
        path
    };
    let mut all = vec![fill(None)];
    for i in 0..names.len() {
        for value in HOSTILE {
            all.push(fill(Some((i, value))));
        }
    }
    all
}

/// Query parameters a page or operation may read, all hostile at once, then one at a time.
const QUERY_NAMES: [&str; 12] =
    ["page", "cursor", "limit", "region", "stage", "status", "origin", "opd", "cycle", "pemda", "tahun", "next"];

fn queries() -> Vec<String> {
    let mut all: Vec<String> = HOSTILE.iter().map(|v| QUERY_NAMES.map(|n| format!("{n}={v}")).join("&")).collect();
    all.extend(QUERY_NAMES.iter().map(|n| format!("{n}=%00")));
    all.push("%00=%00".into());
    all
}

/// Form fields the pages' forms use, all hostile.
fn hostile_form(csrf: &str, value: &str) -> String {
    let names = [
        "title",
        "problem",
        "kamus_code",
        "volume",
        "lingkungan",
        "address",
        "latitude",
        "longitude",
        "track",
        "stage",
        "decision",
        "reason",
        "kecamatan",
        "amount",
        "code",
        "name",
        "unit",
        "unit_price",
        "opd_code",
        "bidang",
        "fisik",
        "username",
        "password",
        "role",
        "scope",
        "date",
        "place",
        "chair",
        "attendees",
        "delegates",
        "order",
        "opens",
        "closes",
        "cap_rembuk_warga",
        "tahun_anggaran",
        "kelurahan",
        "number",
        "page",
        "next",
    ];
    let mut pairs = vec![("csrf".to_string(), csrf.to_string())];
    pairs.extend(names.iter().map(|n| (n.to_string(), value.to_string())));
    serde_urlencoded::to_string(pairs).unwrap()
}

async fn setup() -> (TestApp, Ids, String, String, String) {
    let t = TestApp::new().await;
    let cycle = open_cycle(&t, 2031, true, "9.01", "UJI-JLN", "100.000").await;
    let token = t.token("bappeda").await;
    let kepling = t.token("kepling.pasarbaru1").await;
    let proposal = json!({
        "cycle_id": cycle, "stage": "rembuk_warga", "title": "Jalan", "problem": "Rusak",
        "kamus_code": "UJI-JLN", "volume": "10", "lingkungan": "12.71.01.1001.001", "address": "Jl. A",
        "track": "apbd"
    });
    let reply = t.json("POST", "/api/v1/proposals", Some(&kepling), &proposal).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let proposal_id = reply.json()["id"].as_str().unwrap().to_string();
    let cookie = t.page_login("bappeda").await;
    let home = t.page("GET", "/regions/12.71", Some(&cookie), None).await;
    let csrf = csrf_of(&home.text);
    (t, Ids { cycle: cycle.to_string(), proposal: proposal_id }, token, cookie, csrf)
}

/// Never a 500, and whatever the answer, the security headers on it.
fn assert_answered(method: &str, uri: &str, reply: &common::Reply) {
    let (status, text) = (reply.status, &reply.text);
    assert!(!status.is_server_error(), "{method} {uri} gave {status}: {}", &text[..text.len().min(400)]);
    reply.assert_security_headers(&format!("{method} {uri}"));
}

#[tokio::test]
async fn no_page_answers_a_control_character_with_a_500() {
    let (t, ids, _, cookie, csrf) = setup().await;
    let mut tried = 0;
    for pattern in page_routes() {
        for path in fillings(&pattern, &ids) {
            for query in queries() {
                let uri = format!("{path}?{query}");
                let reply = t.page("GET", &uri, Some(&cookie), None).await;
                assert_answered("GET", &uri, &reply);
                tried += 1;
            }
            for value in HOSTILE_RAW {
                let reply = t.send_form(&path, &cookie, &hostile_form(&csrf, value)).await;
                assert_answered("POST", &path, &reply);
                tried += 1;
            }
        }
    }
    // A login whose username holds a NUL is a plain failed login.
    let login = t.page("GET", "/login", None, None).await;
    let session = login.session_cookie().unwrap();
    let body = serde_urlencoded::to_string([
        ("csrf", csrf_of(&login.text).as_str()),
        ("username", "bappeda\u{0}"),
        ("password", "x"),
    ])
    .unwrap();
    let reply = t.send_form("/login", &session, &body).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text);
    assert!(tried > 1000, "{tried}");
}

/// A JSON body for an operation: every property its schema names, set to `value`.
fn hostile_body(doc: &Value, operation: &Value, value: &str) -> Value {
    let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
    let schema = match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap_or_default();
            &doc["components"]["schemas"][name]
        }
        None => schema,
    };
    let mut body = serde_json::Map::new();
    if let Some(properties) = schema["properties"].as_object() {
        for name in properties.keys() {
            body.insert(name.clone(), Value::String(value.to_string()));
        }
    }
    Value::Object(body)
}

#[tokio::test]
async fn no_api_operation_answers_a_control_character_with_a_500() {
    let (t, ids, token, _, _) = setup().await;
    let doc = t.get("/api/v1/openapi.json", None).await.json();
    let mut tried = 0;
    for (pattern, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let method = method.to_uppercase();
            if !["GET", "POST", "PUT", "DELETE", "PATCH"].contains(&method.as_str()) {
                continue;
            }
            for path in fillings(pattern, &ids) {
                for query in queries() {
                    let uri = format!("{path}?{query}");
                    let request = Request::builder()
                        .method(method.as_str())
                        .uri(&uri)
                        .header(header::AUTHORIZATION, format!("Bearer {token}"))
                        .body(Body::empty())
                        .unwrap();
                    let reply = t.send(request).await;
                    assert_answered(&method, &uri, &reply);
                    tried += 1;
                }
                if method != "GET" {
                    for value in HOSTILE_RAW {
                        let body = hostile_body(&doc, operation, value);
                        let reply = t.json(&method, &path, Some(&token), &body).await;
                        assert_answered(&method, &path, &reply);
                        assert_ne!(reply.status, StatusCode::OK, "{method} {path} took {body}");
                        tried += 1;
                    }
                }
            }
        }
    }
    let reply = t.json("POST", "/api/v1/session", None, &json!({"username": "bappeda\u{0}", "password": "x"})).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text);
    assert!(tried > 1000, "{tried}");
}

#[tokio::test]
async fn answers_given_before_any_handler_carry_the_security_headers_too() {
    let t = TestApp::new().await;
    let token = t.token("bappeda").await;
    // A body over the limit, refused by the layer that counts it.
    let too_large = Request::builder()
        .method("POST")
        .uri("/api/v1/proposals")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, 9 * 1024 * 1024)
        .body(Body::from(vec![b' '; 9 * 1024 * 1024]))
        .unwrap();
    let reply = t.send(too_large).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", reply.text);
    reply.assert_security_headers("a body over the limit");
    for (method, uri) in [
        ("GET", "/no/such/page"),
        ("DELETE", "/proposals"),
        ("GET", "/api/v1/openapi.json"),
        ("GET", "/api/v1/health"),
        ("GET", "/static/app.css"),
        ("GET", "/pindaian/0000000000000000000000000000000000000000000000000000000000000000"),
    ] {
        let request = Request::builder().method(method).uri(uri).body(Body::empty()).unwrap();
        let reply = t.send(request).await;
        assert_answered(method, uri, &reply);
    }
}

/// The database out of reach (its pool closed, as when PostgreSQL is stopped): a logged-in page
/// (its session read through tower-sessions), an API call with a token, and an anonymous page
/// are each a 503 with Retry-After, never a 500. Found by reading the session path after
/// bench/pg-stop.sh showed a token's lookup answered 500.
#[tokio::test]
async fn with_the_database_out_of_reach_every_reader_is_told_503() {
    let t = TestApp::new().await;
    let cookie = t.page_login("bappeda").await;
    let token = t.token("bappeda").await;
    assert_eq!(t.page("GET", "/tasks", Some(&cookie), None).await.status, StatusCode::OK);
    // The pools are shared by every clone of the store, the application's too.
    t.db.store.clone().close().await.unwrap();
    for reply in [
        t.page("GET", "/tasks", Some(&cookie), None).await,
        t.page("GET", "/users", Some(&cookie), None).await,
        t.get("/api/v1/users", Some(&token)).await,
        t.page("GET", "/cycles?pemda=12.71", None, None).await,
    ] {
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{}", reply.text);
        assert_eq!(reply.header("retry-after").as_deref(), Some("5"));
        reply.assert_security_headers("an answer while the database is away");
    }
}
