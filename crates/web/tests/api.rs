//! The JSON API through the router, on SQLite and on PostgreSQL.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::TestApp;
use domain::AccountCommand;
use serde_json::json;

#[tokio::test]
async fn health_names_the_database() {
    let t = TestApp::new().await;
    let reply = t.get("/api/v1/health", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], t.db.store.backend().name());
    assert!(body["version"].as_str().is_some_and(|v| !v.is_empty()));
}

#[tokio::test]
async fn regions_are_public_and_nested() {
    let t = TestApp::new().await;
    let reply = t.get("/api/v1/regions/12.71", None).await;
    assert_eq!(reply.json(), json!({"code": "12.71", "name": "Kota Medan", "level": "kota"}));
    let kecamatan = t.get("/api/v1/regions/12.71/children", None).await.json();
    assert_eq!(kecamatan.as_array().unwrap().len(), 21);
    assert!(kecamatan.as_array().unwrap().iter().all(|r| r["level"] == "kecamatan"));
    let kelurahan = t.get("/api/v1/regions/12.71.01/children", None).await.json();
    let kelurahan = kelurahan.as_array().unwrap();
    assert!(!kelurahan.is_empty());
    assert!(
        kelurahan.iter().all(|r| r["level"] == "kelurahan" && r["code"].as_str().unwrap().starts_with("12.71.01."))
    );
    let lingkungan = t.get("/api/v1/regions/12.71.01.1001/children", None).await.json();
    assert!(lingkungan.as_array().unwrap().iter().all(|r| r["level"] == "lingkungan"));

    let missing = t.get("/api/v1/regions/12.71.99", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.header("content-type").as_deref(), Some("application/problem+json"));
    let malformed = t.get("/api/v1/regions/12.7x", None).await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(malformed.json()["errors"][0]["field"], "code");
    assert_eq!(malformed.json()["errors"][0]["rule"], "region_code_part");
}

