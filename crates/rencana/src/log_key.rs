//! The installation's log key: generated on first use, kept in a file only its owner may read,
//! refused when others could read it (as ssh refuses a private key others can read).

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use domain::transparency::{LogKey, is_valid_name};

/// The name a new key takes when none is given: the machine's host name, which an operator
/// should replace by the installation's public address (`--log-name`) before the first start.
pub fn default_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| is_valid_name(h))
        .unwrap_or_else(|| "rencana.local".to_string())
}

/// Reads the key at `path`, or creates it named `name` when there is none.
pub fn load_or_create(path: &Path, name: &str) -> anyhow::Result<LogKey> {
    match std::fs::read_to_string(path) {
        Ok(secret) => {
            refuse_if_readable_by_others(path)?;
            LogKey::from_secret(&secret)
                .with_context(|| format!("the log key in {} is not a valid key", path.display()))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => create(path, name),
        Err(error) => Err(error).with_context(|| format!("cannot read the log key {}", path.display())),
    }
}

fn create(path: &Path, name: &str) -> anyhow::Result<LogKey> {
    if !is_valid_name(name) {
        bail!("--log-name {name:?}: a log name has no spaces, '+' or '/' (use the installation's host name)");
    }
    let key = LogKey::from_seed(name, rand::random())?;
    write_private(path, key.secret())?;
    tracing::info!(path = %path.display(), verifier_key = key.verifier_key(), "created the transparency log's key");
    Ok(key)
}

/// Writes a new file only its owner may read or write; an existing file is never overwritten.
pub fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).with_context(|| format!("cannot create {}", path.display()))?;
    writeln!(file, "{text}").and_then(|_| file.sync_all()).with_context(|| format!("cannot write {}", path.display()))
}

/// Reads a file written by [`write_private`], refused when others could read it.
pub fn read_private(path: &Path) -> anyhow::Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            refuse_if_readable_by_others(path)?;
            Ok(Some(text))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn refuse_if_readable_by_others(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            bail!(
                "the log key {} can be read by others (mode {:o}); run `chmod 600 {}`",
                path.display(),
                mode & 0o777,
                path.display()
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_created_private_then_read_back_and_refused_once_others_can_read_it() {
        let scratch = store::testing::TempDir::new("rencana-key").unwrap();
        let dir = scratch.path();
        let path = dir.join("log.key");
        let created = load_or_create(&path, "rencana.test").unwrap();
        let again = load_or_create(&path, "another.name").unwrap();
        assert_eq!(created.verifier_key(), again.verifier_key(), "the name is the key's, fixed at creation");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(load_or_create(&path, "rencana.test").unwrap_err().to_string().contains("chmod 600"));
        }
        assert!(load_or_create(&dir.join("other.key"), "has space").is_err());
    }
}
