//! `rencana witness`: run by anyone outside the pemda (another pemda, an inspectorate, a
//! university). It fetches each log's latest checkpoint, checks it is signed by the key it was
//! told, and consistent with the last one it saw; it keeps what it saw, cosigns what holds and
//! hands the cosignature back. A history rewritten after the witness saw it cannot be made
//! consistent with what it kept, and is reported.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use domain::transparency::{self, VerifiedCheckpoint, WitnessKey};
use serde::Deserialize;

use crate::log_key::{read_private, write_private};

/// What one look at one log found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// A log seen for the first time: its checkpoint is kept as the starting point.
    First { origin: String, size: u64 },
    /// Grown, and consistent with what was seen.
    Consistent { origin: String, from: u64, to: u64 },
    /// Unchanged since the last look.
    Unchanged { origin: String, size: u64 },
    /// The installation did not take the cosignature (it does not know this witness yet).
    NotTaken { origin: String, reason: String },
    /// Something that must not happen to an honest log.
    Alert { origin: String, what: String },
}

impl Finding {
    pub fn is_alert(&self) -> bool {
        matches!(self, Finding::Alert { .. })
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Finding::First { origin, size } => write!(f, "{origin}: first seen at size {size}; kept and cosigned"),
            Finding::Consistent { origin, from, to } => {
                write!(f, "{origin}: grew from {from} to {to}, consistent; cosigned")
            }
            Finding::Unchanged { origin, size } => write!(f, "{origin}: unchanged at size {size}"),
            Finding::NotTaken { origin, reason } => write!(f, "{origin}: cosignature not taken: {reason}"),
            Finding::Alert { origin, what } => write!(f, "ALERT {origin}: {what}"),
        }
    }
}

#[derive(Deserialize)]
struct LogInfo {
    verifier_key: String,
    logs: Vec<LogEntry>,
}

#[derive(Deserialize)]
struct LogEntry {
    pemda: String,
    origin: String,
    tree_size: i64,
}

#[derive(Deserialize)]
struct Consistency {
    hashes: Vec<String>,
}

/// A witness of one installation.
pub struct Witness {
    key: WitnessKey,
    state: PathBuf,
    url: String,
    log_key: String,
    client: reqwest::Client,
}

impl Witness {
    /// A witness named `name` keeping its key and what it saw in `state`, following the
    /// installation at `url` whose checkpoints must be signed by `log_key`.
    pub fn open(state: &Path, name: &str, url: &str, log_key: &str) -> anyhow::Result<Witness> {
        transparency::check_verifier_key(log_key).context("--key is not a log's verifier key (name+id+base64)")?;
        std::fs::create_dir_all(state).with_context(|| format!("cannot create {}", state.display()))?;
        let key_path = state.join("witness.key");
        let key = match read_private(&key_path)? {
            Some(text) => {
                let (name, seed) = text.trim().split_once(' ').context("the witness key file is damaged")?;
                let seed: [u8; 32] = hex::decode(seed)
                    .ok()
                    .and_then(|s| s.try_into().ok())
                    .context("the witness key file is damaged")?;
                WitnessKey::from_seed(name, seed)?
            }
            None => {
                let key = WitnessKey::from_seed(name, rand::random())?;
                write_private(&key_path, &format!("{} {}", key.name(), hex::encode(key.seed())))?;
                key
            }
        };
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .user_agent(concat!("rencana-witness/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Witness {
            key,
            state: state.to_path_buf(),
            url: url.trim_end_matches('/').to_string(),
            log_key: log_key.to_string(),
            client,
        })
    }

    /// The witness's public key, which an installation registers (`rencana audit witness-add`).
    pub fn verifier_key(&self) -> String {
        self.key.verifier_key()
    }

    fn seen_path(&self, origin: &str) -> PathBuf {
        let file: String =
            origin.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect();
        self.state.join("seen").join(format!("{file}.checkpoint"))
    }

    async fn get_text(&self, path: &str) -> anyhow::Result<String> {
        let response = self.client.get(format!("{}{path}", self.url)).send().await?;
        if !response.status().is_success() {
            bail!("GET {path}: {}", response.status());
        }
        Ok(response.text().await?)
    }

    /// One look at every log of the installation.
    pub async fn observe(&self, now_unix: u64) -> anyhow::Result<Vec<Finding>> {
        let info: LogInfo = serde_json::from_str(&self.get_text("/api/v1/audit/log").await?)
            .context("the installation's /api/v1/audit/log is not what a Rencana log answers")?;
        let mut findings = Vec::new();
        if info.verifier_key != self.log_key {
            findings.push(Finding::Alert {
                origin: self.url.clone(),
                what: format!(
                    "the installation now publishes another key ({}) than the one followed",
                    info.verifier_key
                ),
            });
        }
        for log in info.logs.iter().filter(|l| l.tree_size > 0) {
            let finding = match self.observe_log(log, now_unix).await {
                Ok(finding) => finding,
                Err(error) => {
                    Finding::Alert { origin: log.origin.clone(), what: format!("could not be checked: {error:#}") }
                }
            };
            if finding.is_alert() {
                self.record_alert(&finding);
            }
            findings.push(finding);
        }
        Ok(findings)
    }

