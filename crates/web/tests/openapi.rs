//! The OpenAPI document promises what the server does: every refusal an operation can give is
//! listed as an RFC 9457 problem, and inputs carry the rules' constraints, so that a client
//! generated from the document sends what the server takes.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use domain::cycle::Stage;
use serde_json::Value;

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// A response as written, or the shared one it refers to.
fn resolve<'a>(doc: &'a Value, response: &'a Value) -> &'a Value {
    match response["$ref"].as_str() {
        Some(reference) => {
            let name = reference.strip_prefix("#/components/responses/").expect("a shared response");
            &doc["components"]["responses"][name]
        }
        None => response,
    }
}

fn operations(doc: &Value) -> Vec<(String, &'static str, &Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                found.push((path.clone(), method, operation));
            }
        }
    }
    found
}

/// Every `$ref` in `value`, for checking that each names something the document holds.
fn references<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                found.push(reference);
            }
            map.values().for_each(|v| references(v, found));
        }
        Value::Array(list) => list.iter().for_each(|v| references(v, found)),
        _ => {}
    }
}

fn parameter<'a>(operation: &'a Value, name: &str) -> &'a Value {
    operation["parameters"]
        .as_array()
        .and_then(|list| list.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("no parameter {name}"))
}

#[tokio::test]
async fn every_operation_lists_its_refusals_as_problems() {
    let t = TestApp::new().await;
    let doc = t.get("/api/v1/openapi.json", None).await.json();
    let operations = operations(&doc);
    assert!(operations.len() >= 39, "{} operations", operations.len());
    for (path, method, operation) in &operations {
        let name = format!("{} {path}", method.to_uppercase());
        let responses = operation["responses"].as_object().expect("responses");
        let statuses: Vec<u16> = responses.keys().filter_map(|s| s.parse().ok()).collect();
        for (status, response) in responses {
            let code: u16 = status.parse().unwrap();
            // The health check's 503 is its own report, not a refusal.
            if code < 400 || (path == "/api/v1/health" && code == 503) {
                continue;
            }
            let content = resolve(&doc, response)["content"].as_object().expect("content");
            let types: Vec<&String> = content.keys().collect();
            assert_eq!(types, ["application/problem+json"], "{name} {status}");
            assert_eq!(content["application/problem+json"]["schema"]["$ref"], "#/components/schemas/Problem");
        }
        let has = |status: u16| statuses.contains(&status);
        let parameters = operation["parameters"].as_array().cloned().unwrap_or_default();
        let in_path = parameters.iter().any(|p| p["in"] == "path");
        let in_query = parameters.iter().any(|p| p["in"] == "query");
        let security = operation["security"].as_array().cloned().unwrap_or_default();
        let needs_token = !security.is_empty() && !security.contains(&serde_json::json!({}));
        // Any request may carry a control character in its query.
        assert!(has(422), "{name} lacks 422");
        if in_path || in_query {
            assert!(has(400), "{name} lacks 400");
        }
        if in_path {
            assert!(has(404), "{name} lacks 404");
        }
        if !security.is_empty() {
            assert!(has(401), "{name} lacks 401");
        }
        if needs_token {
            assert!(has(403), "{name} lacks 403");
        }
        if matches!(*method, "post" | "put" | "delete") {
            assert!(has(503), "{name} lacks 503");
        }
        if needs_token && matches!(*method, "post" | "put" | "delete") {
            assert!(has(409), "{name} lacks 409");
        }
    }
    let mut found = Vec::new();
    references(&doc, &mut found);
    for reference in found {
        let target = reference.strip_prefix('#').and_then(|pointer| doc.pointer(pointer));
        assert!(target.is_some_and(|t| !t.is_null()), "{reference} names nothing");
    }
    let login = &doc["paths"]["/api/v1/session"]["post"]["responses"];
    assert!(login.get("401").is_some() && login.get("429").is_some());
    let shared = &doc["components"]["responses"];
    assert!(shared["Unauthenticated"]["headers"].get("WWW-Authenticate").is_some());
    assert!(shared["Throttled"]["headers"].get("Retry-After").is_some());
    assert!(shared["Busy"]["headers"].get("Retry-After").is_some());
    // Only a validation problem has `errors`: a schema that required it would refuse the rest.
    let required = doc["components"]["schemas"]["Problem"]["required"].as_array().cloned().unwrap_or_default();
    assert!(!required.contains(&Value::from("errors")), "{required:?}");
}

