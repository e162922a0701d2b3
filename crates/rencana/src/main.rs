//! `rencana`: the one binary. Serves the web application, and carries the operator's commands:
//! migrations, pemda from the official codes, the first admin, the demo, the audit check, backups.

mod bench_floor;
mod memory;

/// mimalloc instead of glibc's malloc: a page is built from many short strings and buffers, and
/// glibc spent about a quarter of a loaded server's CPU allocating and consolidating them (the
/// kelurahan forum page under 16 clients, `perf`). C libraries (SQLite's page cache) still
/// allocate through glibc, which `memory` trims.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use domain::accounts::{CreateUser, GrantInput};
use domain::{AccountCommand, Actor, Command, DomainError, RegionCode};
use store::{Store, StoreError};
use time::OffsetDateTime;

#[derive(Parser)]
#[command(
    name = "rencana",
    version,
    about = "Rencana: e-perencanaan pembangunan daerah (regional development e-planning)."
)]
struct Cli {
    /// Database URL: `sqlite://FILE?mode=rwc` or `postgres://USER@HOST/DB`. Default: SQLite in the data directory.
    #[arg(long, env = "RENCANA_DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Directory for the embedded database and attachments.
    #[arg(long, env = "RENCANA_DATA_DIR", default_value = "./data", global = true)]
    data_dir: PathBuf,
    /// The key that signs the journal's checkpoints; created on first use (default: in the data directory).
    #[arg(long, env = "RENCANA_LOG_KEY", global = true)]
    log_key: Option<PathBuf>,
    /// The installation's name in its checkpoints (its public host name), taken when the key is created.
    #[arg(long, env = "RENCANA_LOG_NAME", global = true)]
    log_name: Option<String>,
    /// The address the public reaches this installation at, printed under each document's QR
    /// code (default: http://LISTEN when serving on loopback, otherwise https://LOG-NAME).
    #[arg(long, env = "RENCANA_PUBLIC_URL", global = true)]
    public_url: Option<String>,
    /// Log format: `text` for people, `json` for log collectors.
    #[arg(long, env = "RENCANA_LOG_FORMAT", default_value = "text", global = true)]
    log_format: String,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the web application and the API until SIGTERM or Ctrl-C.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "RENCANA_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// List the demo accounts on the login page (for demonstrations only).
        #[arg(long, env = "RENCANA_DEMO")]
        demo: bool,
        /// Mark cookies Secure: set this whenever Rencana is served over HTTPS.
        #[arg(long, env = "RENCANA_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Map tiles as a Leaflet URL template; empty for none (the map still picks points).
        #[arg(long, env = "RENCANA_TILE_URL", default_value = web::DEFAULT_TILE_URL)]
        tile_url: String,
        /// Seconds between checkpoint rounds: a signed checkpoint of each pemda whose journal grew.
        #[arg(long, env = "RENCANA_CHECKPOINT_EVERY", default_value_t = 60)]
        checkpoint_every: u64,
    },
    /// Create or update the database schema (serve does this too).
    Migrate,
    /// Seed the Kota Medan demo (regions, about 2,000 lingkungan, one user per role); does nothing if present.
    Demo,
    /// For benchmarks: seed the demo city with about this many proposals (a multiple of the demo's
    /// 6,000), through the same commands and rules, showing progress. Needs an empty database.
    BenchData {
        #[arg(long, default_value_t = 100_000)]
        proposals: usize,
        /// The national size instead: the demo city, then every other kabupaten/kota of the
        /// official list (each with `bappeda.<code>` and `kec.<code of its first kecamatan>`,
        /// the demo password) at the musrenbang kelurahan/desa, about PROPOSALS in all.
        #[arg(long)]
        national: bool,
        /// With --national: only the first N pemda (Medan first, then the list in code order).
        #[arg(long, requires = "national")]
        pemda: Option<usize>,
    },
    /// For benchmarks: a bare axum server answering every GET with BYTES bytes, the floor beside
    /// which `make bench` sets the pages' figures.
    #[command(hide = true)]
    BenchFloor {
        #[arg(long)]
        listen: SocketAddr,
        #[arg(long)]
        bytes: usize,
    },
    /// Regional governments (pemda), from the official Kemendagri codes.
    Pemda {
        #[command(subcommand)]
        command: PemdaCmd,
    },
    /// Accounts.
    User {
        #[command(subcommand)]
        command: UserCmd,
    },
    /// The hash-chained journal.
    Audit {
        #[command(subcommand)]
        command: AuditCmd,
    },
    /// Witness another installation's transparency log: check each checkpoint is consistent
    /// with the last one seen, keep it, cosign it; report a rewritten history.
    Witness {
        /// The installation's address, e.g. https://rencana.example.go.id
        #[arg(long)]
        follow: String,
        /// The installation's public log key (from its /audit page).
        #[arg(long)]
        key: String,
        /// Where the witness keeps its key and what it saw.
        #[arg(long, default_value = "./witness")]
        state: PathBuf,
        /// The witness's name in its cosignatures (its own host name), taken when its key is made.
        #[arg(long, default_value = "rencana-witness")]
        name: String,
        /// Look once and exit (3 when something was reported), instead of following.
        #[arg(long)]
        once: bool,
        /// Seconds between looks when following.
        #[arg(long, default_value_t = 300)]
        every: u64,
    },
    /// Print a cycle's documents to PDF files for batch use, each recorded in the journal as if
    /// printed from its page, e.g. `rencana export --pemda 12.71 --cycle 2027 --what berita-acara
    /// --stage musrenbang_kecamatan --region 12.71 --to ./cetak`.
    Export {
        #[arg(long)]
        pemda: String,
        /// The cycle's tahun anggaran.
        #[arg(long)]
        cycle: i32,
        /// berita-acara, daftar-prioritas, renja, rkpd, rekapitulasi or pokir.
        #[arg(long)]
        what: String,
        /// For a berita acara or a priority list: rembuk_warga, musrenbang_kelurahan,
        /// musrenbang_kecamatan, forum_opd, or musrenbang_rkpd (berita acara only).
        #[arg(long)]
        stage: Option<String>,
        /// The forum's region, or one above it for every forum of the stage under it (default: the pemda).
        #[arg(long)]
        region: Option<String>,
        /// One OPD's documents of the forum OPD or Renja (default: every OPD's).
        #[arg(long)]
        opd: Option<String>,
        /// The directory to write to; made if missing.
        #[arg(long)]
        to: PathBuf,
        /// The documents' language: id or en.
        #[arg(long, default_value = "id")]
        lang: String,
    },
    /// Copy the SQLite database, online, to a new file, and the photos and scans into the folder
    /// FILE.attachments beside it (on PostgreSQL: use pg_dump, and copy the attachments folder).
    Backup {
        /// The file to write; it must not exist.
        #[arg(long)]
        to: PathBuf,
    },
    /// Put a backup back as the data directory's database, with the server stopped: the copy is
    /// opened, migrated and every journal verified first, and its photos and scans checked
    /// against their SHA-256; the database it replaces is kept beside it as
    /// rencana.db.before-restore-TIME (on PostgreSQL: use pg_restore).
    Restore {
        /// The backup written by `rencana backup`.
        #[arg(long)]
        from: PathBuf,
        /// Restore over a database that is there (it is kept, not deleted).
        #[arg(long)]
        replace: bool,
        /// Restore even when photos or scans the backup's record names are missing from its
        /// folder and from the data directory.
        #[arg(long)]
        accept_missing_attachments: bool,
    },
}

