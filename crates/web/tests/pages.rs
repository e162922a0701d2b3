//! The pages through the router: login with CSRF, a new session id at login, the language
//! switch, refusals in the user's language, forms that name the field.

mod common;

use axum::http::StatusCode;
use common::{PASSWORD, TestApp, csrf_of};

#[tokio::test]
async fn login_needs_the_forms_csrf_token_and_cycles_the_session() {
    let t = TestApp::new().await;
    let page = t.page("GET", "/login", None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("<html lang=\"id\">"));
    assert!(page.text.contains("Rencana-Demo-2027"), "demo mode lists the demo accounts");
    let before = page.session_cookie().unwrap();
    let csrf = csrf_of(&page.text);

    let forged = t
        .page(
            "POST",
            "/login",
            Some(&before),
            Some(&[("csrf", "forged"), ("username", "bappeda"), ("password", PASSWORD)]),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.text.contains("Formulir sudah kedaluwarsa"));

    let wrong = t
        .page(
            "POST",
            "/login",
            Some(&before),
            Some(&[("csrf", &csrf), ("username", "bappeda"), ("password", "salah-salah-salah")]),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.text.contains("role=\"alert\">Nama pengguna atau kata sandi salah."));

    let ok = t
        .page(
            "POST",
            "/login",
            Some(&before),
            Some(&[("csrf", &csrf), ("username", "bappeda"), ("password", PASSWORD)]),
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.header("location").as_deref(), Some("/"));
    let after = ok.session_cookie().expect("a new session cookie");
    assert_ne!(before, after, "the session id changes at login");
    let home = t.page("GET", "/", Some(&after), None).await;
    assert!(home.text.contains("<strong id=\"whoami\">bappeda</strong>"));
    // The old id is worthless now.
    let stale = t.page("GET", "/", Some(&before), None).await;
    assert!(!stale.text.contains("id=\"whoami\""));
}

#[tokio::test]
async fn the_language_switch_sets_a_cookie_and_returns() {
    let t = TestApp::new().await;
    let reply = t.page("GET", "/lang/en?next=%2Fregions%2F12.71", None, None).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.header("location").as_deref(), Some("/regions/12.71"));
    let cookie = reply.header("set-cookie").unwrap();
    assert!(cookie.starts_with("rencana_lang=en"));
    let page = t.page("GET", "/regions/12.71", Some("rencana_lang=en"), None).await;
    assert!(page.text.contains("<html lang=\"en\">"));
    assert!(page.text.contains("Regions below"));
    assert!(page.text.contains("hreflang=\"id\""));
    let away = t.page("GET", "/lang/en?next=https%3A%2F%2Fevil.example", None, None).await;
    assert_eq!(away.header("location").as_deref(), Some("/"));
}

