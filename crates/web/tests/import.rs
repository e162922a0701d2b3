//! Proposals from paper through the forum's Excel template: every row checked before anything is
//! written, all or nothing, each refusal by row and column; the refusals of the file itself.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{TestApp, csrf_of};
use reports::xlsx::{Cell, workbook};
use reports::xlsx_in::{Limits, Value, read_first_sheet};

const HEADERS: [&str; 10] = [
    "judul",
    "masalah",
    "kode_kamus",
    "volume",
    "kode_lingkungan",
    "alamat",
    "lintang",
    "bujur",
    "jalur",
    "kode_prioritas",
];

fn row(title: &str, kamus: &str, volume: Cell, lingkungan: &str) -> Vec<Cell> {
    vec![
        Cell::from(title),
        Cell::from("Banjir setiap hujan"),
        Cell::from(kamus),
        volume,
        Cell::from(lingkungan),
        Cell::Text(format!("Gg. {title}")),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
    ]
}

fn filled(headers: &[&str], rows: Vec<Vec<Cell>>) -> Vec<u8> {
    let headers = headers.iter().map(|h| h.to_string()).collect();
    workbook(&[("Usulan".into(), headers, rows)]).unwrap()
}

fn limits() -> Limits {
    Limits { max_bytes: 20_000_000, max_unpacked: 200_000_000, max_rows: 10_000, max_columns: 50 }
}

#[tokio::test]
async fn a_filled_template_with_one_bad_row_imports_nothing_then_everything_once_fixed() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2034, false, "I.01", "I-DRN", "150.000").await;
    let forum = format!("/forums/{cycle}/musrenbang_kelurahan/12.71.01.1001");
    let operator = t.page_login("kel.pasarbaru").await;

    let template = t.page("GET", &format!("{forum}/template.xlsx"), Some(&operator), None).await;
    assert_eq!(template.status, StatusCode::OK);
    let sheet = read_first_sheet(&template.bytes, &limits()).unwrap();
    assert_eq!(sheet.rows[0].iter().map(Value::text).collect::<Vec<_>>(), HEADERS);
    let forum_page = t.page("GET", &forum, Some(&operator), None).await;
    assert!(forum_page.text.contains(&format!("{forum}/import")), "the forum links its import");

    let form = t.page("GET", &format!("{forum}/import"), Some(&operator), None).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    let csrf = csrf_of(&form.text);
    let good = |n: u32| row(&format!("Drainase {n}"), "I-DRN", Cell::Integer(i64::from(n) * 10), "12.71.01.1001.001");
    let mut rows: Vec<Vec<Cell>> = (1..=3).map(good).collect();
    rows.push(row("Drainase rusak", "TIDAK-ADA", Cell::from("banyak"), "12.71.01.1001.002"));
    rows.push(row("Drainase jauh", "I-DRN", Cell::Integer(5), "12.71.02.1001.001"));
    let refused = common::upload_file(&t, &format!("{forum}/import"), &operator, &csrf, &filled(&HEADERS, rows)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert!(refused.text.contains("id=\"refused-rows\""), "{}", refused.text);
    assert!(refused.text.contains("Jenis usulan (kamus) (Baris 5)"), "{}", refused.text);
    assert!(refused.text.contains("Volume (Baris 5)"), "{}", refused.text);
    assert!(refused.text.contains("Lingkungan (Baris 6) berada di luar wilayah forum ini."), "{}", refused.text);
    assert!(refused.text.contains(">kode_kamus<") && refused.text.contains(">volume<"));
    assert!(refused.text.contains("Tidak ada usulan yang disimpan."));
    let view = t.get(&format!("/api/v1/forums/{cycle}/musrenbang_kelurahan/12.71.01.1001"), None).await.json();
    assert_eq!(view["entries"], 0, "nothing was written: {view}");

    let mut rows: Vec<Vec<Cell>> = (1..=3).map(good).collect();
    rows.push(row("Drainase diperbaiki", "I-DRN", Cell::from("2,5"), "12.71.01.1001.002"));
    rows.push(vec![Cell::Empty; 10]);
    rows.push(row("Drainase keenam", "I-DRN", Cell::Integer(1), "12.71.01.1001.003"));
    let imported = common::upload_file(&t, &format!("{forum}/import"), &operator, &csrf, &filled(&HEADERS, rows)).await;
    assert_eq!(imported.status, StatusCode::SEE_OTHER, "{}", imported.text);
    let page = t.page("GET", &forum, Some(&operator), None).await;
    assert!(page.text.contains("5 usulan diimpor ke forum ini atas nama Anda."), "{}", page.text);

    // What was imported is what the forum's own Excel gives back.
    let list = t.page("GET", &format!("{forum}/daftar.xlsx"), Some(&operator), None).await;
    let sheet = read_first_sheet(&list.bytes, &limits()).unwrap();
    let mut titles: Vec<String> = sheet.rows[1..].iter().map(|r| r[1].text()).collect();
    titles.sort();
    assert_eq!(titles, ["Drainase 1", "Drainase 2", "Drainase 3", "Drainase diperbaiki", "Drainase keenam"]);
    let repaired = sheet.rows.iter().find(|r| r[1].text() == "Drainase diperbaiki").unwrap();
    assert_eq!((repaired[5].clone(), repaired[8].clone()), (Value::Number(2.5), Value::Number(375_000.0)));
    assert_eq!(repaired[3].text(), "Gg. Drainase diperbaiki");
    let history = t.get(&format!("/api/v1/proposals/{}/history", repaired[13].text()), None).await.json();
    assert_eq!(history[0]["actor"], "kel.pasarbaru", "attributed to the uploader: {history}");
}