#[derive(Subcommand)]
enum PemdaCmd {
    /// Create a kabupaten/kota with all its kecamatan and kelurahan/desa, e.g. `rencana pemda add 12.71`.
    Add { code: String },
    /// List the pemda in this database.
    List,
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create a user, e.g. the first Bappeda admin. The password is read from standard input.
    Add {
        #[arg(long)]
        pemda: String,
        #[arg(long)]
        username: String,
        /// Full name (defaults to the username).
        #[arg(long)]
        name: Option<String>,
        /// Role id: warga, kepala_lingkungan, operator_kelurahan, operator_kecamatan, anggota_dprd, operator_opd, bappeda_admin, auditor.
        #[arg(long)]
        role: String,
        /// Region or OPD code the role applies to (empty for pemda-wide roles).
        #[arg(long, default_value = "")]
        scope: String,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Recompute the journal's hash chain and hold it against the signed checkpoints; exit 1
    /// naming the first broken event. With --from, check an exported file instead, offline.
    Verify {
        /// Only this pemda (default: all).
        #[arg(long)]
        pemda: Option<String>,
        /// A file written by `rencana audit export`, checked without any database.
        #[arg(long)]
        from: Option<PathBuf>,
        /// With --from: the installation's public key (from its /audit page). Without it the
        /// file's own key is used, which shows the file consistent with itself only.
        #[arg(long)]
        key: Option<String>,
    },
    /// Write a pemda's journal and signed checkpoints to a file anyone can check offline.
    Export {
        #[arg(long)]
        pemda: String,
        /// The file to write; it must not exist.
        #[arg(long)]
        to: PathBuf,
    },
    /// Sign a checkpoint of every pemda whose journal grew, now (serve does it every minute).
    Checkpoint,
    /// Accept the cosignatures of a witness: its public key, as `rencana witness` prints it.
    WitnessAdd {
        #[arg(long)]
        key: String,
    },
}

fn init_logs(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RENCANA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logs(&cli.log_format);
    // The witness's HTTPS client uses ring, the provider the database drivers already bring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    match run(cli).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("rencana: {error:#}");
            ExitCode::from(2)
        }
    }
}