#[tokio::test]
async fn login_token_me_logout() {
    let t = TestApp::new().await;
    let token = t.token("bappeda").await;
    let me = t.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["username"], "bappeda");
    assert_eq!(me.json()["grants"], json!([{"role": "bappeda_admin", "scope": "12.71"}]));

    let logout = t
        .send(
            Request::delete("/api/v1/session")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(logout.status, StatusCode::NO_CONTENT);
    let after = t.get("/api/v1/me", Some(&token)).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(t.get("/api/v1/me", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(t.get("/api/v1/me", Some("not-a-token")).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_passwords_are_refused_in_the_callers_language() {
    let t = TestApp::new().await;
    let body = json!({"username": "bappeda", "password": "salah-sekali-123"});
    let reply = t.json("POST", "/api/v1/session", None, &body).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["title"], "Nama pengguna atau kata sandi salah.");
    let english = t
        .send(
            Request::post("/api/v1/session")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ACCEPT_LANGUAGE, "en-US,en;q=0.9")
                .body(Body::from(json!({"username": "nobody", "password": "x"}).to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(english.status, StatusCode::UNAUTHORIZED);
    assert_eq!(english.json()["title"], "Wrong username or password.");
    let broken = t
        .send(
            Request::post("/api/v1/session")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{"))
                .unwrap(),
        )
        .await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(broken.json()["errors"][0]["field"], "body");
}

#[tokio::test]
async fn five_failures_throttle_the_username_for_fifteen_minutes() {
    let t = TestApp::new().await;
    let wrong = json!({"username": "kel.pasarbaru", "password": "bukan-kata-sandinya"});
    for _ in 0..5 {
        assert_eq!(t.json("POST", "/api/v1/session", None, &wrong).await.status, StatusCode::UNAUTHORIZED);
    }
    let right = json!({"username": "kel.pasarbaru", "password": common::PASSWORD});
    let reply = t.json("POST", "/api/v1/session", None, &right).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = reply.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    // Another username is not affected.
    t.token("bappeda").await;
}

#[tokio::test]
async fn bappeda_manages_users_and_others_may_not() {
    let t = TestApp::new().await;
    let admin = t.token("bappeda").await;
    let listed = t.get("/api/v1/users", Some(&admin)).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.json().as_array().unwrap().len(), store::seed::DEMO_USERS.len());

    let new_user = json!({"username": "op.baru", "name": "Operator Baru", "password": "Kelurahan-Uji-2027",
        "grants": [{"role": "operator_kelurahan", "scope": "12.71.01.1002"}]});
    let created = t.json("POST", "/api/v1/users", Some(&admin), &new_user).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.json()["grants"][0]["scope"], "12.71.01.1002");
    let again = t.json("POST", "/api/v1/users", Some(&admin), &new_user).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(again.json()["errors"][0]["rule"], "taken");
    t.token_with("op.baru", "Kelurahan-Uji-2027").await;

    let weak = json!({"username": "op.lemah", "name": "Lemah", "password": "password123",
        "grants": [{"role": "auditor", "scope": ""}]});
    let reply = t.json("POST", "/api/v1/users", Some(&admin), &weak).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reply.json()["errors"][0],
        json!({"field": "password", "rule": "common_password",
        "message": "Kata sandi termasuk kata sandi yang paling umum dipakai; pilih yang lain."})
    );
    let bad_scope = json!({"username": "op.salah", "name": "Salah", "password": "Kelurahan-Uji-2027",
        "grants": [{"role": "operator_kelurahan", "scope": "12.71.01"}]});
    let reply = t.json("POST", "/api/v1/users", Some(&admin), &bad_scope).await;
    assert_eq!(reply.json()["errors"][0]["field"], "grants[0].scope");
    assert_eq!(reply.json()["errors"][0]["rule"], "wrong_level");

    let auditor = t.token("auditor").await;
    assert_eq!(t.get("/api/v1/users", Some(&auditor)).await.status, StatusCode::OK);
    assert_eq!(t.json("POST", "/api/v1/users", Some(&auditor), &new_user).await.status, StatusCode::FORBIDDEN);
    let operator = t.token("kel.pasarbaru").await;
    assert_eq!(t.get("/api/v1/users", Some(&operator)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(t.get("/api/v1/users", None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn disabling_a_user_ends_their_tokens_at_once() {
    let t = TestApp::new().await;
    let admin = t.token("bappeda").await;
    let operator = t.token("kel.pasarbaru").await;
    assert_eq!(t.get("/api/v1/me", Some(&operator)).await.status, StatusCode::OK);
    let id = t.get("/api/v1/me", Some(&operator)).await.json()["id"].as_str().unwrap().to_string();
    let reply = t.json("POST", &format!("/api/v1/users/{id}/disable"), Some(&admin), &json!({})).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["disabled"], true);
    assert_eq!(t.get("/api/v1/me", Some(&operator)).await.status, StatusCode::UNAUTHORIZED);
    let login = json!({"username": "kel.pasarbaru", "password": common::PASSWORD});
    assert_eq!(t.json("POST", "/api/v1/session", None, &login).await.status, StatusCode::UNAUTHORIZED);
    t.json("POST", &format!("/api/v1/users/{id}/enable"), Some(&admin), &json!({})).await;
    t.token("kel.pasarbaru").await;
}

#[tokio::test]
async fn lingkungan_are_added_by_bappeda_of_the_same_pemda_only() {
    let t = TestApp::new().await;
    let admin = t.token("bappeda").await;
    let uri = "/api/v1/regions/12.71.01.1001/lingkungan";
    let added = t.json("POST", uri, Some(&admin), &json!({"number": "77", "name": "Lingkungan Uji"})).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    assert_eq!(added.json(), json!({"code": "12.71.01.1001.077", "name": "Lingkungan Uji", "level": "lingkungan"}));
    let bad = t.json("POST", uri, Some(&admin), &json!({"number": "abc", "name": ""})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<_> =
        bad.json()["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect();
    assert_eq!(fields, vec!["name", "number"]);
    let operator = t.token("kel.pasarbaru").await;
    let refused = t.json("POST", uri, Some(&operator), &json!({"number": "78", "name": "X"})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // A Bappeda admin of another pemda may not write Medan's regions.
    let now = time::OffsetDateTime::now_utc();
    let system = domain::Actor::System { label: "test".into() };
    t.db.store.add_official_pemda("33.74", &system, now).await.unwrap();
    let hash = store::passwords::hash("Semarang-Admin-2027").await.unwrap();
    let create = domain::Command::Accounts(AccountCommand::CreateUser(domain::accounts::CreateUser {
        pemda: domain::RegionCode::parse("33.74").unwrap(),
        user_id: uuid::Uuid::now_v7(),
        username: "bappeda.smg".into(),
        name: "Admin Semarang".into(),
        password_hash: hash,
        grants: vec![domain::accounts::GrantInput { role: "bappeda_admin".into(), scope: String::new() }],
    }));
    t.db.store.execute(&system, &create, now).await.unwrap();
    let other = t.token_with("bappeda.smg", "Semarang-Admin-2027").await;
    let refused = t.json("POST", uri, Some(&other), &json!({"number": "79", "name": "Y"})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let users = t.get("/api/v1/users", Some(&other)).await.json();
    assert_eq!(users.as_array().unwrap().len(), 1, "a pemda sees only its own users");
}

#[tokio::test]
async fn a_csv_import_goes_in_whole_or_not_at_all() {
    let t = TestApp::new().await;
    let admin = t.token("bappeda").await;
    let post = |body: &'static str| {
        Request::post("/api/v1/regions/12.71.01.1002/lingkungan/import")
            .header(header::AUTHORIZATION, format!("Bearer {admin}"))
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from(body))
            .unwrap()
    };
    let before = t.get("/api/v1/regions/12.71.01.1002/children", None).await.json().as_array().unwrap().len();
    let refused = t.send(post("kelurahan,nomor,nama\n,101,Satu\n,102,\n,x,Tiga\n")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<_> =
        refused.json()["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect();
    assert_eq!(fields, vec!["rows[1].name", "rows[2].number"]);
    let after = t.get("/api/v1/regions/12.71.01.1002/children", None).await.json().as_array().unwrap().len();
    assert_eq!(before, after, "nothing written");
    let accepted = t.send(post("kelurahan,nomor,nama\n,101,Satu\n,102,Dua\n")).await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{}", accepted.text);
    assert_eq!(accepted.json()["added"], 2);
}

#[tokio::test]
async fn the_public_chain_check_catches_one_edited_event() {
    let t = TestApp::new().await;
    let reply = t.get("/api/v1/audit/verify?pemda=12.71", None).await;
    let body = reply.json();
    assert_eq!(body["valid"], true);
    assert!(body["events"].as_i64().unwrap() > 1000);
    assert_eq!(body["first_broken"], serde_json::Value::Null);
    assert_eq!(body["head"].as_str().unwrap().len(), 64);

    assert_eq!((body["checked_after"].as_i64(), body["full"].as_bool()), (Some(0), Some(false)));
    let events = body["events"].as_i64().unwrap();

    // The next public check walks only what came since: here, nothing.
    let body = t.get("/api/v1/audit/verify?pemda=12.71", None).await.json();
    assert_eq!((body["valid"].as_bool(), body["checked_after"].as_i64()), (Some(true), Some(events)));

    // An edit before the checkpoint needs the whole walk, which is for those who may read the
    // audit trail; once it found the break, everyone is told.
    t.db.tamper("UPDATE journal SET actor = 'someone-else' WHERE pemda_code = '12.71' AND seq = 7").await.unwrap();
    assert_eq!(t.get("/api/v1/audit/verify?pemda=12.71&full=true", None).await.status, StatusCode::UNAUTHORIZED);
    let auditor = t.token("auditor").await;
    let body = t.get("/api/v1/audit/verify?pemda=12.71&full=true", Some(&auditor)).await.json();
    assert_eq!(
        (body["valid"].as_bool(), body["first_broken"].as_i64(), body["full"].as_bool()),
        (Some(false), Some(7), Some(true))
    );
    let body = t.get("/api/v1/audit/verify?pemda=12.71", None).await.json();
    assert_eq!(body["valid"], false);
    assert_eq!(body["first_broken"], 7);
    let page = t.page("GET", "/audit?pemda=12.71", None, None).await;
    assert!(page.text.contains("RUSAK"), "{}", page.text);

    assert_eq!(t.get("/api/v1/audit/verify", None).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.get("/api/v1/audit/verify?pemda=33.74", None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_openapi_document_describes_every_fixed_path() {
    let t = TestApp::new().await;
    let doc = t.get("/api/v1/openapi.json", None).await.json();
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/health",
        "/api/v1/session",
        "/api/v1/me",
        "/api/v1/regions/{code}",
        "/api/v1/regions/{code}/children",
        "/api/v1/regions/{code}/lingkungan",
        "/api/v1/regions/{code}/lingkungan/import",
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/api/v1/users/{id}/grants",
        "/api/v1/users/{id}/disable",
        "/api/v1/audit/verify",
        "/api/v1/cycles",
        "/api/v1/cycles/{id}/stages/{stage}",
        "/api/v1/cycles/{id}/ceilings/{region_code}",
        "/api/v1/opd",
        "/api/v1/kamus",
        "/api/v1/proposals",
        "/api/v1/proposals/{id}",
        "/api/v1/proposals/{id}/history",
        "/api/v1/proposals/{id}/decisions",
        "/api/v1/proposals/{id}/supports",
        "/api/v1/proposals/{id}/photos",
        "/api/v1/forums/{cycle}/{stage}/{region_code}/ranking",
        "/api/v1/forums/{cycle}/{stage}/{region_code}/close",
    ] {
        assert!(paths.contains_key(path), "{path} missing from the OpenAPI document");
    }
    assert!(paths["/api/v1/session"].get("post").is_some() && paths["/api/v1/session"].get("delete").is_some());
    assert!(paths["/api/v1/users"].get("get").is_some() && paths["/api/v1/users"].get("post").is_some());
}

/// Each demo role against each API action, in its own pemda: the HTTP wiring of the policy that
/// the domain's matrix test checks in full.
#[tokio::test]
async fn access_matrix_over_http() {
    let t = TestApp::new().await;
    // (username, may list users, may add a lingkungan)
    let expected = [
        ("bappeda", true, true),
        ("auditor", true, false),
        ("kec.medankota", false, false),
        ("kel.pasarbaru", false, false),
        ("kepling.pasarbaru1", false, false),
        ("warga.demo", false, false),
        ("dprd.demo", false, false),
        ("opd.pupr", false, false),
    ];
    for (number, (username, list_users, add_lingkungan)) in expected.iter().enumerate() {
        let token = t.token(username).await;
        let listed = t.get("/api/v1/users", Some(&token)).await.status;
        assert_eq!(listed == StatusCode::OK, *list_users, "{username} GET /users: {listed}");
        let body = json!({"number": (500 + number).to_string(), "name": format!("Lingkungan {username}")});
        let added = t.json("POST", "/api/v1/regions/12.71.01.1001/lingkungan", Some(&token), &body).await.status;
        assert_eq!(added == StatusCode::CREATED, *add_lingkungan, "{username} POST lingkungan: {added}");
        if !add_lingkungan {
            assert_eq!(added, StatusCode::FORBIDDEN);
        }
    }
}

#[tokio::test]
async fn grants_password_resets_and_the_admins_own_account() {
    let t = TestApp::new().await;
    let admin = t.token("bappeda").await;
    let operator = t.token("kel.pasarbaru").await;
    let operator_id = t.get("/api/v1/me", Some(&operator)).await.json()["id"].as_str().unwrap().to_string();

    let grants = json!([{"role": "operator_kelurahan", "scope": "12.71.01.1001"}, {"role": "operator_kelurahan", "scope": "12.71.01.1002"}]);
    let reply = t.json("PUT", &format!("/api/v1/users/{operator_id}/grants"), Some(&admin), &grants).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json()["grants"].as_array().unwrap().len(), 2);

    let weak = t
        .json("PUT", &format!("/api/v1/users/{operator_id}/password"), Some(&admin), &json!({"password": "qwertyuiop"}))
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reset = t
        .json(
            "PUT",
            &format!("/api/v1/users/{operator_id}/password"),
            Some(&admin),
            &json!({"password": "Lupa-Sandi-Baru-2027"}),
        )
        .await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT);
    assert_eq!(
        t.get("/api/v1/me", Some(&operator)).await.status,
        StatusCode::UNAUTHORIZED,
        "a reset ends the old tokens"
    );
    t.token_with("kel.pasarbaru", "Lupa-Sandi-Baru-2027").await;

    let admin_id = t.get("/api/v1/me", Some(&admin)).await.json()["id"].as_str().unwrap().to_string();
    let own = t.json("POST", &format!("/api/v1/users/{admin_id}/disable"), Some(&admin), &json!({})).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(own.json()["errors"][0]["rule"], "own_admin_account");
    let own =
        t.json("PUT", &format!("/api/v1/users/{admin_id}/grants"), Some(&admin), &json!([{"role": "auditor"}])).await;
    assert_eq!(own.json()["errors"][0]["rule"], "own_admin_account");
    assert_eq!(t.get("/api/v1/me", Some(&admin)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn tokens_and_cookie_sessions_are_told_apart() {
    let t = TestApp::new().await;
    let token = t.token("bappeda").await;
    assert_eq!(t.get("/api/v1/me", Some(&token)).await.status, StatusCode::OK);
    // The token as a session cookie: the pages do not know it.
    let as_cookie = format!("rencana_session={token}");
    let page = t.page("GET", "/users", Some(&as_cookie), None).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "a token is no cookie session");
    // A cookie session's id as a bearer token: the API does not know it.
    let cookie = t.page_login("bappeda").await;
    assert_eq!(t.page("GET", "/users", Some(&cookie), None).await.status, StatusCode::OK);
    let id = cookie.trim_start_matches("rencana_session=");
    assert_eq!(t.get("/api/v1/me", Some(id)).await.status, StatusCode::UNAUTHORIZED, "a cookie is no token");
    // Ending "a token" with a cookie's id leaves the cookie session alone.
    let reply = t.json("DELETE", "/api/v1/session", Some(id), &serde_json::json!({})).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text);
    assert_eq!(t.page("GET", "/users", Some(&cookie), None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn health_warns_of_cookies_without_secure_beyond_loopback() {
    let t = TestApp::new().await;
    assert_eq!(t.get("/api/v1/health", None).await.json()["warnings"], serde_json::json!([]));
    let exposed = web::app(
        t.db.store.clone(),
        web::Config {
            demo: false,
            secure_cookies: false,
            tile_url: String::new(),
            exposed_without_secure_cookies: true,
            log: common::test_log(),
            printer: None,
            public_url: "http://127.0.0.1".into(),
        },
    );
    let t2 = TestApp { app: exposed, db: t.db };
    let warnings = t2.get("/api/v1/health", None).await.json()["warnings"].clone();
    assert!(warnings[0].as_str().unwrap().starts_with("insecure_cookies"), "{warnings}");
    assert!(web::Config::cookies_exposed("0.0.0.0:8080".parse().unwrap(), false));
    assert!(!web::Config::cookies_exposed("0.0.0.0:8080".parse().unwrap(), true));
    assert!(!web::Config::cookies_exposed("127.0.0.1:8080".parse().unwrap(), false));
}
