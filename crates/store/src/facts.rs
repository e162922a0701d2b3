//! What the rules need to decide a command, read from the current-state tables.

use std::collections::{HashMap, HashSet};

use domain::cycle::{CycleFacts, ForwardCaps, Stage, Window};
use domain::facts::{Needs, OpdForumNeed, UserFacts};
use domain::planning::{Figures, ForumEntry, ForumFacts, ForumKey, Meeting, Origin, ProposalFacts, Status};
use domain::renja::RenjaFacts;
use domain::rkpd::RkpdFacts;
use domain::{Actor, DomainError, Entity, Event, Facts, MusrenbangEvent, RegionCode};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::{
    app_user, ceiling, cycle, cycle_stage, dapil, dprd_member, forum, journal, journal_subject, kamus_item,
    nomenclature, opd, opd_ceiling, pemda, photo, pokir, proposal, proposal_stage, region, renja_line_stage, reses,
    rkpd, rpjmd_priority, support, user_grant,
};
use crate::planning_queries::{CycleYears, cycle_year};
use crate::rows::{parse_code, to_dapil, to_kamus, to_member, to_record, to_region, to_reses};
use crate::{Result, StoreError};

pub(crate) async fn load_user_facts(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<UserFacts>> {
    let Some(user) = app_user::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let pemda = RegionCode::parse(&user.pemda_code).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let grants = user_grant::Entity::find()
        .filter(user_grant::Column::UserId.eq(id))
        .order_by_asc(user_grant::Column::Id)
        .all(db)
        .await?
        .iter()
        .filter_map(crate::rows::to_grant)
        .collect();
    Ok(Some(UserFacts { id: user.id, pemda, username: user.username, disabled: user.disabled, grants }))
}

/// Reads, inside the write transaction and after the lock, what the command declares it needs
/// ([`Command::needs`]); this loader knows no command. `pemda_known` is whether the pemda exists
/// when the caller knows it already (from its chain's head), saving the read.
pub(crate) async fn load(
    txn: &DatabaseTransaction,
    needs: &Needs,
    pemda: &RegionCode,
    pemda_known: Option<bool>,
    actor: &Actor,
    now: OffsetDateTime,
) -> Result<Facts> {
    let user = match needs.user {
        Some(id) => load_user_facts(txn, id).await?,
        None => None,
    };
    let pemda_exists = match pemda_known {
        Some(known) => known,
        None => pemda::Entity::find_by_id(pemda.to_string()).one(txn).await?.is_some(),
    };
    let named: Vec<String> = needs.regions.iter().map(|c| c.to_string()).collect();
    let mut regions = HashMap::new();
    for chunk in named.chunks(crate::IN_LIST_MAX) {
        for row in region::Entity::find().filter(region::Column::Code.is_in(chunk.to_vec())).all(txn).await? {
            if let Some(region) = to_region(&row) {
                regions.insert(region.code.clone(), region);
            }
        }
    }
    let villages: Vec<String> = regions.values().filter(|r| r.level.is_village()).map(|r| r.code.to_string()).collect();
    let mut lingkungan_names: HashMap<RegionCode, HashSet<String>> = HashMap::new();
    for chunk in villages.chunks(crate::IN_LIST_MAX) {
        for row in region::Entity::find().filter(region::Column::ParentCode.is_in(chunk.to_vec())).all(txn).await? {
            if let Ok(parent) = RegionCode::parse(&row.parent_code) {
                lingkungan_names.entry(parent).or_default().insert(row.name.to_lowercase());
            }
        }
    }
    let username_taken = match &needs.username {
        Some(username) => {
            app_user::Entity::find().filter(app_user::Column::Username.eq(username)).one(txn).await?.is_some()
        }
        None => false,
    };
    let mut proposal = match needs.proposal {
        Some(id) => proposal_facts(txn, id).await?,
        None => None,
    };
    if let (Some(stage), Some(p)) = (needs.submitted_figures_at, proposal.as_mut())
        && stage == p.origin.entry_stage()
    {
        p.submitted = submitted_figures(txn, p.id, pemda.as_str()).await?;
    }
    let reses = match needs.reses {
        Some(id) => match reses::Entity::find_by_id(id).one(txn).await? {
            Some(row) if row.pemda_code == pemda.as_str() => Some(to_reses(row)?),
            _ => None,
        },
        None => None,
    };
    let cycle_id = needs.cycle.or(proposal.as_ref().map(|p| p.cycle_id)).or(reses.as_ref().map(|r| r.cycle_id));
    let cycle = match cycle_id {
        Some(id) => cycle_facts(txn, id).await?.filter(|c| &c.pemda == pemda),
        None => None,
    };
    let cycle_year_taken = match needs.cycle_year {
        Some(year) => cycle::Entity::find()
            .filter(cycle::Column::PemdaCode.eq(pemda.to_string()))
            .filter(cycle::Column::TahunAnggaran.eq(year))
            .one(txn)
            .await?
            .is_some(),
        None => false,
    };
    let mut opd_codes = HashSet::new();
    let mut asked: Vec<String> = needs.opd.clone();
    asked.sort();
    asked.dedup();
    for chunk in asked.chunks(crate::IN_LIST_MAX) {
        opd_codes.extend(
            opd::Entity::find()
                .filter(opd::Column::PemdaCode.eq(pemda.to_string()))
                .filter(opd::Column::Code.is_in(chunk.to_vec()))
                .all(txn)
                .await?
                .into_iter()
                .map(|o| o.code),
        );
    }
    let mut kamus = HashMap::new();
    if let (Some(cycle), false) = (&cycle, needs.kamus.is_empty()) {
        for row in kamus_item::Entity::find()
            .filter(kamus_item::Column::PemdaCode.eq(pemda.to_string()))
            .filter(kamus_item::Column::TahunAnggaran.eq(cycle.tahun_anggaran))
            .filter(kamus_item::Column::Code.is_in(needs.kamus.clone()))
            .all(txn)
            .await?
        {
            if let Some(item) = to_kamus(row) {
                kamus.insert(item.code.clone(), item);
            }
        }
    }
    let mut nomenclature = HashSet::new();
    let year =
        needs.nomenclature.as_ref().and_then(|need| need.tahun_anggaran.or(cycle.as_ref().map(|c| c.tahun_anggaran)));
    if let (Some(need), Some(year)) = (&needs.nomenclature, year) {
        for chunk in need.codes.chunks(crate::IN_LIST_MAX) {
            nomenclature.extend(
                nomenclature::Entity::find()
                    .filter(nomenclature::Column::PemdaCode.eq(pemda.to_string()))
                    .filter(nomenclature::Column::TahunAnggaran.eq(year))
                    .filter(nomenclature::Column::Code.is_in(chunk.to_vec()))
                    .all(txn)
                    .await?
                    .into_iter()
                    .map(|row| row.code),
            );
        }
    }
    let mut users_named = HashMap::new();
    for username in &needs.usernames {
        let found = app_user::Entity::find()
            .filter(app_user::Column::Username.eq(username))
            .filter(app_user::Column::PemdaCode.eq(pemda.to_string()))
            .one(txn)
            .await?;
        if let Some(row) = found
            && let Some(user) = load_user_facts(txn, row.id).await?
        {
            users_named.insert(username.clone(), user);
        }
    }
    let dapil = if needs.dapil {
        dapil::Entity::find()
            .filter(dapil::Column::PemdaCode.eq(pemda.to_string()))
            .all(txn)
            .await?
            .into_iter()
            .map(to_dapil)
            .collect::<Result<Vec<_>>>()?
    } else {
        Vec::new()
    };
    let member_id = match (needs.member, needs.member_of_subject, &proposal, &reses) {
        (Some(id), _, _, _) => Some(id),
        (None, true, Some(p), _) if p.origin == Origin::Pokir => {
            pokir::Entity::find_by_id(p.id).one(txn).await?.map(|row| row.member_id)
        }
        (None, true, None, Some(r)) => Some(r.member),
        _ => None,
    };
    let member = match member_id {
        Some(id) => match dprd_member::Entity::find_by_id(id).one(txn).await? {
            Some(row) if row.pemda_code == pemda.as_str() => Some(to_member(row)?),
            _ => None,
        },
        None => None,
    };
    let mut priorities = HashSet::new();
    for chunk in needs.priorities.chunks(crate::IN_LIST_MAX) {
        priorities.extend(
            rpjmd_priority::Entity::find()
                .filter(rpjmd_priority::Column::PemdaCode.eq(pemda.to_string()))
                .filter(rpjmd_priority::Column::Code.is_in(chunk.to_vec()))
                .all(txn)
                .await?
                .into_iter()
                .map(|row| row.code),
        );
    }
    let forum = match (&needs.forum, &cycle) {
        (Some(need), Some(_)) => match need.key(proposal.as_ref()) {
            Some(key) => Some(forum_facts(txn, &key, need.entries()).await?),
            None => None,
        },
        _ => None,
    };
    let already_supported = match (needs.support_of_actor, needs.proposal, actor) {
        (true, Some(proposal_id), Actor::User(user)) => {
            support::Entity::find_by_id((proposal_id, user.id)).one(txn).await?.is_some()
        }
        _ => false,
    };
    // A reses's photos are kept beside the proposals', under the reses's id.
    let photo_count = match (needs.photo_count, needs.proposal.or(needs.reses)) {
        (true, Some(subject)) => {
            photo::Entity::find().filter(photo::Column::ProposalId.eq(subject)).count(txn).await? as usize
        }
        _ => 0,
    };
    let renja = match (&needs.opd_forum, &cycle) {
        (Some(OpdForumNeed::Named { cycle_id, opd_code, lines }), Some(_)) => {
            Some(renja_facts(txn, *cycle_id, opd_code, *lines).await?)
        }
        (Some(OpdForumNeed::OfProposal), Some(_)) => {
            match proposal.as_ref().and_then(|p| Some((p.cycle_id, p.record(Stage::ForumOpd)?))) {
                Some((cycle_id, record)) => Some(renja_facts(txn, cycle_id, &record.figures.opd_code, false).await?),
                None => None,
            }
        }
        _ => None,
    };
    let line = match (needs.line, &cycle) {
        (Some(id), Some(cycle)) => crate::renja_queries::line_facts(txn, id).await?.filter(|l| l.cycle_id == cycle.id),
        _ => None,
    };
    let rkpd = match (needs.rkpd, &cycle) {
        (true, Some(cycle)) => Some(rkpd_facts(txn, cycle.id).await?),
        _ => None,
    };
    Ok(Facts {
        renja,
        line,
        rkpd,
        photo_count,
        now,
        cycle,
        cycle_year_taken,
        opd_codes,
        kamus,
        nomenclature,
        priorities,
        proposal,
        forum,
        already_supported,
        pemda_exists,
        regions,
        lingkungan_names,
        username_taken,
        user,
        users_named,
        dapil,
        member,
        reses,
    })
}

/// The pemda a command acts in: the one it names, or (looked up outside the transaction) the
/// pemda of the user, proposal or cycle it names. A cycle's pemda comes from `cycles` when given,
/// which only a reader of committed rows may give (a batch's own transaction may not).
pub(crate) async fn resolve_pemda(
    db: &impl ConnectionTrait,
    needs: &Needs,
    cycles: Option<&CycleYears>,
) -> Result<RegionCode> {
    if let Some(pemda) = &needs.pemda {
        return Ok(pemda.clone());
    }
    let resolved = if let Some(id) = needs.user {
        let user = load_user_facts(db, id).await?.ok_or_else(|| DomainError::NotFound(Entity::User, id.to_string()))?;
        user.pemda
    } else if let Some(id) = needs.proposal {
        let row = proposal::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(|| DomainError::NotFound(Entity::Proposal, id.to_string()))?;
        parse_code(&row.pemda_code)?
    } else if let Some(id) = needs.reses {
        let row = reses::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(|| DomainError::NotFound(Entity::Reses, id.to_string()))?;
        parse_code(&row.pemda_code)?
    } else if let Some(id) = needs.cycle {
        let year = match cycles {
            Some(cycles) => cycles.of(db, id).await?,
            None => cycle_year(db, id).await?,
        };
        year.ok_or_else(|| DomainError::NotFound(Entity::Cycle, id.to_string()))?.0
    } else {
        return Err(DomainError::NotFound(Entity::Pemda, String::new()).into());
    };
    Ok(resolved)
}

/// A cycle with its windows and whether its RKPD is adopted, in one statement: every command in
/// a cycle reads these, and three round trips to SQLite's thread cost more than the joined rows.
pub(crate) async fn cycle_facts(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<CycleFacts>> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    Ok(cycles_facts(db, Expr::col((cycle::Entity, cycle::Column::Id)).eq(id)).await?.pop())
}

/// The facts of a pemda's cycles, the latest tahun anggaran first: one statement, whatever their
/// number.
pub(crate) async fn pemda_cycles_facts(db: &impl ConnectionTrait, pemda: &RegionCode) -> Result<Vec<CycleFacts>> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    cycles_facts(db, Expr::col((cycle::Entity, cycle::Column::PemdaCode)).eq(pemda.to_string())).await
}