#[tokio::test]
async fn pages_refuse_in_the_users_language_without_a_500() {
    let t = TestApp::new().await;
    assert_eq!(t.page("GET", "/users", None, None).await.header("location").as_deref(), Some("/login?next=%2Fusers"));
    let operator = t.page_login("kel.pasarbaru").await;
    let refused = t.page("GET", "/users", Some(&operator), None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text.contains("Anda tidak berwenang melakukan ini."));
    let missing = t.page("GET", "/regions/12.71.99", Some(&operator), None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let nonsense = t.page("GET", "/regions/%00%ff", None, None).await;
    assert_eq!(nonsense.status, StatusCode::BAD_REQUEST);
    assert!(nonsense.text.contains("Permintaan tidak bisa dibaca"));
    let csrf = csrf_of(&t.page("GET", "/", Some(&operator), None).await.text);
    let garbled = t
        .page(
            "POST",
            "/users/00000000-0000-0000-0000-000000000000/grants/remove",
            Some(&operator),
            Some(&[("csrf", &csrf), ("index", "x")]),
        )
        .await;
    assert_eq!(garbled.status, StatusCode::FORBIDDEN, "not theirs to change, however garbled");
    assert!(garbled.text.contains("<html lang=\"id\">"));
    let unknown = t.page("GET", "/tidak-ada", None, None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.text.contains("tidak ada"));
}

#[tokio::test]
async fn bappeda_adds_a_lingkungan_and_bad_input_names_the_field() {
    let t = TestApp::new().await;
    let admin = t.page_login("bappeda").await;
    let page = t.page("GET", "/regions/12.71.01.1001", Some(&admin), None).await;
    assert!(page.text.contains("id=\"add-lingkungan\""));
    let csrf = csrf_of(&page.text);
    let bad = t
        .page(
            "POST",
            "/regions/12.71.01.1001/lingkungan",
            Some(&admin),
            Some(&[("csrf", &csrf), ("number", "abc"), ("name", "Uji")]),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("Nomor harus berupa 1–3 angka."));
    assert!(bad.text.contains("value=\"Uji\""), "the form keeps what was typed");
    let ok = t
        .page(
            "POST",
            "/regions/12.71.01.1001/lingkungan",
            Some(&admin),
            Some(&[("csrf", &csrf), ("number", "95"), ("name", "Lingkungan Uji")]),
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let page = t.page("GET", "/regions/12.71.01.1001", Some(&admin), None).await;
    assert!(page.text.contains("12.71.01.1001.095"));
    assert!(page.text.contains("Lingkungan 12.71.01.1001.095 ditambahkan."), "a flash confirms it");

    let operator = t.page_login("kel.pasarbaru").await;
    let page = t.page("GET", "/regions/12.71.01.1001", Some(&operator), None).await;
    assert!(!page.text.contains("id=\"add-lingkungan\""));
    let csrf = csrf_of(&page.text);
    let refused = t
        .page(
            "POST",
            "/regions/12.71.01.1001/lingkungan",
            Some(&operator),
            Some(&[("csrf", &csrf), ("number", "96"), ("name", "X")]),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bappeda_creates_and_disables_a_user_through_pages() {
    let t = TestApp::new().await;
    let admin = t.page_login("bappeda").await;
    let form = t.page("GET", "/users/new", Some(&admin), None).await;
    let csrf = csrf_of(&form.text);
    let weak = t
        .page(
            "POST",
            "/users/new",
            Some(&admin),
            Some(&[
                ("csrf", &csrf),
                ("username", "op.uji"),
                ("name", "Uji"),
                ("password", "pendek"),
                ("role", "operator_kelurahan"),
                ("scope", "12.71.01.1001"),
            ]),
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.text.contains("Kata sandi minimal 10 karakter."));
    let created = t
        .page(
            "POST",
            "/users/new",
            Some(&admin),
            Some(&[
                ("csrf", &csrf),
                ("username", "op.uji"),
                ("name", "Uji"),
                ("password", "Kelurahan-Uji-2027"),
                ("role", "operator_kelurahan"),
                ("scope", "12.71.01.1001"),
            ]),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    let list = t.page("GET", "/users", Some(&admin), None).await;
    assert!(list.text.contains("op.uji"));

    // The new operator logs in; then the admin disables them and their page session ends.
    let login = t.page("GET", "/login", None, None).await;
    let cookie = login.session_cookie().unwrap();
    let reply = t
        .page(
            "POST",
            "/login",
            Some(&cookie),
            Some(&[("csrf", &csrf_of(&login.text)), ("username", "op.uji"), ("password", "Kelurahan-Uji-2027")]),
        )
        .await;
    let operator = reply.session_cookie().unwrap();
    assert!(t.page("GET", "/", Some(&operator), None).await.text.contains("id=\"whoami\">op.uji<"));
    let id = t.db.store.credentials("op.uji").await.unwrap().unwrap().0.id;
    let page = t.page("GET", &format!("/users/{id}"), Some(&admin), None).await;
    let disabled =
        t.page("POST", &format!("/users/{id}/disable"), Some(&admin), Some(&[("csrf", &csrf_of(&page.text))])).await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER);
    assert!(!t.page("GET", "/", Some(&operator), None).await.text.contains("id=\"whoami\""));
}

#[tokio::test]
async fn the_audit_page_is_public() {
    let t = TestApp::new().await;
    let page = t.page("GET", "/audit", None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Utuh:"));
    let journal = t.page("GET", "/audit/journal?pemda=12.71", None, None).await;
    assert_eq!(
        journal.header("location").as_deref(),
        Some("/login?next=%2Faudit%2Fjournal%3Fpemda%3D12.71"),
        "the journal itself needs an auditor"
    );
    let auditor = t.page_login("auditor").await;
    let journal = t.page("GET", "/audit/journal?pemda=12.71", Some(&auditor), None).await;
    assert!(journal.text.contains("user_created"));
    let log = t.page("GET", "/audit/security?pemda=12.71", Some(&auditor), None).await;
    assert_eq!(log.status, StatusCode::OK);
    let row = log.text.split("<tr>").find(|row| row.contains("class=\"code\">login</td>")).unwrap_or_default();
    assert!(row.contains("class=\"code\">auditor</td>"), "{}", log.text);
    let operator = t.page_login("kel.pasarbaru").await;
    assert_eq!(t.page("GET", "/audit/security?pemda=12.71", Some(&operator), None).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn security_headers_are_set() {
    let t = TestApp::new().await;
    let page = t.page("GET", "/login", None, None).await;
    assert!(page.header("content-security-policy").unwrap().contains("default-src 'self'"));
    assert_eq!(page.header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(page.header("x-frame-options").as_deref(), Some("DENY"));
    let cookie = page.headers.get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let css = t.page("GET", "/static/app.css", None, None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(t.page("GET", "/static/vendor/htmx/htmx.min.js", None, None).await.status, StatusCode::OK);
    assert_eq!(t.page("GET", "/static/vendor/leaflet/leaflet.js", None, None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn lingkungan_go_in_by_csv_upload_and_come_out_as_csv() {
    use axum::body::Body;
    use axum::http::{Request, header};
    let t = TestApp::new().await;
    let admin = t.page_login("bappeda").await;
    let page = t.page("GET", "/regions/12.71.01.1003", Some(&admin), None).await;
    let csrf = csrf_of(&page.text);
    let upload = |file: &str| {
        let boundary = "rencana-test-boundary";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"l.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
        );
        Request::post("/regions/12.71.01.1003/lingkungan.csv")
            .header(header::COOKIE, admin.clone())
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap()
    };
    let refused = t.send(upload("kelurahan,nomor,nama\n,201,Satu\n,201,Dua\n")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("Unggahan ditolak"));
    assert!(refused.text.contains("Nomor (Baris 2) muncul dua kali dalam unggahan."));
    let accepted = t.send(upload("kelurahan,nomor,nama\n,201,Satu\n,202,Dua\n")).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.text);
    let csv = t.page("GET", "/regions/12.71.01.1003/lingkungan.csv", None, None).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.text.starts_with("kelurahan,nomor,nama\n"));
    assert!(csv.text.contains("12.71.01.1003,201,Satu\n12.71.01.1003,202,Dua\n"));
    let city = t.page("GET", "/api/v1/regions/12.71/lingkungan.csv", None, None).await;
    assert!(city.text.lines().count() > 1_800, "the whole city's lingkungan");
}

#[tokio::test]
async fn grants_are_added_and_removed_by_name_on_the_user_page() {
    let t = TestApp::new().await;
    let admin = t.page_login("bappeda").await;
    let id = t.db.store.credentials("kel.pasarbaru").await.unwrap().unwrap().0.id;
    let page = t.page("GET", &format!("/users/{id}"), Some(&admin), None).await;
    let csrf = csrf_of(&page.text);
    let uri = format!("/users/{id}/grants");
    let bad = t
        .page(
            "POST",
            &uri,
            Some(&admin),
            Some(&[("csrf", &csrf), ("role", "operator_kecamatan"), ("scope", "12.71.01.1001")]),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("Cakupan harus kecamatan."), "{}", bad.text);
    let added = t
        .page(
            "POST",
            &uri,
            Some(&admin),
            Some(&[("csrf", &csrf), ("role", "operator_kecamatan"), ("scope", "12.71.01")]),
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    assert_eq!(t.db.store.user(id).await.unwrap().unwrap().grants.len(), 2);
    let removed = t
        .page(
            "POST",
            &format!("/users/{id}/grants/remove"),
            Some(&admin),
            Some(&[("csrf", &csrf), ("role", "operator_kelurahan"), ("scope", "12.71.01.1001")]),
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let grants = t.db.store.user(id).await.unwrap().unwrap().grants;
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].role, domain::Role::OperatorKecamatan);
    let next = t.page("GET", "/users", None, None).await;
    assert_eq!(next.header("location").as_deref(), Some("/login?next=%2Fusers"));
}

#[tokio::test]
async fn next_never_leaves_the_site_nor_breaks_the_answer() {
    let t = TestApp::new().await;
    let hostile = [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0D%0A/evil.example",
        "/%0B",
        "/%0C",
        "/%00",
        "//evil.example",
        "/%5Cevil.example",
        "https://evil.example",
        "%20/evil.example",
    ];
    for next in hostile {
        let reply = t.page("GET", &format!("/lang/en?next={next}"), None, None).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{next}: {}", reply.text);
        assert_eq!(reply.header("location").as_deref(), Some("/"), "{next}");
        let page = t.page("GET", "/login", None, None).await;
        let cookie = page.session_cookie().unwrap();
        let body = format!("csrf={}&username=bappeda&password={}&next={next}", csrf_of(&page.text), common::PASSWORD);
        let reply = t.send_form("/login", &cookie, &body).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{next}: {}", reply.text);
        assert_eq!(reply.header("location").as_deref(), Some("/"), "{next}");
    }
    let reply = t.page("GET", "/lang/en?next=/proposals%3Fstage%3Drembuk_warga", None, None).await;
    assert_eq!(reply.header("location").as_deref(), Some("/proposals?stage=rembuk_warga"));
}
