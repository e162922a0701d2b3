//! `rencana export`: the printed documents of a cycle's forums, written to a directory for batch
//! use. Each is asked of the web application in-process, exactly as a browser asks for it, so a
//! file written here is the same document, recorded in the journal the same way, as one printed
//! from its page.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use domain::RegionCode;
use domain::cycle::Stage;
use store::Store;
use tower::ServiceExt;

/// The documents `export` writes, by the name the command takes.
pub const WHAT: [&str; 2] = ["berita-acara", "daftar-prioritas"];

pub struct Export {
    pub pemda: RegionCode,
    pub year: i32,
    pub what: String,
    pub stage: Stage,
    /// The forum's region, or a region above it: every forum of `stage` under it.
    pub region: RegionCode,
    pub to: PathBuf,
    /// `id` or `en`: the language the documents are printed in.
    pub lang: String,
}

/// Writes each forum's document and answers the files written.
pub async fn run(store: &Store, app: axum::Router, export: &Export) -> anyhow::Result<Vec<PathBuf>> {
    if !WHAT.contains(&export.what.as_str()) {
        bail!("--what takes one of: {}", WHAT.join(", "));
    }
    let Some(depth) = export.stage.forum_depth() else {
        bail!("--stage takes rembuk_warga, musrenbang_kelurahan or musrenbang_kecamatan");
    };
    if !export.region.is_within(&export.pemda) || export.region.depth() > depth {
        bail!("--region {} is not in pemda {} at or above the stage's forums", export.region, export.pemda);
    }
    let cycle = store
        .cycles(&export.pemda)
        .await?
        .into_iter()
        .find(|c| c.tahun_anggaran == export.year)
        .with_context(|| format!("pemda {} has no cycle for {}", export.pemda, export.year))?;
    std::fs::create_dir_all(&export.to).with_context(|| format!("cannot create {}", export.to.display()))?;
    let mut written = Vec::new();
    for region in forums_under(store, &export.region, depth).await? {
        let uri = format!("/api/v1/forums/{}/{}/{}/{}.pdf", cycle.id, export.stage.as_str(), region, export.what);
        let request = Request::get(&uri).header("accept-language", export.lang.as_str()).body(Body::empty())?;
        let response = app.clone().oneshot(request).await?;
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
        if status != StatusCode::OK {
            bail!("{uri}: {status}: {}", String::from_utf8_lossy(&bytes));
        }
        let file = export.to.join(format!("{}-{}-{}-{}.pdf", export.what, export.stage.as_str(), region, export.year));
        write(&file, &bytes)?;
        written.push(file);
    }
    Ok(written)
}

/// The regions of depth `depth` at or under `region`, in code order.
async fn forums_under(store: &Store, region: &RegionCode, depth: usize) -> anyhow::Result<Vec<RegionCode>> {
    let mut level = vec![region.clone()];
    while level.first().is_some_and(|r| r.depth() < depth) {
        let mut below = Vec::new();
        for parent in &level {
            let mut after: Option<String> = None;
            loop {
                let page = store.children(parent, after.as_deref()).await?;
                let Some(last) = page.last() else { break };
                after = Some(last.code.to_string());
                below.extend(page.into_iter().map(|r| r.code));
            }
        }
        level = below;
    }
    Ok(level)
}

fn write(file: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(file, bytes).with_context(|| format!("cannot write {}", file.display()))
}