/// The facts of the cycles `condition` selects, each read with its stage windows and its
/// adoption in one joined statement (a row per window), the latest tahun anggaran first.
async fn cycles_facts(db: &impl ConnectionTrait, condition: sea_orm::sea_query::SimpleExpr) -> Result<Vec<CycleFacts>> {
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    let query = Query::select()
        .columns(
            [
                cycle::Column::Id,
                cycle::Column::PemdaCode,
                cycle::Column::TahunAnggaran,
                cycle::Column::CapRembukWarga,
                cycle::Column::CapMusrenbangKelurahan,
                cycle::Column::CapMusrenbangKecamatan,
                cycle::Column::OnlineProposals,
            ]
            .map(|column| (cycle::Entity, column)),
        )
        .expr_as(Expr::col((cycle_stage::Entity, cycle_stage::Column::Stage)), "window_stage")
        .expr_as(Expr::col((cycle_stage::Entity, cycle_stage::Column::Opens)), "window_opens")
        .expr_as(Expr::col((cycle_stage::Entity, cycle_stage::Column::Closes)), "window_closes")
        .expr_as(Expr::col((rkpd::Entity, rkpd::Column::PerkadaNumber)), "perkada_number")
        .from(cycle::Entity)
        .left_join(
            cycle_stage::Entity,
            Expr::col((cycle_stage::Entity, cycle_stage::Column::CycleId)).equals((cycle::Entity, cycle::Column::Id)),
        )
        .left_join(
            rkpd::Entity,
            Expr::col((rkpd::Entity, rkpd::Column::CycleId)).equals((cycle::Entity, cycle::Column::Id)),
        )
        .and_where(condition)
        // The latest year first, and a cycle's rows one after the other.
        .order_by((cycle::Entity, cycle::Column::TahunAnggaran), sea_orm::Order::Desc)
        .order_by((cycle::Entity, cycle::Column::Id), sea_orm::Order::Asc)
        .to_owned();
    let mut cycles: Vec<CycleFacts> = Vec::new();
    for row in db.query_all(&query).await? {
        let id: Uuid = row.try_get("", "id")?;
        if cycles.last().is_none_or(|c| c.id != id) {
            let cap = |column: &str| -> Result<Option<u32>> {
                Ok(row.try_get::<Option<i32>>("", column)?.and_then(|v| u32::try_from(v).ok()))
            };
            let pemda: String = row.try_get("", "pemda_code")?;
            let perkada: Option<String> = row.try_get("", "perkada_number")?;
            cycles.push(CycleFacts {
                id,
                pemda: parse_code(&pemda)?,
                tahun_anggaran: row.try_get("", "tahun_anggaran")?,
                windows: std::collections::BTreeMap::new(),
                caps: ForwardCaps {
                    rembuk_warga: cap("cap_rembuk_warga")?,
                    musrenbang_kelurahan: cap("cap_musrenbang_kelurahan")?,
                    musrenbang_kecamatan: cap("cap_musrenbang_kecamatan")?,
                },
                online_proposals: row.try_get("", "online_proposals")?,
                adopted: perkada.is_some(),
            });
        }
        let stage: Option<String> = row.try_get("", "window_stage")?;
        let opens: Option<OffsetDateTime> = row.try_get("", "window_opens")?;
        let closes: Option<OffsetDateTime> = row.try_get("", "window_closes")?;
        if let (Some(stage), Some(opens), Some(closes), Some(cycle)) =
            (stage.as_deref().and_then(Stage::parse), opens, closes, cycles.last_mut())
        {
            cycle.windows.insert(stage, Window { opens, closes });
        }
    }
    Ok(cycles)
}

