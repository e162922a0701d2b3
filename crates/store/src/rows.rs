//! Stored rows read back as the domain's values, for the facts loader and the read queries
//! alike. A row that cannot be what Rencana wrote is `StoreError::Corrupt` (or, where a list
//! can go on without it, skipped).

use domain::cycle::Stage;
use domain::dprd::{Dapil, Member, Reses};
use domain::journal::JournalEntry;
use domain::kamus::{Bidang, KamusItem};
use domain::nomenclature::NomenclatureItem;
use domain::planning::{Figures, Location, Point, StageRecord, Status};
use domain::rpjmd::Priority;
use domain::{Grant, Region, RegionCode, RegionLevel, Role, Scope};

use crate::entity::{
    dapil, dprd_member, journal, kamus_item, nomenclature, proposal_stage, region, reses, rpjmd_priority, user_grant,
};
use crate::{Result, StoreError};

pub(crate) fn parse_code(text: &str) -> Result<RegionCode> {
    RegionCode::parse(text).map_err(|e| StoreError::Corrupt(format!("{text}: {e}")))
}

pub(crate) fn to_kamus(row: kamus_item::Model) -> Option<KamusItem> {
    Some(KamusItem {
        code: row.code,
        name: row.name,
        unit: row.unit,
        unit_price: row.unit_price,
        opd_code: row.opd_code,
        bidang: Bidang::parse(&row.bidang)?,
        fisik: row.fisik,
        sub_kegiatan: row.sub_kegiatan,
    })
}

pub(crate) fn to_record(row: &proposal_stage::Model) -> Result<StageRecord> {
    let point = match (row.lat_e6, row.lon_e6) {
        (Some(lat_e6), Some(lon_e6)) => Some(Point { lat_e6, lon_e6 }),
        _ => None,
    };
    Ok(StageRecord {
        stage: Stage::parse(&row.stage).ok_or_else(|| StoreError::Corrupt(row.stage.clone()))?,
        status: Status::parse(&row.status).ok_or_else(|| StoreError::Corrupt(row.status.clone()))?,
        rank: row.rank.and_then(|r| u32::try_from(r).ok()),
        figures: Figures {
            kamus_code: row.kamus_code.clone(),
            unit: row.unit.clone(),
            unit_price: row.unit_price,
            volume: row.volume,
            cost: row.cost,
            opd_code: row.opd_code.clone(),
            location: Location { lingkungan: parse_code(&row.lingkungan_code)?, address: row.address.clone(), point },
        },
        reason: row.reason.clone(),
        decided_by: row.decided_by.clone(),
        decided_at: row.decided_at.clone(),
    })
}

pub(crate) fn to_region(row: &region::Model) -> Option<Region> {
    Some(Region {
        code: RegionCode::parse(&row.code).ok()?,
        name: row.name.clone(),
        level: RegionLevel::parse(&row.level)?,
    })
}

pub(crate) fn to_grant(row: &user_grant::Model) -> Option<Grant> {
    let role = Role::parse(&row.role)?;
    let scope = match row.scope_kind.as_str() {
        "pemda" => Scope::Pemda,
        "region" => Scope::Region(RegionCode::parse(&row.scope_code).ok()?),
        "opd" => Scope::Opd(row.scope_code.clone()),
        _ => return None,
    };
    Some(Grant { role, scope })
}

pub(crate) fn to_entry(row: journal::Model) -> JournalEntry {
    JournalEntry {
        pemda: row.pemda_code,
        seq: row.seq,
        event_id: row.event_id,
        kind: row.kind,
        actor: row.actor,
        at: row.at,
        payload: row.payload,
        prev_hash: row.prev_hash,
        hash: row.hash,
    }
}

pub(crate) fn to_nomenclature(row: nomenclature::Model) -> NomenclatureItem {
    NomenclatureItem { code: row.code, name: row.name, indicator: row.indicator, unit: row.unit }
}

pub(crate) fn to_priority(row: rpjmd_priority::Model) -> Result<Priority> {
    let sasaran = serde_json::from_str(&row.sasaran)
        .map_err(|e| StoreError::Corrupt(format!("priority {} sasaran: {e}", row.code)))?;
    Ok(Priority { code: row.code, name: row.name, sasaran })
}

pub(crate) fn to_dapil(row: dapil::Model) -> Result<Dapil> {
    let kecamatan = serde_json::from_str(&row.kecamatan)
        .map_err(|e| StoreError::Corrupt(format!("dapil {} kecamatan: {e}", row.code)))?;
    Ok(Dapil { code: row.code, name: row.name, kecamatan })
}

pub(crate) fn to_member(row: dprd_member::Model) -> Result<Member> {
    let assistants = serde_json::from_str(&row.assistants)
        .map_err(|e| StoreError::Corrupt(format!("member {} assistants: {e}", row.user_id)))?;
    Ok(Member { user_id: row.user_id, fraksi: row.fraksi, komisi: row.komisi, dapil: row.dapil, assistants })
}

pub(crate) fn to_reses(row: reses::Model) -> Result<Reses> {
    let aspirations = serde_json::from_str(&row.aspirations)
        .map_err(|e| StoreError::Corrupt(format!("reses {} aspirations: {e}", row.id)))?;
    Ok(Reses {
        id: row.id,
        cycle_id: row.cycle_id,
        member: row.member_id,
        date: row.held_on,
        place: row.place,
        kelurahan: parse_code(&row.kelurahan_code)?,
        attendees: u32::try_from(row.attendees).unwrap_or_default(),
        minutes: row.minutes,
        aspirations,
    })
}
