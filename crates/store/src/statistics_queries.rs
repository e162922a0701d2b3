//! A cycle's figures: its stage records counted in groups, in one read. Statistics show the whole
//! cycle, so their cost grows with the cycle; the pages that show them are revalidated by the
//! journal's head, so a reader who holds them costs nothing more.

use domain::RegionCode;
use domain::cycle::Stage;
use domain::kamus::Bidang;
use domain::planning::{Origin, Status};
use domain::statistics::Tally;
use sea_orm::{DbBackend, Statement};
use uuid::Uuid;

use crate::{Result, Store, StoreError};

/// Costs are summed in two parts, above and below this, so that neither database can overflow
/// its integers on a sum of bounded costs; the parts are joined in a wide integer.
const SPLIT: i64 = 1_000_000_000;

impl<R: crate::Reads> Store<R> {
    /// The cycle's stage records counted per stage, status, kecamatan, OPD, bidang and origin.
    pub async fn cycle_tallies(&self, cycle_id: Uuid) -> Result<Vec<Tally>> {
        let backend = self.read.get_database_backend();
        let parameter = if backend == DbBackend::Postgres { "$1" } else { "?" };
        let sql = format!(
            "SELECT s.stage AS stage, s.status AS status, p.kecamatan_code AS kecamatan, s.opd_code AS opd, \
             p.bidang AS bidang, p.origin AS origin, COUNT(*) AS entries, \
             CAST(SUM(s.cost / {SPLIT}) AS BIGINT) AS high, CAST(SUM(s.cost % {SPLIT}) AS BIGINT) AS low \
             FROM proposal_stage s JOIN proposal p ON p.id = s.proposal_id \
             WHERE s.cycle_id = {parameter} \
             GROUP BY s.stage, s.status, p.kecamatan_code, s.opd_code, p.bidang, p.origin"
        );
        let rows = self.read.query_all_raw(Statement::from_sql_and_values(backend, sql, [cycle_id.into()])).await?;
        let corrupt = |what: &str, value: &str| StoreError::Corrupt(format!("{what} {value} in cycle {cycle_id}"));
        let mut tallies = Vec::with_capacity(rows.len());
        for row in rows {
            let stage: String = row.try_get("", "stage")?;
            let status: String = row.try_get("", "status")?;
            let kecamatan: String = row.try_get("", "kecamatan")?;
            let bidang: String = row.try_get("", "bidang")?;
            let origin: String = row.try_get("", "origin")?;
            let entries: i64 = row.try_get("", "entries")?;
            let high: i64 = row.try_get("", "high")?;
            let low: i64 = row.try_get("", "low")?;
            tallies.push(Tally {
                stage: Stage::parse(&stage).ok_or_else(|| corrupt("stage", &stage))?,
                status: Status::parse(&status).ok_or_else(|| corrupt("status", &status))?,
                kecamatan: RegionCode::parse(&kecamatan).map_err(|_| corrupt("kecamatan", &kecamatan))?,
                opd: row.try_get("", "opd")?,
                bidang: Bidang::parse(&bidang).ok_or_else(|| corrupt("bidang", &bidang))?,
                origin: Origin::parse(&origin).ok_or_else(|| corrupt("origin", &origin))?,
                count: u64::try_from(entries).map_err(|_| corrupt("count", &entries.to_string()))?,
                cost: i128::from(high) * i128::from(SPLIT) + i128::from(low),
            });
        }
        Ok(tallies)
    }

    /// The Renja lines of a cycle that no proposal is behind (an OPD's own), counted, with the
    /// sum of their pagu at the stage that created them.
    pub async fn own_lines(&self, cycle_id: Uuid) -> Result<(u64, i128)> {
        let backend = self.read.get_database_backend();
        let parameter = if backend == DbBackend::Postgres { "$1" } else { "?" };
        let sql = format!(
            "SELECT COUNT(*) AS entries, CAST(SUM(s.pagu / {SPLIT}) AS BIGINT) AS high, \
             CAST(SUM(s.pagu % {SPLIT}) AS BIGINT) AS low \
             FROM renja_line l JOIN renja_line_stage s ON s.line_id = l.id AND s.stage = l.first_stage \
             WHERE l.cycle_id = {parameter} \
             AND NOT EXISTS (SELECT 1 FROM renja_source r WHERE r.line_id = l.id)"
        );
        let row = self.read.query_one_raw(Statement::from_sql_and_values(backend, sql, [cycle_id.into()])).await?;
        let Some(row) = row else { return Ok((0, 0)) };
        let entries: i64 = row.try_get("", "entries")?;
        let high: Option<i64> = row.try_get("", "high")?;
        let low: Option<i64> = row.try_get("", "low")?;
        let sum = i128::from(high.unwrap_or(0)) * i128::from(SPLIT) + i128::from(low.unwrap_or(0));
        Ok((u64::try_from(entries).unwrap_or(0), sum))
    }
}