pub(crate) async fn proposal_facts(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<ProposalFacts>> {
    let Some(row) = proposal::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    let mut records = Vec::new();
    for stage_row in proposal_stage::Entity::find().filter(proposal_stage::Column::ProposalId.eq(id)).all(db).await? {
        records.push(to_record(&stage_row)?);
    }
    records.sort_by_key(|r| r.stage);
    Ok(Some(ProposalFacts {
        id,
        cycle_id: row.cycle_id,
        origin: Origin::parse(&row.origin).ok_or_else(|| StoreError::Corrupt(row.origin.clone()))?,
        records,
        submitted: None,
    }))
}

/// The figures a proposal was raised with, from its first journal entry: the one place they are
/// kept once its entry stage has decided otherwise.
async fn submitted_figures(db: &impl ConnectionTrait, id: Uuid, pemda: &str) -> Result<Option<Figures>> {
    let Some(first) = journal_subject::Entity::find()
        .filter(journal_subject::Column::ProposalId.eq(id))
        .filter(journal_subject::Column::PemdaCode.eq(pemda))
        .order_by_asc(journal_subject::Column::Seq)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(entry) = journal::Entity::find_by_id((pemda.to_string(), first.seq)).one(db).await? else {
        return Ok(None);
    };
    match serde_json::from_str::<Event>(&entry.payload) {
        Ok(Event::Musrenbang(MusrenbangEvent::ProposalSubmitted { figures, .. })) => Ok(Some(figures)),
        Ok(_) => Ok(None),
        Err(e) => Err(StoreError::Corrupt(format!("journal {pemda}#{}: {e}", first.seq))),
    }
}

/// A forum and what it holds at its stage; a forum nobody has touched yet is open and empty.
pub(crate) async fn forum_facts(db: &impl ConnectionTrait, key: &ForumKey, with_entries: bool) -> Result<ForumFacts> {
    // The forum this one forwards to, when the next stage meets over a region: its row is read
    // with this one's, in one statement.
    let upper = key.stage.next_forum().filter(|next| next.forum_depth().is_some()).zip(key.region.parent());
    // Each alternative names the whole primary key, so that either database looks both up by it.
    let forum_is = |stage: Stage, region: &RegionCode| {
        sea_orm::Condition::all()
            .add(forum::Column::CycleId.eq(key.cycle_id))
            .add(forum::Column::Stage.eq(stage.as_str()))
            .add(forum::Column::RegionCode.eq(region.to_string()))
    };
    let mut these = sea_orm::Condition::any().add(forum_is(key.stage, &key.region));
    if let Some((stage, region)) = &upper {
        these = these.add(forum_is(*stage, region));
    }
    let rows = forum::Entity::find().filter(these).all(db).await?;
    let row_of = |stage: Stage, region: &RegionCode| {
        rows.iter().find(|r| r.stage == stage.as_str() && r.region_code == region.as_str()).cloned()
    };
    let row = row_of(key.stage, &key.region);
    // Everything but the entries is a few rows by key; the entries grow with the forum.
    let entries = if with_entries {
        proposal_stage::Entity::find()
            .filter(proposal_stage::Column::CycleId.eq(key.cycle_id))
            .filter(proposal_stage::Column::Stage.eq(key.stage.as_str()))
            .filter(proposal_stage::Column::ForumRegion.eq(key.region.to_string()))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|e| {
                Some(ForumEntry {
                    proposal_id: e.proposal_id,
                    status: Status::parse(&e.status)?,
                    rank: e.rank.and_then(|r| u32::try_from(r).ok()),
                    figures: to_record(&e).ok()?.figures,
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let ceiling = match key.stage {
        Stage::MusrenbangKecamatan => {
            ceiling::Entity::find_by_id((key.cycle_id, key.region.to_string())).one(db).await?.map(|c| c.amount)
        }
        _ => None,
    };
    let (closed, meeting) = match row {
        Some(row) => (row.closed, row.meeting.and_then(|m| serde_json::from_str::<Meeting>(&m).ok())),
        None => (false, None),
    };
    let upper_closed = upper.is_some_and(|(stage, region)| row_of(stage, &region).is_some_and(|r| r.closed));
    Ok(ForumFacts { key: key.clone(), closed, meeting, entries, ceiling, upper_closed })
}

/// An OPD's forum and Renja: a few rows by key, and (for finalising) its pending count and its
/// lines' pagu at the forum OPD, which grow with that OPD's Renja only.
pub(crate) async fn renja_facts(
    db: &impl ConnectionTrait,
    cycle_id: Uuid,
    opd_code: &str,
    with_lines: bool,
) -> Result<RenjaFacts> {
    let stage = Stage::ForumOpd.as_str();
    let row = forum::Entity::find_by_id((cycle_id, stage.to_string(), opd_code.to_string())).one(db).await?;
    let (finalised, meeting) = match row {
        Some(row) => (row.closed, row.meeting.and_then(|m| serde_json::from_str::<Meeting>(&m).ok())),
        None => (false, None),
    };
    let ceiling = opd_ceiling::Entity::find_by_id((cycle_id, opd_code.to_string())).one(db).await?.map(|c| c.amount);
    let (pending, line_pagu) = if with_lines {
        let pending = proposal_stage::Entity::find()
            .filter(proposal_stage::Column::CycleId.eq(cycle_id))
            .filter(proposal_stage::Column::Stage.eq(stage))
            .filter(proposal_stage::Column::ForumRegion.eq(opd_code))
            .filter(proposal_stage::Column::Status.eq(Status::Pending.as_str()))
            .count(db)
            .await? as usize;
        let pagu = renja_line_stage::Entity::find()
            .filter(renja_line_stage::Column::CycleId.eq(cycle_id))
            .filter(renja_line_stage::Column::OpdCode.eq(opd_code))
            .filter(renja_line_stage::Column::Stage.eq(stage))
            .all(db)
            .await?
            .into_iter()
            .map(|r| r.pagu)
            .collect();
        (pending, pagu)
    } else {
        (0, Vec::new())
    };
    Ok(RenjaFacts { cycle_id, opd_code: opd_code.to_string(), finalised, meeting, ceiling, pending, line_pagu })
}

/// The cycle's RKPD: whether its musrenbang is recorded, which OPD that began a Renja at the
/// forum OPD have not finalised it, and the lines with their pagu at the rancangan akhir.
async fn rkpd_facts(db: &impl ConnectionTrait, cycle_id: Uuid) -> Result<RkpdFacts> {
    let musrenbang = rkpd::Entity::find_by_id(cycle_id).one(db).await?.is_some_and(|r| r.musrenbang.is_some());
    let rows = renja_line_stage::Entity::find().filter(renja_line_stage::Column::CycleId.eq(cycle_id)).all(db).await?;
    let mut latest: HashMap<Uuid, (Stage, i64)> = HashMap::new();
    let mut began: HashSet<String> = HashSet::new();
    for row in &rows {
        let stage = Stage::parse(&row.stage).ok_or_else(|| StoreError::Corrupt(row.stage.clone()))?;
        if stage == Stage::ForumOpd {
            began.insert(row.opd_code.clone());
        }
        let entry = latest.entry(row.line_id).or_insert((stage, row.pagu));
        if stage >= entry.0 {
            *entry = (stage, row.pagu);
        }
    }
    let finalised: HashSet<String> = forum::Entity::find()
        .filter(forum::Column::CycleId.eq(cycle_id))
        .filter(forum::Column::Stage.eq(Stage::ForumOpd.as_str()))
        .filter(forum::Column::Closed.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.region_code)
        .collect();
    let mut open_renja: Vec<String> = began.difference(&finalised).cloned().collect();
    open_renja.sort();
    let total = domain::money::sum(latest.values().map(|(_, pagu)| *pagu)).ok();
    Ok(RkpdFacts { musrenbang, open_renja, lines: latest.len(), total })
}
