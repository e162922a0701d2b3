//! The DPRD's dapil and members over the API and the page: kept by Bappeda and the DPRD
//! secretariat, read by users of the pemda, refused to everyone else; a kecamatan in one dapil
//! only; a member is an anggota_dprd account, its assistants sekretariat_dprd accounts.

mod common;

use axum::http::StatusCode;
use common::{TestApp, csrf_of, field, fields};
use serde_json::{Value, json};

const PASSWORD: &str = "Sekretariat-Uji-2027";

async fn secretariat(t: &TestApp, admin: &str, username: &str) {
    let user = json!({"username": username, "name": "Staf Sekretariat", "password": PASSWORD,
        "grants": [{"role": "sekretariat_dprd", "scope": ""}]});
    let created = t.json("POST", "/api/v1/users", Some(admin), &user).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
}

fn dapil(code: &str, kecamatan: &[&str]) -> Value {
    json!({"code": code, "name": format!("Dapil {code}"), "kecamatan": kecamatan})
}

#[tokio::test]
async fn the_secretariat_keeps_dapil_and_members() {
    let t = TestApp::new().await;
    let admin = t.token("bappeda").await;
    secretariat(&t, &admin, "setwan.uji").await;
    let setwan = t.token_with("setwan.uji", PASSWORD).await;

    let saved = t.json("POST", "/api/v1/dapil", Some(&setwan), &dapil("MEDAN-1", &["12.71.01", "12.71.02"])).await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text);
    assert_eq!(saved.json(), dapil("MEDAN-1", &["12.71.01", "12.71.02"]));
    let taken = t
        .json("POST", "/api/v1/dapil", Some(&admin), &dapil("MEDAN-2", &["12.71.02", "12.71.03", "12.71.01.1001"]))
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&taken), vec![field("kecamatan[0]", "in_another_dapil"), field("kecamatan[2]", "wrong_level")]);
    let empty =
        t.json("POST", "/api/v1/dapil", Some(&admin), &json!({"code": "MEDAN-3", "name": "x", "kecamatan": []})).await;
    assert_eq!(fields(&empty), vec![field("kecamatan", "required")]);
    assert_eq!(
        t.json("POST", "/api/v1/dapil", Some(&admin), &dapil("MEDAN-2", &["12.71.03"])).await.status,
        StatusCode::CREATED
    );
    let listed = t.get("/api/v1/dapil", Some(&admin)).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 2);

    let member = json!({"username": "dprd.demo", "fraksi": "Fraksi Uji", "komisi": "Komisi D",
        "dapil": "MEDAN-1", "assistants": ["setwan.uji"]});
    let saved = t.json("POST", "/api/v1/dprd/members", Some(&setwan), &member).await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text);
    assert_eq!(saved.json()["assistants"], json!(["setwan.uji"]));
    assert_eq!(saved.json()["name"], "Anggota DPRD (demo)");
    let wrong = json!({"username": "opd.pupr", "fraksi": "", "komisi": "Komisi D", "dapil": "MEDAN-9",
        "assistants": ["kec.medankota"]});
    let refused = t.json("POST", "/api/v1/dprd/members", Some(&admin), &wrong).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&refused),
        vec![
            field("username", "not_of_role"),
            field("fraksi", "required"),
            field("dapil", "unknown_dapil"),
            field("assistants[0]", "not_of_role"),
        ]
    );
    assert!(
        refused.json()["errors"][0]["detail"].as_str().unwrap_or_default().contains("Anggota DPRD")
            || refused.text.contains("Anggota DPRD"),
        "{}",
        refused.text
    );
    let members = t.get("/api/v1/dprd/members", Some(&admin)).await.json();
    assert_eq!(members.as_array().unwrap().len(), 1);

    // Others read; none of them keeps the DPRD.
    for username in ["dprd.demo", "opd.pupr", "kec.medankota", "auditor"] {
        let token = t.token(username).await;
        assert_eq!(t.get("/api/v1/dprd/members", Some(&token)).await.json(), members, "{username} reads");
        let refused = t.json("POST", "/api/v1/dapil", Some(&token), &dapil("MEDAN-4", &["12.71.04"])).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{username}");
        assert_eq!(t.json("POST", "/api/v1/dprd/members", Some(&token), &member).await.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(t.get("/api/v1/dapil", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        t.json("POST", "/api/v1/dapil", None, &dapil("X", &["12.71.04"])).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_dprd_page_keeps_dapil_and_members() {
    let t = TestApp::new().await;
    let cookie = t.page_login("bappeda").await;
    let page = t.page("GET", "/dprd", Some(&cookie), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Belum ada dapil."));
    assert!(page.text.contains("value=\"12.71.01\""), "the kecamatan to choose from");
    let csrf = csrf_of(&page.text);
    let body = format!("csrf={csrf}&code=MEDAN-1&name=Medan+Satu&kecamatan=12.71.01&kecamatan=12.71.02");
    let saved = t.send_form("/dprd/dapil", &cookie, &body).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let again = t
        .send_form("/dprd/dapil", &cookie, &format!("csrf={csrf}&code=MEDAN-2&name=Medan+Dua&kecamatan=12.71.02"))
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text.contains("kecamatan itu sudah termasuk dapil lain"), "{}", again.text);
    assert!(again.text.contains("value=\"Medan Dua\""), "what was typed stays");
    let member = format!("csrf={csrf}&username=dprd.demo&fraksi=Fraksi+Uji&komisi=Komisi+D&dapil=MEDAN-1&assistants=");
    let saved = t.send_form("/dprd/members", &cookie, &member).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let page = t.page("GET", "/dprd", Some(&cookie), None).await;
    assert!(page.text.contains("Anggota dprd.demo disimpan."));
    assert!(page.text.contains("Anggota DPRD (demo)") && page.text.contains("Fraksi Uji"));

    let operator = t.page_login("opd.pupr").await;
    let page = t.page("GET", "/dprd", Some(&operator), None).await;
    assert!(page.text.contains("Medan Satu") && !page.text.contains("id=\"save-dapil\""));
    let refused = t
        .send_form("/dprd/dapil", &operator, &format!("csrf={}&code=X&name=X&kecamatan=12.71.05", csrf_of(&page.text)))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