#[tokio::test]
async fn inputs_carry_the_rules_constraints() {
    let t = TestApp::new().await;
    let doc = t.get("/api/v1/openapi.json", None).await.json();
    let paths = &doc["paths"];
    let schemas = &doc["components"]["schemas"];

    let region = &parameter(&paths["/api/v1/regions/{code}"]["get"], "code")["schema"];
    assert_eq!(region["pattern"], r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4}(\.[0-9]{1,3})?)?)?)?$");
    let kecamatan = &parameter(&paths["/api/v1/cycles/{id}/ceilings/{region_code}"]["put"], "region_code")["schema"];
    assert_eq!(kecamatan["pattern"], r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$");

    let all: Vec<Value> = Stage::ALL.iter().map(|s| Value::from(s.as_str())).collect();
    let forums: Vec<Value> = Stage::FORUMS.iter().map(|s| Value::from(s.as_str())).collect();
    let window = &paths["/api/v1/cycles/{id}/stages/{stage}"]["put"];
    assert_eq!(parameter(window, "stage")["schema"]["enum"], Value::from(all.clone()));
    let listed = &paths["/api/v1/proposals"]["get"];
    // An empty filter is no filter.
    let filter: Vec<Value> = all.iter().cloned().chain([Value::from("")]).collect();
    assert_eq!(parameter(listed, "stage")["schema"]["enum"], Value::from(filter));
    assert_eq!(schemas["NewProposal"]["properties"]["stage"]["enum"], Value::from(forums));

    let proposal = &schemas["NewProposal"]["properties"];
    assert_eq!(proposal["title"]["maxLength"], domain::musrenbang::TITLE_MAX);
    assert_eq!(proposal["problem"]["maxLength"], domain::musrenbang::TEXT_MAX);
    assert!(proposal["title"]["pattern"].as_str().unwrap().contains(r"\u0000"), "controls are refused");
    assert_eq!(proposal["lingkungan"]["pattern"], r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}\.[0-9]{1,3}$");
    let year = &schemas["NewCycle"]["properties"]["tahun_anggaran"];
    assert_eq!(
        (year["minimum"].clone(), year["maximum"].clone()),
        (domain::cycle::YEARS.0.into(), domain::cycle::YEARS.1.into())
    );
    let price = &schemas["KamusItemInput"]["properties"]["unit_price"]["oneOf"][0];
    assert_eq!(price["maximum"], domain::kamus::PRICE_MAX);
    let roles: Vec<Value> = domain::Role::ALL.iter().map(|r| Value::from(r.as_str())).collect();
    let grants = &schemas["NewUser"]["properties"]["grants"];
    assert_eq!(grants["minItems"], 1);
    let kinds = grants["items"]["oneOf"].as_array().expect("one shape per role");
    let listed: Vec<Value> = kinds.iter().map(|k| k["properties"]["role"]["enum"][0].clone()).collect();
    assert_eq!(listed, roles);
    let kepala = kinds.iter().find(|k| k["properties"]["role"]["enum"][0] == "kepala_lingkungan").unwrap();
    assert_eq!(kepala["properties"]["scope"]["pattern"], proposal["lingkungan"]["pattern"]);
    assert_eq!(schemas["NewUser"]["properties"]["username"]["maxLength"], domain::accounts::USERNAME_MAX);
}

/// The refusals the document lists for an unreadable path or query, or a token the server does
/// not know, come as problems.
#[tokio::test]
async fn unreadable_requests_are_refused_with_a_problem() {
    let t = TestApp::new().await;
    for uri in ["/api/v1/regions/%FF", "/api/v1/proposals?limit=many", "/api/v1/proposals?cycle=1&cycle=2"] {
        let reply = t.get(uri, None).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{uri}: {}", reply.text);
        assert_eq!(reply.header("content-type").as_deref(), Some("application/problem+json"), "{uri}");
        assert_eq!(reply.json()["status"], 400);
    }
    let reply = t.get("/api/v1/proposals", Some("not-a-token")).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.header("content-type").as_deref(), Some("application/problem+json"));
    assert_eq!(reply.header("www-authenticate").as_deref(), Some("Bearer"));
}

/// A body the document calls valid is read (JSON Schema counts `3.0` as an integer), and one it
/// calls invalid is refused (an array where it promises an object).
#[tokio::test]
async fn bodies_are_read_as_the_document_describes_them() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2090, false, "9.99", "UJI-1", "1000").await;
    let admin = t.token("bappeda").await;
    let settings = format!("/api/v1/cycles/{cycle}/settings");
    let whole = t.json("PUT", &settings, Some(&admin), &serde_json::json!({"caps": {"rembuk_warga": 3.0}})).await;
    assert_eq!(whole.status, StatusCode::OK, "{}", whole.text);
    assert_eq!(whole.json()["caps"]["rembuk_warga"], 3);
    for body in [
        serde_json::json!([]),
        serde_json::json!({"caps": [null, 2]}),
        serde_json::json!({"caps": {"rembuk_warga": 2.5}}),
    ] {
        let reply = t.json("PUT", &settings, Some(&admin), &body).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", reply.text);
    }
    let ceiling = format!("/api/v1/cycles/{cycle}/ceilings/12.71.01");
    let reply = t.json("PUT", &ceiling, Some(&admin), &serde_json::json!({"amount": 2500000.0})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json()["amount"], 2_500_000);
    // The document promises a year in `?tahun=`; one that is none is refused even when unused.
    let item = serde_json::json!({"tahun_anggaran": 2090, "code": "UJI-2", "name": "Uji", "unit": "meter",
        "unit_price": 1000, "opd_code": "9.99", "bidang": "ekonomi_sda", "fisik": true});
    let reply = t.json("POST", "/api/v1/kamus?tahun=AAA", Some(&admin), &item).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text);
    assert_eq!(t.json("POST", "/api/v1/kamus", Some(&admin), &item).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn the_api_is_browsable_at_api_docs_without_fetching_anything_from_elsewhere() {
    let t = common::TestApp::new().await;
    let moved = t.get("/api/docs", None).await;
    assert_eq!(moved.status, axum::http::StatusCode::PERMANENT_REDIRECT);
    let index = t.get("/api/docs/", None).await;
    assert_eq!(index.status, axum::http::StatusCode::OK);
    assert!(index.text.contains("swagger-ui-bundle.js"));
    assert!(!index.text.contains("https://"), "every file of the UI comes from this server");
    let initializer = t.get("/api/docs/swagger-initializer.js", None).await;
    assert!(initializer.text.contains("\"url\": \"/api/v1/openapi.json\""), "{}", initializer.text);
    let bundle = t.get("/api/docs/swagger-ui-bundle.js", None).await;
    assert_eq!(bundle.status, axum::http::StatusCode::OK);
    assert!(bundle.header("content-type").unwrap_or_default().contains("javascript"));
    assert_eq!(t.get("/api/docs/nothing-here.js", None).await.status, axum::http::StatusCode::NOT_FOUND);
}