#[tokio::test]
async fn the_file_itself_is_refused_with_a_clear_reason() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2035, false, "J.01", "J-DRN", "150.000").await;
    let forum = format!("/forums/{cycle}/rembuk_warga/12.71.01.1001.001");
    let kepling = t.page_login("kepling.pasarbaru1").await;
    let form = t.page("GET", &format!("{forum}/import"), Some(&kepling), None).await;
    let csrf = csrf_of(&form.text);
    let send = |file: Vec<u8>| {
        let (t, forum, kepling, csrf) = (&t, &forum, &kepling, &csrf);
        async move { common::upload_file(t, &format!("{forum}/import"), kepling, csrf, &file).await }
    };
    let ok_row = || row("Drainase", "J-DRN", Cell::Integer(3), "");

    let csv = send(b"judul,masalah\nJalan,Rusak\n".to_vec()).await;
    assert!(csv.text.contains("bukan buku kerja Excel (.xlsx)"), "{}", csv.text);
    let large = send(vec![b'P'; 3 * 1024 * 1024]).await;
    assert!(large.text.contains("lebih besar dari 2 MB"), "{}", large.text);
    let mut extra = HEADERS.to_vec();
    extra.push("catatan");
    let mut extra_row = ok_row();
    extra_row.push(Cell::from("x"));
    let extra = send(filled(&extra, vec![extra_row])).await;
    assert!(extra.text.contains("Kolom “catatan” tidak dikenal"), "{}", extra.text);
    let missing = send(filled(&HEADERS[..9], vec![ok_row()[..9].to_vec()])).await;
    assert!(missing.text.contains("Kolom “kode_prioritas” tidak ada di berkas"), "{}", missing.text);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (column, header) in (0u16..).zip(HEADERS) {
        sheet.write_string(0, column, header).unwrap();
    }
    sheet.write_string(1, 0, "Drainase").unwrap();
    sheet.write_formula(1, 3, "=2*3").unwrap();
    let formula = send(book.save_to_buffer().unwrap()).await;
    assert!(formula.text.contains("D2 (Baris 2) berisi rumus"), "{}", formula.text);
    let empty = send(filled(&HEADERS, vec![])).await;
    assert!(empty.text.contains("Berkas wajib diisi."), "{}", empty.text);
    for refused in [csv, large, extra, missing, formula, empty] {
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // In a rembuk warga the lingkungan may stay empty: it is the forum's own.
    let imported = send(filled(&HEADERS, vec![ok_row()])).await;
    assert_eq!(imported.status, StatusCode::SEE_OTHER, "{}", imported.text);

    // Another lingkungan's kepala may not import here, nor may the public.
    let other =
        t.page("GET", &format!("/forums/{cycle}/rembuk_warga/12.71.01.1001.002/import"), Some(&kepling), None).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let anonymous = t.page("GET", &format!("{forum}/import"), None, None).await;
    assert_ne!(anonymous.status, StatusCode::OK);
}

#[tokio::test]
async fn the_api_imports_all_rows_or_names_each_refusal_by_row_and_field() {
    let t = TestApp::new().await;
    let cycle = common::open_cycle(&t, 2036, false, "K.01", "K-DRN", "150.000").await;
    let uri = format!("/api/v1/forums/{cycle}/musrenbang_kelurahan/12.71.01.1001/import");
    let token = t.token("kel.pasarbaru").await;
    let send = |file: Vec<u8>, token: Option<String>| {
        let (t, uri) = (&t, &uri);
        async move {
            let mut request = Request::post(uri.as_str()).header(header::CONTENT_TYPE, "application/octet-stream");
            if let Some(token) = token {
                request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
            }
            t.send(request.body(Body::from(file)).unwrap()).await
        }
    };
    let template =
        t.get(&format!("/api/v1/forums/{cycle}/musrenbang_kelurahan/12.71.01.1001/import-template"), None).await;
    assert_eq!(template.status, StatusCode::OK);
    let rows = vec![
        row("Drainase A", "K-DRN", Cell::Integer(4), "12.71.01.1001.001"),
        row("", "K-DRN", Cell::from("nol"), "12.71.01.1001.001"),
    ];
    let refused = send(filled(&HEADERS, rows), Some(token.clone())).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    let fields = common::fields(&refused);
    assert!(fields.contains(&common::field("rows[2].title", "required")), "{fields:?}");
    assert!(fields.iter().any(|(f, _)| f == "rows[2].volume"), "{fields:?}");
    assert!(refused.json()["errors"][0]["message"].as_str().unwrap().contains("(Baris 3)"));
    let rows = vec![row("Drainase A", "K-DRN", Cell::Integer(4), "12.71.01.1001.001")];
    assert_eq!(send(filled(&HEADERS, rows.clone()), None).await.status, StatusCode::UNAUTHORIZED);
    let other = t.token("kepling.pasarbaru1").await;
    assert_eq!(send(filled(&HEADERS, rows.clone()), Some(other)).await.status, StatusCode::FORBIDDEN);
    let imported = send(filled(&HEADERS, rows), Some(token)).await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.text);
    assert_eq!(imported.json()["imported"], 1);
}
