//! Proposals and forums as pages and API both read and answer them.

use std::collections::HashMap;

use axum::response::{IntoResponse, Response};
use domain::RegionCode;
use domain::cycle::Stage;
use domain::kamus::KamusItem;
use domain::musrenbang::DecisionInput;
use domain::planning::{FlagCandidate, ForumKey, Origin, RedFlag, Status, red_flags};
use store::{ProposalDetail, ProposalFilter};
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// How the public sees who acted: officials by account (their acts are public duties),
/// residents only as "warga" (personal data is never published). `known` is an account already
/// read, the caller's: when it is the one named, the name is decided without reading it again
/// (a submission's answer names its proposer, who is the caller).
pub async fn public_actor(
    store: &store::Store<impl store::Reads>,
    tr: &crate::i18n::Tr,
    journal_name: &str,
    known: Option<&store::UserRecord>,
) -> AppResult<String> {
    if let Some(user) = known.filter(|user| journal_name.strip_prefix("user:") == Some(user.username.as_str())) {
        return Ok(shown_as(tr, journal_name, is_shown_by_name(user)));
    }
    let mut shown = public_actors(store, tr, [journal_name]).await?;
    Ok(shown.remove(journal_name).unwrap_or_default())
}

/// Whether an account is shown by its name: any role beyond a resident's is an official's.
fn is_shown_by_name(user: &store::UserRecord) -> bool {
    !user.grants.iter().all(|g| g.role == domain::Role::Warga)
}

/// A journal name as the public sees it, `by_name` when its account is an official's.
fn shown_as(tr: &crate::i18n::Tr, journal_name: &str, by_name: bool) -> String {
    match journal_name.strip_prefix("user:") {
        None => journal_name.to_string(),
        Some(username) if by_name => username.to_string(),
        Some(_) => tr.role(domain::Role::Warga).to_string(),
    }
}

/// [`public_actor`] for every journal name of a page at once (a timeline names the same few
/// accounts again and again): the accounts are read in one go, not once per entry.
pub async fn public_actors<'a>(
    store: &store::Store<impl store::Reads>,
    tr: &crate::i18n::Tr,
    journal_names: impl IntoIterator<Item = &'a str>,
) -> AppResult<HashMap<String, String>> {
    let names: std::collections::BTreeSet<&str> = journal_names.into_iter().collect();
    let usernames: Vec<String> =
        names.iter().filter_map(|name| name.strip_prefix("user:")).map(str::to_string).collect();
    let staff: std::collections::HashSet<String> =
        store.users_named(&usernames).await?.into_iter().filter(is_shown_by_name).map(|user| user.username).collect();
    Ok(names
        .into_iter()
        .map(|name| {
            let by_name = name.strip_prefix("user:").is_some_and(|username| staff.contains(username));
            (name.to_string(), shown_as(tr, name, by_name))
        })
        .collect())
}

/// Today's unit price of each kamus item, by code, as the price check reads them.
pub fn unit_prices(items: &HashMap<String, KamusItem>) -> HashMap<String, i64> {
    items.iter().map(|(code, item)| (code.clone(), item.unit_price)).collect()
}

/// Whose pokir a proposal is and what it answers; `None` without a read for a proposal that did
/// not come from a member (only those have a pokir row).
pub async fn pokir_of(
    store: &store::Store<impl store::Reads>,
    summary: &domain::views::ProposalSummary,
) -> AppResult<Option<domain::views::PokirView>> {
    if summary.origin != domain::planning::Origin::Pokir {
        return Ok(None);
    }
    Ok(store.pokir(summary.id).await?)
}

/// The Renja line that carries a proposal; `None` without a read for one no line may carry.
pub async fn renja_line_of(
    store: &store::Store<impl store::Reads>,
    detail: &ProposalDetail,
) -> AppResult<Option<Uuid>> {
    if !detail.may_be_on_a_renja_line() {
        return Ok(None);
    }
    Ok(store.line_of_proposal(detail.summary.id).await?)
}

/// The red flags of a proposal at its latest stage.
pub async fn flags_of(store: &store::Store<impl store::Reads>, detail: &ProposalDetail) -> AppResult<Vec<RedFlag>> {
    let Some(latest) = detail.records.last() else { return Ok(Vec::new()) };
    let cycle_id = detail.summary.cycle_id;
    let Some((pemda, tahun_anggaran)) = store.cycle_year(cycle_id).await? else { return Ok(Vec::new()) };
    let items = store.kamus_items(&pemda, tahun_anggaran, std::slice::from_ref(&latest.figures.kamus_code)).await?;
    let prices = unit_prices(&items);
    let subject = FlagCandidate::of(detail.summary.id, &latest.figures);
    let others =
        store.flag_candidates_up_to(cycle_id, std::slice::from_ref(&subject), store::FLAG_CANDIDATES_OF_ONE).await?;
    let mut flags = red_flags(&subject, &latest.figures, &others, &prices);
    if detail.summary.origin == domain::planning::Origin::Pokir {
        flags.extend(pokir_flags(store, cycle_id, detail.summary.id, &latest.figures, &mut HashMap::new()).await?);
    }
    Ok(flags)
}

/// What a pokir is flagged for beyond any proposal: its cost against its kamus item's typical
/// cost, and its member's pokir taken together (read once per member into `members`).
pub async fn pokir_flags(
    store: &store::Store<impl store::Reads>,
    cycle_id: uuid::Uuid,
    proposal_id: uuid::Uuid,
    figures: &domain::planning::Figures,
    members: &mut HashMap<uuid::Uuid, Vec<RedFlag>>,
) -> AppResult<Vec<RedFlag>> {
    let typical = store.typical_costs(cycle_id, &figures.kamus_code).await?;
    let mut flags: Vec<RedFlag> = domain::planning::pokir_cost_flag(figures.cost, &typical).into_iter().collect();
    if let Some(pokir) = store.pokir(proposal_id).await? {
        let member = pokir.member.user_id;
        if let std::collections::hash_map::Entry::Vacant(entry) = members.entry(member) {
            entry.insert(member_pokir_flags(store, cycle_id, member).await?);
        }
        flags.extend(members.get(&member).cloned().unwrap_or_default());
    }
    Ok(flags)
}