async fn open_store(cli: &Cli) -> anyhow::Result<Store> {
    let url = match &cli.database_url {
        Some(url) if !url.is_empty() => url.clone(),
        _ => {
            std::fs::create_dir_all(&cli.data_dir)
                .with_context(|| format!("cannot create the data directory {}", cli.data_dir.display()))?;
            Store::sqlite_url(&cli.data_dir)
        }
    };
    let attachments = store::attachments::Attachments::local(&cli.data_dir.join("attachments"))
        .context("cannot open the attachment directory")?;
    Ok(Store::open(&url).await.context("cannot open the database")?.with_attachments(attachments))
}

fn open_log_key(cli: &Cli) -> anyhow::Result<domain::transparency::LogKey> {
    let path = cli.log_key.clone().unwrap_or_else(|| cli.data_dir.join("transparency-log.key"));
    let name = cli.log_name.clone().unwrap_or_else(rencana::log_key::default_name);
    rencana::log_key::load_or_create(&path, &name)
}

/// Where the public reaches this installation: as set, else the loopback address being served
/// (a demo), else the log's name (the installation's public host name) over HTTPS.
fn public_url(cli: &Cli, listen: Option<SocketAddr>) -> String {
    match (&cli.public_url, listen) {
        (Some(url), _) if !url.trim().is_empty() => url.trim().trim_end_matches('/').to_string(),
        (_, Some(listen)) if listen.ip().is_loopback() => format!("http://{listen}"),
        _ => format!("https://{}", cli.log_name.clone().unwrap_or_else(rencana::log_key::default_name)),
    }
}

fn operator() -> Actor {
    let who = std::env::var("SUDO_USER").or_else(|_| std::env::var("USER")).unwrap_or_else(|_| "cli".into());
    Actor::System { label: format!("cli:{who}") }
}

