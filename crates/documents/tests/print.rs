//! The typesetter on documents shaped like the ones Rencana prints: pages, text, determinism.

use documents::Typst;
use reports::print::{Block, Column, Document, Labels, Printer, Signature};

fn berita_acara(rows: usize) -> Document {
    let columns = vec![
        Column::number("No", 1),
        Column::text("Usulan", 6),
        Column::text("Lokasi", 4),
        Column::number("Volume", 2),
        Column::number("Biaya", 3),
        Column::text("OPD", 3),
    ];
    let agreed: Vec<Vec<String>> = (1..=rows)
        .map(|i| {
            vec![
                i.to_string(),
                format!("Perbaikan drainase lingkungan {i} <b>&amp; \"#set\" [x] $y$"),
                "Lingkungan 1, Kel. Titi Kuning".into(),
                "120 m".into(),
                "Rp1.250.000".into(),
                "Dinas Pekerjaan Umum".into(),
            ]
        })
        .collect();
    Document {
        kind: "berita_acara".into(),
        landscape: false,
        letterhead: vec!["PEMERINTAH KOTA MEDAN".into(), "KECAMATAN MEDAN JOHOR".into()],
        title: "Berita Acara Musrenbang Kecamatan".into(),
        subtitle: vec!["Nomor: 050/001/MJ/2027".into()],
        blocks: vec![
            Block::Paragraph {
                text: "Pada hari ini Senin tanggal 1 Februari 2027 telah dilaksanakan musrenbang.".into(),
            },
            Block::Facts { rows: vec![("Tempat".into(), "Aula Kantor Camat".into())] },
            Block::Heading { text: "Daftar hadir".into() },
            Block::Attendance {
                columns: ["Nama".into(), "Jabatan".into(), "Tanda tangan".into()],
                rows: vec![("Budi".into(), "Camat".into()), ("Sari".into(), "Lurah".into())],
                empty: "Tidak ada".into(),
            },
            Block::Heading { text: "Usulan yang disepakati".into() },
            Block::Table {
                columns,
                rows: agreed,
                total: Some(vec!["".into(), "Jumlah".into(), "".into(), "".into(), "Rp250.000.000".into(), "".into()]),
                empty: "Tidak ada".into(),
            },
            Block::List { items: vec!["Delegasi A".into()], empty: "Tidak ada".into() },
        ],
        signatures: vec![Signature { role: "Pimpinan Sidang".into(), name: "Budi".into() }],
        labels: Labels {
            page: "Halaman".into(),
            of: "dari".into(),
            check: "Periksa keaslian cetakan ini di".into(),
            code: "Kode dokumen".into(),
        },
        stamp: Default::default(),
    }
    .stamped("https://rencana.example")
}

#[test]
fn a_berita_acara_prints_to_a4_with_its_words_and_its_stamp() {
    let printed = Typst::new().print(&berita_acara(12)).expect("printed");
    assert!(printed.pdf.starts_with(b"%PDF-"));
    assert_eq!(printed.pages, 1, "{}", printed.text);
    for words in ["PEMERINTAH KOTA MEDAN", "Aula Kantor Camat", "Pimpinan Sidang", "Rp250.000.000", "Halaman"] {
        assert!(printed.text.contains(words), "{words} missing from {}", printed.text);
    }
    // Text from the record is printed as it was typed, never read as typst markup.
    assert!(printed.text.contains("\"#set\""), "{}", printed.text);
    assert!(printed.text.contains(&berita_acara(12).stamp.code));
}

#[test]
fn the_same_document_prints_to_the_same_bytes() {
    let typst = Typst::new();
    let first = typst.print(&berita_acara(3)).expect("printed");
    let second = typst.print(&berita_acara(3)).expect("printed");
    assert_eq!(first.pdf, second.pdf, "a print's hash must name its content");
}

#[test]
fn two_hundred_rows_make_several_pages_and_repeat_the_header() {
    let started = std::time::Instant::now();
    let printed = Typst::new().print(&berita_acara(200)).expect("printed");
    eprintln!(
        "200-row berita acara: {} pages, {} bytes, {:?} (debug build)",
        printed.pages,
        printed.pdf.len(),
        started.elapsed()
    );
    assert!(printed.pages >= 6, "{} pages", printed.pages);
    assert!(printed.text.matches("Usulan").count() >= printed.pages - 1, "the header row repeats on each page");
}

#[test]
fn a_landscape_document_is_wider_than_tall() {
    let mut document = berita_acara(1);
    document.landscape = true;
    let printed = Typst::new().print(&document).expect("printed");
    let text = String::from_utf8_lossy(&printed.pdf);
    // A4 across: 841.89 × 595.28 points.
    assert!(text.contains("841.8") && text.contains("595.2"), "no A4 landscape MediaBox");
}