    async fn observe_log(&self, log: &LogEntry, now_unix: u64) -> anyhow::Result<Finding> {
        let origin = log.origin.clone();
        let alert = |what: String| Ok(Finding::Alert { origin: origin.clone(), what });
        let note = self.get_text(&format!("/api/v1/audit/checkpoint?pemda={}", log.pemda)).await?;
        let latest = match transparency::open_checkpoint(&note, &self.log_key) {
            Ok(opened) => opened,
            Err(error) => return alert(format!("the checkpoint does not verify with the followed key: {error}")),
        };
        if latest.origin != log.origin || !latest.origin.ends_with(&format!("/{}", log.pemda)) {
            return alert(format!(
                "asked for {}, got a checkpoint of {:?}: replayed from another log",
                log.pemda, latest.origin
            ));
        }
        let seen_path = self.seen_path(&latest.origin);
        let seen = match std::fs::read_to_string(&seen_path) {
            Ok(text) => Some(
                transparency::open_checkpoint(&text, &self.log_key)
                    .with_context(|| format!("the kept checkpoint {} no longer verifies", seen_path.display()))?,
            ),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => return Err(error.into()),
        };
        let finding = match &seen {
            None => Finding::First { origin: origin.clone(), size: latest.size },
            Some(seen) if latest.size < seen.size => {
                return alert(format!(
                    "the log shows size {} after size {} was seen: an old checkpoint replayed, or the log cut back",
                    latest.size, seen.size
                ));
            }
            Some(seen) if latest.size == seen.size => {
                if latest.root != seen.root {
                    return alert(format!(
                        "two different roots for size {}: the history was rewritten (seen {}, now {})",
                        seen.size,
                        transparency::hash_hex(&seen.root),
                        transparency::hash_hex(&latest.root)
                    ));
                }
                Finding::Unchanged { origin: origin.clone(), size: latest.size }
            }
            Some(seen) => {
                let path = format!(
                    "/api/v1/audit/proof/consistency?pemda={}&from={}&to={}",
                    log.pemda, seen.size, latest.size
                );
                let proof: Consistency = serde_json::from_str(&self.get_text(&path).await?)?;
                let hashes: Option<Vec<_>> = proof.hashes.iter().map(|h| transparency::hash_from_hex(h)).collect();
                let consistent = hashes.is_some_and(|hashes| {
                    transparency::verify_consistency(seen.size, seen.root, latest.size, latest.root, &hashes)
                });
                if !consistent {
                    return alert(format!(
                        "the checkpoint of size {} is not consistent with the one of size {} seen before: the history was rewritten",
                        latest.size, seen.size
                    ));
                }
                Finding::Consistent { origin: origin.clone(), from: seen.size, to: latest.size }
            }
        };
        if !matches!(finding, Finding::Unchanged { .. }) {
            keep(&seen_path, &note)?;
        }
        if let Some(reason) = self.hand_in(log, &latest, now_unix).await? {
            return Ok(Finding::NotTaken { origin, reason });
        }
        Ok(finding)
    }

    /// Cosigns `checkpoint` and hands the cosignature to the installation; the reason when it was
    /// not taken.
    async fn hand_in(
        &self,
        log: &LogEntry,
        checkpoint: &VerifiedCheckpoint,
        now_unix: u64,
    ) -> anyhow::Result<Option<String>> {
        let line = self.key.cosign(&checkpoint.body, now_unix);
        let body = serde_json::json!({"pemda": log.pemda, "tree_size": checkpoint.size, "cosignature": line});
        let response = self.client.post(format!("{}/api/v1/audit/cosignatures", self.url)).json(&body).send().await?;
        if response.status().is_success() {
            return Ok(None);
        }
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        Ok(Some(format!(
            "{status} {text} (register this witness there: rencana audit witness-add --key {})",
            self.verifier_key()
        )))
    }

    fn record_alert(&self, finding: &Finding) {
        use std::io::Write;
        let line = format!("{} {finding}\n", domain::journal_time(time::OffsetDateTime::now_utc()));
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.state.join("alerts.log"))
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(error) = written {
            eprintln!("cannot record the alert in {}: {error}", self.state.display());
        }
    }
}

/// Replaces the kept checkpoint of a log: written aside, then renamed over, so that a crash
/// never leaves half a checkpoint.
fn keep(path: &Path, note: &str) -> anyhow::Result<()> {
    let dir = path.parent().context("a kept checkpoint has a folder")?;
    std::fs::create_dir_all(dir)?;
    let aside = path.with_extension("new");
    std::fs::write(&aside, note)?;
    std::fs::rename(&aside, path)?;
    Ok(())
}