/// The flags of a member's pokir taken together (concentrated in one kelurahan, identical).
pub async fn member_pokir_flags(
    store: &store::Store<impl store::Reads>,
    cycle_id: uuid::Uuid,
    member: uuid::Uuid,
) -> AppResult<Vec<RedFlag>> {
    let pokir = store.pokir_of_member(cycle_id, member).await?;
    let patterns: Vec<domain::planning::PokirPattern> = pokir
        .iter()
        .map(|p| domain::planning::PokirPattern {
            kamus_code: p.kamus_code.clone(),
            cost: p.cost,
            kelurahan: domain::planning::forum_region_of(&p.lingkungan, domain::cycle::Stage::MusrenbangKelurahan),
        })
        .collect();
    Ok(domain::planning::pokir_pattern_flags(&patterns))
}

/// Builds a store filter from query text, naming the field that does not parse.
pub fn filter_of(
    region: Option<&str>,
    stage: Option<&str>,
    status: Option<&str>,
    origin: Option<&str>,
    opd: Option<&str>,
    search: Option<&str>,
) -> AppResult<ProposalFilter> {
    let present = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let mut filter =
        ProposalFilter { words: search.map(domain::search::words).unwrap_or_default(), ..ProposalFilter::default() };
    if let Some(region) = present(region) {
        filter.region = Some(RegionCode::parse(&region).map_err(|e| AppError::invalid("region", e.into()))?);
    }
    if let Some(stage) = present(stage) {
        filter.stage = Some(
            Stage::parse(&stage)
                .ok_or_else(|| AppError::invalid("stage", domain::Rule::Format { expected: "stage" }))?,
        );
    }
    if let Some(status) = present(status) {
        filter.status = Some(
            Status::parse(&status)
                .ok_or_else(|| AppError::invalid("status", domain::Rule::Format { expected: "status" }))?,
        );
    }
    if let Some(origin) = present(origin) {
        filter.origin = Some(
            Origin::parse(&origin)
                .ok_or_else(|| AppError::invalid("origin", domain::Rule::Format { expected: "origin" }))?,
        );
    }
    if let Some(opd) = present(opd) {
        // An OPD code has a code's shape; anything else matches nothing, and is told so.
        let mut errors = domain::error::Errors::default();
        let opd = domain::kamus::check_code(&mut errors, "opd", &opd);
        errors.into_result()?;
        filter.opd = Some(opd);
    }
    Ok(filter)
}

/// The kinds of decision [`decision_input`] reads.
pub const DECISIONS: [&str; 3] = ["accept", "accept_with_changes", "reject"];

/// Turns a typed decision into the domain's, naming the field when the kind is unknown.
pub fn decision_input(
    kind: &str,
    volume: String,
    kamus_code: String,
    lingkungan: String,
    address: String,
    opd_code: String,
    reason: String,
) -> AppResult<DecisionInput> {
    Ok(match kind.trim() {
        "accept" => DecisionInput::Accept,
        "reject" => DecisionInput::Reject { reason },
        "accept_with_changes" => {
            DecisionInput::AcceptWithChanges { volume, kamus_code, lingkungan, address, opd_code, reason }
        }
        _ => return Err(AppError::invalid("decision", domain::Rule::Format { expected: "decision" })),
    })
}

/// Parses a forum address from the URL: cycle, stage, region.
pub fn forum_key(cycle: &str, stage: &str, region: &str) -> AppResult<ForumKey> {
    let cycle_id = Uuid::parse_str(cycle).map_err(|_| AppError::NotFound)?;
    let stage = Stage::parse(stage).filter(|s| s.forum_depth().is_some()).ok_or(AppError::NotFound)?;
    let region = RegionCode::parse(region).map_err(|_| AppError::NotFound)?;
    if region.depth() != stage.forum_depth().unwrap_or(0) {
        return Err(AppError::NotFound);
    }
    Ok(ForumKey { cycle_id, stage, region })
}

/// A forum's page.
pub fn forum_href(key: &ForumKey) -> String {
    format!("/forums/{}/{}/{}", key.cycle_id, key.stage.as_str(), key.region)
}

/// The cycle of a forum the address names, which must hold the forum's region.
pub async fn forum_cycle(
    store: &store::Store<impl store::Reads>,
    key: &ForumKey,
) -> AppResult<domain::cycle::CycleFacts> {
    let cycle = store.cycle(key.cycle_id).await?.ok_or(AppError::NotFound)?;
    if !key.region.is_within(&cycle.pemda) {
        return Err(AppError::NotFound);
    }
    Ok(cycle)
}

/// A proposal's photo, public like the proposal; its hash never changes, so it caches forever.
pub async fn photo_response(state: &AppState, proposal: &str, photo: &str) -> AppResult<Response> {
    let proposal_id = Uuid::parse_str(proposal).map_err(|_| AppError::NotFound)?;
    let photo_id = Uuid::parse_str(photo).map_err(|_| AppError::NotFound)?;
    let (content_type, bytes) = state.store.photo_bytes(proposal_id, photo_id).await?.ok_or(AppError::NotFound)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (axum::http::header::CACHE_CONTROL, "public, max-age=31536000, immutable".to_string()),
        ],
        bytes,
    )
        .into_response())
}