/// A command's refusal in the words an operator at a terminal needs.
fn explain(error: StoreError) -> anyhow::Error {
    match error {
        StoreError::Domain(DomainError::Invalid(errors)) => {
            let lines: Vec<String> = errors.iter().map(|e| format!("{}: {:?}", e.field, e.rule)).collect();
            anyhow::anyhow!("refused:\n  {}", lines.join("\n  "))
        }
        other => anyhow::Error::new(other),
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let now = OffsetDateTime::now_utc();
    match &cli.command {
        Cmd::Serve { listen, demo, secure_cookies, tile_url, checkpoint_every } => {
            let store = open_store(&cli).await?;
            let log = std::sync::Arc::new(web::TransparencyLog::new(open_log_key(&cli)?));
            let exposed = web::Config::cookies_exposed(*listen, *secure_cookies);
            let config = web::Config {
                demo: *demo,
                secure_cookies: *secure_cookies,
                tile_url: tile_url.clone(),
                exposed_without_secure_cookies: exposed,
                log,
                printer: Some(std::sync::Arc::new(documents::Typst::new())),
                public_url: public_url(&cli, Some(*listen)),
            };
            serve(store, *listen, config, std::time::Duration::from_secs((*checkpoint_every).max(1))).await?;
        }
        Cmd::Migrate => {
            open_store(&cli).await?;
            println!("schema up to date");
        }
        Cmd::Demo => {
            let store = open_store(&cli).await?;
            eprintln!("Seeding the Kota Medan demo (two to three minutes in a debug build)…");
            let seeded = store::seed::seed_demo_scaled(&store, now, 1, &mut seed_reporter()).await?;
            if seeded {
                println!("Demo created: Kota Medan (12.71), its lingkungan, the 2027 cycle at kecamatan stage.");
            } else {
                println!("Demo already present.");
            }
            println!("Demo accounts (password for all: {}):", store::seed::DEMO_PASSWORD);
            for (username, name, role, scope) in store::seed::DEMO_USERS {
                println!("  {username:<20} {role:<20} {scope:<18} {name}");
            }
        }
        Cmd::BenchData { proposals, national: true, pemda } => {
            let store = open_store(&cli).await?;
            eprintln!(
                "Seeding the national size: {} pemda, about {proposals} proposals…",
                pemda.map_or_else(|| store::official::pemda_count().to_string(), |n| n.to_string())
            );
            let started = std::time::Instant::now();
            let seeded = store::seed::seed_national(&store, now, *pemda, *proposals, &mut national_reporter()).await?;
            println!(
                "Seeded in {:.1} s: {} pemda, {} proposals.",
                started.elapsed().as_secs_f64(),
                seeded.pemda,
                seeded.proposals
            );
        }
        Cmd::BenchData { proposals, national: false, .. } => {
            let store = open_store(&cli).await?;
            let scale = proposals.div_ceil(6_000).max(1);
            eprintln!("Seeding Kota Medan at {scale} times the demo (about {} proposals)…", scale * 6_000);
            let started = std::time::Instant::now();
            if !store::seed::seed_demo_scaled(&store, now, scale, &mut seed_reporter()).await? {
                bail!("the demo is already in this database: bench-data needs an empty one");
            }
            let pemda = RegionCode::parse(store::seed::DEMO_PEMDA)?;
            let filter = store::ProposalFilter { pemda: Some(pemda), ..Default::default() };
            let count = store.proposal_count(&filter).await?;
            println!("Seeded in {:.1} s: {count} proposals.", started.elapsed().as_secs_f64());
        }
        Cmd::BenchFloor { listen, bytes } => bench_floor::serve(*listen, *bytes).await?,
        Cmd::Pemda { command: PemdaCmd::Add { code } } => {
            let store = open_store(&cli).await?;
            let code = store.add_official_pemda(code, &operator(), now).await.map_err(|e| match e {
                store::seed::AddPemdaError::Store(inner) => explain(inner),
                other => anyhow::Error::new(other),
            })?;
            let counts = store.region_counts(&code).await?;
            let name = store.pemda(&code).await?.map(|p| p.name).unwrap_or_default();
            println!(
                "{name} ({code}): {} kecamatan, {} kelurahan, {} desa",
                counts.kecamatan, counts.kelurahan, counts.desa
            );
        }
        Cmd::Pemda { command: PemdaCmd::List } => {
            let store = open_store(&cli).await?;
            for pemda in store.all_pemda().await? {
                println!("{}\t{}", pemda.code, pemda.name);
            }
        }
        Cmd::User { command: UserCmd::Add { pemda, username, name, role, scope, password_stdin: _ } } => {
            let store = open_store(&cli).await?;
            let pemda = RegionCode::parse(pemda).map_err(|e| anyhow::anyhow!("--pemda: {e}"))?;
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password).context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let mut errors = domain::error::Errors::default();
            domain::password::check_new_password(&mut errors, "password", password, username);
            errors.into_result().map_err(|e| explain(e.into()))?;
            let password_hash = store::passwords::hash(password).await?;
            let command = Command::Accounts(AccountCommand::CreateUser(CreateUser {
                pemda,
                user_id: uuid::Uuid::now_v7(),
                username: username.clone(),
                name: name.clone().unwrap_or_else(|| username.clone()),
                password_hash,
                grants: vec![GrantInput { role: role.clone(), scope: scope.clone() }],
            }));
            store.execute(&operator(), &command, now).await.map_err(explain)?;
            println!("user {username} created");
        }
        Cmd::Audit { command: AuditCmd::Verify { from: Some(file), key, .. } } => {
            let input = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
            let verified = rencana::log_file::verify(std::io::BufReader::new(input), key.as_deref())?;
            if verified.key_from_file {
                println!(
                    "note: checked with the key the file names; pass --key from the installation's /audit page to check it is theirs"
                );
            }
            if verified.problems.is_empty() {
                println!(
                    "{}: valid, {} events, {} signed checkpoints matched",
                    verified.pemda, verified.entries, verified.checkpoints
                );
                return Ok(ExitCode::SUCCESS);
            }
            println!("{}: NOT VALID ({} events read)", verified.pemda, verified.entries);
            for problem in &verified.problems {
                println!("  - {problem}");
            }
            return Ok(ExitCode::from(1));
        }
        Cmd::Audit { command: AuditCmd::Export { pemda, to } } => {
            let store = open_store(&cli).await?;
            let log = web::TransparencyLog::new(open_log_key(&cli)?);
            let code = RegionCode::parse(pemda).map_err(|e| anyhow::anyhow!("--pemda: {e}"))?;
            if store.pemda(&code).await?.is_none() {
                bail!("no pemda {code} in this database (see `rencana pemda list`)");
            }
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(to)
                .with_context(|| format!("cannot create {} (it must not exist)", to.display()))?;
            let mut out = std::io::BufWriter::new(file);
            let exported = rencana::log_file::export(&store, &code, &log, &mut out).await?;
            println!(
                "{code}: {} events and {} checkpoints written to {}; check with: rencana audit verify --from {} --key {}",
                exported.entries,
                exported.checkpoints,
                to.display(),
                to.display(),
                log.verifier_key()
            );
        }
        Cmd::Audit { command: AuditCmd::Checkpoint } => {
            let store = open_store(&cli).await?;
            let log = web::TransparencyLog::new(open_log_key(&cli)?);
            let (issued, failed) = log.issue_checkpoints(&store, now).await?;
            for c in &issued {
                println!("{}: checkpoint of size {} signed", c.pemda, c.size);
            }
            for (pemda, error) in &failed {
                println!("{pemda}: NO checkpoint: {error}");
            }
            if issued.is_empty() && failed.is_empty() {
                println!("nothing new since the last checkpoints");
            }
            println!("key: {}", log.verifier_key());
            return Ok(if failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) });
        }
        Cmd::Audit { command: AuditCmd::WitnessAdd { key } } => {
            let store = open_store(&cli).await?;
            let witness = store.add_witness(key, now).await.map_err(|e| anyhow::anyhow!("--key: {e}"))?;
            println!("witness {} accepted: its cosignatures are now kept and shown", witness.name);
        }
        Cmd::Witness { follow, key, state, name, once, every } => {
            let witness = rencana::witness::Witness::open(state, name, follow, key)?;
            println!("witness key: {}", witness.verifier_key());
            loop {
                let now_unix = OffsetDateTime::now_utc().unix_timestamp().max(0) as u64;
                let alerts = match witness.observe(now_unix).await {
                    Ok(findings) => {
                        for finding in &findings {
                            if finding.is_alert() { eprintln!("{finding}") } else { println!("{finding}") }
                        }
                        findings.iter().any(|f| f.is_alert())
                    }
                    Err(error) => {
                        eprintln!("could not reach {follow}: {error:#}");
                        false
                    }
                };
                if *once {
                    return Ok(if alerts { ExitCode::from(3) } else { ExitCode::SUCCESS });
                }
                tokio::time::sleep(std::time::Duration::from_secs((*every).max(10))).await;
            }
        }
        Cmd::Audit { command: AuditCmd::Verify { pemda, from: None, .. } } => {
            let store = open_store(&cli).await?;
            let codes = match pemda {
                Some(code) => vec![RegionCode::parse(code).map_err(|e| anyhow::anyhow!("--pemda: {e}"))?],
                None => store.all_pemda().await?.into_iter().map(|p| p.code).collect(),
            };
            if codes.is_empty() {
                bail!("no pemda in this database");
            }
            let mut whole = true;
            for code in codes {
                if store.pemda(&code).await?.is_none() {
                    bail!("no pemda {code} in this database (see `rencana pemda list`)");
                }
                let report = store.verify_chain(&code).await?;
                match report.first_broken {
                    None => println!("{code}: valid, {} events, head {}", report.events, report.head),
                    Some(seq) => {
                        whole = false;
                        println!("{code}: BROKEN at event {seq} ({} events read)", report.events);
                    }
                }
            }
            return Ok(if whole { ExitCode::SUCCESS } else { ExitCode::from(1) });
        }
        Cmd::Export { pemda, cycle, what, stage, region, opd, to, lang } => {
            let store = open_store(&cli).await?;
            let pemda = RegionCode::parse(pemda).map_err(|e| anyhow::anyhow!("--pemda {pemda}: {e:?}"))?;
            let region = match region {
                Some(code) => RegionCode::parse(code).map_err(|e| anyhow::anyhow!("--region {code}: {e:?}"))?,
                None => pemda.clone(),
            };
            let stage = match stage {
                Some(stage) => Some(
                    domain::cycle::Stage::parse(stage).with_context(|| format!("--stage {stage} is not a stage"))?,
                ),
                None => None,
            };
            let key = open_log_key(&cli)?;
            let public_url = match &cli.public_url {
                Some(url) if !url.trim().is_empty() => url.trim().trim_end_matches('/').to_string(),
                _ => format!("https://{}", key.name()),
            };
            let config = web::Config {
                demo: false,
                secure_cookies: true,
                tile_url: String::new(),
                exposed_without_secure_cookies: false,
                log: std::sync::Arc::new(web::TransparencyLog::new(key)),
                printer: Some(std::sync::Arc::new(documents::Typst::new())),
                public_url,
            };
            let app = web::app(store.clone(), config);
            let export = rencana::export::Export {
                pemda,
                year: *cycle,
                what: what.clone(),
                stage,
                region,
                opd: opd.clone(),
                to: to.clone(),
                lang: lang.clone(),
            };
            let written = rencana::export::run(&store, app, &export).await?;
            for file in &written {
                println!("{}", file.display());
            }
            eprintln!("{} documents written to {}", written.len(), to.display());
        }
        Cmd::Backup { to } => {
            let store = open_store(&cli).await?;
            let written = rencana::backup::backup(&store, &cli.data_dir, to).await?;
            println!("backup written to {}", written.database.display());
            println!("with its {} photos and scans in {}", written.files, written.attachments.display());
        }
        Cmd::Restore { from, replace, accept_missing_attachments } => {
            if cli.database_url.as_deref().is_some_and(|url| !url.is_empty()) {
                anyhow::bail!("this installation runs on PostgreSQL: restore its dump with pg_restore");
            }
            let options = rencana::restore::Options {
                replace: *replace,
                accept_missing_attachments: *accept_missing_attachments,
            };
            let restored =
                rencana::restore::restore(from, &cli.data_dir, options, time::OffsetDateTime::now_utc()).await?;
            for (pemda, events) in &restored.pemda {
                println!("pemda {pemda}: journal of {events} events verified");
            }
            match restored.attachments {
                Some(count) => println!("{count} photos and scans checked and in place"),
                None => println!(
                    "this backup has no attachments folder: copy the photos and scans into {} yourself",
                    cli.data_dir.join("attachments").display()
                ),
            }
            if restored.missing_attachments > 0 {
                println!(
                    "{} photos and scans the record names are missing; their pages show them missing",
                    restored.missing_attachments
                );
            }
            if let Some(kept) = &restored.kept {
                println!("the database it replaced is kept as {}", kept.display());
            }
            println!("restored to {}", restored.database.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Says how far a seed got: each step as it starts and ends, and within it at most every two
/// seconds, so that a long seed is never silent and never floods the terminal.
fn seed_reporter() -> impl FnMut(store::seed::SeedProgress) {
    let started = std::time::Instant::now();
    let mut last: Option<(&'static str, std::time::Instant)> = None;
    move |p: store::seed::SeedProgress| {
        let stage = p.stage.as_str();
        let due = match last {
            Some((shown, at)) => shown != stage || p.done == p.total || at.elapsed().as_secs() >= 2,
            None => true,
        };
        if due {
            eprintln!("  {:>6.1} s  {stage}: {} of {}", started.elapsed().as_secs_f64(), p.done, p.total);
            last = Some((stage, std::time::Instant::now()));
        }
    }
}

/// Prints a national seed's progress: at most a line every two seconds, and the last.
fn national_reporter() -> impl FnMut(store::seed::NationalProgress) {
    let started = std::time::Instant::now();
    let mut last: Option<std::time::Instant> = None;
    move |p: store::seed::NationalProgress| {
        if last.is_none_or(|at| at.elapsed().as_secs() >= 2) || p.done == p.total {
            let elapsed = started.elapsed().as_secs_f64();
            let rate = p.proposals as f64 / elapsed.max(0.001);
            eprintln!(
                "  {elapsed:>7.1} s  pemda {} of {} ({}): {} proposals, {rate:.0} a second",
                p.done, p.total, p.pemda, p.proposals
            );
            last = Some(std::time::Instant::now());
        }
    }
}

/// Issues checkpoints now and then every `every`, for as long as the server runs.
fn spawn_checkpoints(store: Store, log: std::sync::Arc<web::TransparencyLog>, every: std::time::Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match log.issue_checkpoints(&store, OffsetDateTime::now_utc()).await {
                Ok((issued, failed)) => {
                    for checkpoint in issued {
                        tracing::info!(pemda = checkpoint.pemda, size = checkpoint.size, "checkpoint issued");
                    }
                    for (pemda, error) in failed {
                        tracing::error!(pemda, %error, "no checkpoint issued");
                    }
                }
                Err(error) => tracing::warn!(%error, "checkpoint round failed; retrying at the next"),
            }
        }
    });
}

