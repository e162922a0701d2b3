//! Typesets [`reports::print::Document`]s with typst: A4, the fonts embedded, a QR code and the
//! document's address at the foot of every page. The layout is in `templates/*.typ`, which a
//! designer edits without touching Rust: `rencana.typ` holds the pieces (page, letterhead,
//! tables, signatures), `dokumen.typ` puts a document together from its data.

use reports::print::{Document, PrintError, Printed, Printer};
use typst::foundations::{Dict, IntoValue, Smart};
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;

const MAIN: &str = include_str!("../templates/dokumen.typ");
const PIECES: &str = include_str!("../templates/rencana.typ");

/// The typesetter: fonts and templates loaded once, at the first document printed, and shared by
/// every request after it.
pub struct Typst {
    // Built on first use: reading the fonts' tables makes the process touch some 10 MB of them,
    // which a server that prints nothing (most of the year) would otherwise hold from its start.
    engine: std::sync::OnceLock<TypstEngine<typst_as_lib::TypstTemplateCollection>>,
}

impl std::fmt::Debug for Typst {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Typst")
    }
}

impl Default for Typst {
    fn default() -> Self {
        Typst::new()
    }
}

impl Typst {
    pub fn new() -> Typst {
        Typst { engine: std::sync::OnceLock::new() }
    }

    fn engine(&self) -> &TypstEngine<typst_as_lib::TypstTemplateCollection> {
        self.engine.get_or_init(|| {
            TypstEngine::builder()
                .fonts(typst_assets::fonts())
                .with_static_source_file_resolver([("dokumen.typ", MAIN), ("rencana.typ", PIECES)])
                .comemo_evict_max_age(Some(10))
                .build()
        })
    }
}

impl Printer for Typst {
    fn print(&self, document: &Document) -> Result<Printed, PrintError> {
        let data = serde_json::to_string(document).map_err(|e| PrintError::Template(e.to_string()))?;
        let mut inputs = Dict::new();
        inputs.insert("data".into(), data.into_value());
        inputs.insert("qr".into(), qr_svg(&document.stamp.url).into_value());
        let laid_out: PagedDocument = self
            .engine()
            .compile_with_input("dokumen.typ", inputs)
            .output
            .map_err(|e| PrintError::Template(format!("{e:?}")))?;
        let options = typst_pdf::PdfOptions {
            // A stable identifier and no timestamp: the same document prints to the same bytes,
            // so its hash names it.
            ident: Smart::Custom(document.stamp.code.clone()),
            timestamp: None,
            ..Default::default()
        };
        let pdf = typst_pdf::pdf(&laid_out, &options).map_err(|e| PrintError::Pdf(format!("{e:?}")))?;
        Ok(Printed { pages: laid_out.pages().len(), text: text_of(&laid_out), pdf })
    }
}

/// The QR code of `url` as an SVG picture; an empty address gets an empty picture.
fn qr_svg(url: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => code.render::<qrcode::render::svg::Color>().quiet_zone(true).build(),
        Err(_) => r#"<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>"#.into(),
    }
}

/// The text of every page in layout order, one line per text run.
fn text_of(document: &PagedDocument) -> String {
    fn walk(frame: &typst::layout::Frame, out: &mut String) {
        for (_, item) in frame.items() {
            match item {
                typst::layout::FrameItem::Group(group) => walk(&group.frame, out),
                typst::layout::FrameItem::Text(text) => {
                    out.push_str(&text.text);
                    out.push('\n');
                }
                _ => {}
            }
        }
    }
    let mut out = String::new();
    for page in document.pages() {
        walk(&page.frame, &mut out);
    }
    out
}
