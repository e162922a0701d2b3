//! `rencana export`: the printed documents of a cycle (its forums' berita acara and priority
//! lists, the Renja, the RKPD, the rekapitulasi, the members' pokir), written to a directory for
//! batch use. Each is asked of the web application in-process, exactly as a browser asks for it, so a
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
pub const WHAT: [&str; 6] = ["berita-acara", "daftar-prioritas", "renja", "rkpd", "rekapitulasi", "pokir"];

pub struct Export {
    pub pemda: RegionCode,
    pub year: i32,
    pub what: String,
    /// The forum whose documents: a musrenbang forum's level, `forum_opd` or `musrenbang_rkpd`
    /// (for a berita acara and a priority list).
    pub stage: Option<Stage>,
    /// The forum's region, or a region above it: every forum of `stage` under it.
    pub region: RegionCode,
    /// One OPD's documents at the forum OPD, instead of every OPD's.
    pub opd: Option<String>,
    pub to: PathBuf,
    /// `id` or `en`: the language the documents are printed in.
    pub lang: String,
}

/// One document to ask for: its address and the file it goes to.
struct Wanted {
    uri: String,
    file: String,
}

/// Writes each document asked for and answers the files written.
pub async fn run(store: &Store, app: axum::Router, export: &Export) -> anyhow::Result<Vec<PathBuf>> {
    if !WHAT.contains(&export.what.as_str()) {
        bail!("--what takes one of: {}", WHAT.join(", "));
    }
    let cycle = store
        .cycles(&export.pemda)
        .await?
        .into_iter()
        .find(|c| c.tahun_anggaran == export.year)
        .with_context(|| format!("pemda {} has no cycle for {}", export.pemda, export.year))?;
    let wanted = wanted(store, export, cycle.id).await?;
    std::fs::create_dir_all(&export.to).with_context(|| format!("cannot create {}", export.to.display()))?;
    let mut written = Vec::new();
    for Wanted { uri, file } in wanted {
        let request = Request::get(&uri).header("accept-language", export.lang.as_str()).body(Body::empty())?;
        let response = app.clone().oneshot(request).await?;
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
        if status != StatusCode::OK {
            bail!("{uri}: {status}: {}", String::from_utf8_lossy(&bytes));
        }
        let file = export.to.join(format!("{file}-{}.pdf", export.year));
        write(&file, &bytes)?;
        written.push(file);
    }
    Ok(written)
}

/// The documents `export` stands for, each with the API address that prints it.
async fn wanted(store: &Store, export: &Export, cycle: uuid::Uuid) -> anyhow::Result<Vec<Wanted>> {
    let what = export.what.as_str();
    let opds = || async {
        let all: Vec<String> = store.opds(&export.pemda).await?.into_iter().map(|o| o.code).collect();
        match &export.opd {
            Some(opd) if all.contains(opd) => Ok(vec![opd.clone()]),
            Some(opd) => bail!("--opd {opd} is not an OPD of pemda {}", export.pemda),
            None => Ok::<_, anyhow::Error>(all),
        }
    };
    let renja = |opd: &str, document: &str| Wanted {
        uri: format!("/api/v1/cycles/{cycle}/renja/{opd}/{document}.pdf"),
        file: format!("{document}-forum_opd-{opd}"),
    };
    Ok(match (what, export.stage) {
        ("renja", _) => opds().await?.iter().map(|opd| renja(opd, "renja")).collect(),
        ("rkpd", _) => vec![Wanted { uri: format!("/api/v1/cycles/{cycle}/rkpd/rkpd.pdf"), file: "rkpd".into() }],
        ("rekapitulasi", _) => {
            vec![Wanted { uri: format!("/api/v1/statistics.pdf?cycle={cycle}"), file: "rekapitulasi".into() }]
        }
        ("pokir", _) => store
            .members(&export.pemda)
            .await?
            .into_iter()
            .map(|m| Wanted {
                uri: format!("/api/v1/dprd/members/{}/pokir.pdf?cycle={cycle}", m.user_id),
                file: format!("pokir-{}", m.username),
            })
            .collect(),
        (_, Some(Stage::ForumOpd)) => opds().await?.iter().map(|opd| renja(opd, what)).collect(),
        ("berita-acara", Some(Stage::MusrenbangRkpd)) => vec![Wanted {
            uri: format!("/api/v1/cycles/{cycle}/rkpd/berita-acara.pdf"),
            file: "berita-acara-musrenbang_rkpd".into(),
        }],
        (_, Some(stage)) if stage.forum_depth().is_some() => {
            let depth = stage.forum_depth().unwrap_or_default();
            if !export.region.is_within(&export.pemda) || export.region.depth() > depth {
                bail!("--region {} is not in pemda {} at or above the stage's forums", export.region, export.pemda);
            }
            forums_under(store, &export.region, depth)
                .await?
                .into_iter()
                .map(|region| Wanted {
                    uri: format!("/api/v1/forums/{cycle}/{}/{region}/{what}.pdf", stage.as_str()),
                    file: format!("{what}-{}-{region}", stage.as_str()),
                })
                .collect()
        }
        _ => bail!(
            "--what {what} needs --stage: rembuk_warga, musrenbang_kelurahan, musrenbang_kecamatan, forum_opd \
             or (for the berita acara) musrenbang_rkpd"
        ),
    })
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