async fn serve(
    store: Store,
    listen: SocketAddr,
    config: web::Config,
    checkpoint_every: std::time::Duration,
) -> anyhow::Result<()> {
    tracing::info!(verifier_key = config.log.verifier_key(), "transparency log key");
    spawn_checkpoints(store.clone(), config.log.clone(), checkpoint_every);
    memory::spawn_trimmer();
    let sweeper = store.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(error) = sweeper.delete_expired_sessions(OffsetDateTime::now_utc()).await {
                tracing::warn!(%error, "could not delete expired sessions");
            }
        }
    });
    let backend = store.backend().name();
    let demo = config.demo;
    let config_exposed = config.exposed_without_secure_cookies;
    let app = web::app(store, config);
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    if config_exposed {
        tracing::warn!(
            %listen,
            "session cookies are NOT marked Secure while listening beyond this machine: behind HTTPS, \
             start with --secure-cookies (RENCANA_SECURE_COOKIES=1), or a login can travel in clear"
        );
        eprintln!(
            "WARNING: listening on {listen} without --secure-cookies. Behind HTTPS (almost every deployment \
             beyond this machine), set --secure-cookies or RENCANA_SECURE_COOKIES=1."
        );
    }
    tracing::info!(%listen, database = backend, demo, "serving on http://{listen}");
    // Through `into_make_service`, each connection shares the one router; served as the router
    // itself, axum would copy every route of it for each connection (a fifth of the CPU of a
    // submission from clients that do not keep their connections alive).
    axum::serve(listener, app.into_make_service()).with_graceful_shutdown(shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
