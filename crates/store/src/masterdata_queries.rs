//! Reads of the RPJMD priorities, and of the nomenclature: a level of the tree, one entry with the path above it, and search
//! by code or words. Each is a key or prefix search on the pemda's list of one tahun anggaran.

use domain::RegionCode;
use domain::nomenclature::{self, NomenclatureItem};
use domain::rpjmd::Priority;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entity::nomenclature as row;
use crate::entity::rpjmd_priority;
use crate::rows::{to_nomenclature, to_priority};
use crate::{Result, Store};

/// The most entries a search answers.
pub const NOMENCLATURE_SEARCH_MAX: u64 = 100;

impl<R: crate::Reads> Store<R> {
    fn nomenclature_of(&self, pemda: &RegionCode, tahun_anggaran: i32) -> sea_orm::Select<row::Entity> {
        row::Entity::find()
            .filter(row::Column::PemdaCode.eq(pemda.to_string()))
            .filter(row::Column::TahunAnggaran.eq(tahun_anggaran))
    }

    /// The entries named and every entry above each, by code: what a list of sub kegiatan shows
    /// under its urusan, bidang, program and kegiatan.
    pub async fn nomenclature_with_ancestors(
        &self,
        pemda: &RegionCode,
        tahun_anggaran: i32,
        codes: &[String],
    ) -> Result<std::collections::HashMap<String, NomenclatureItem>> {
        let mut wanted: Vec<String> = codes.iter().flat_map(|c| nomenclature::ancestor_codes(c)).collect();
        wanted.extend(codes.iter().cloned());
        wanted.sort();
        wanted.dedup();
        let mut found = std::collections::HashMap::new();
        for chunk in wanted.chunks(crate::IN_LIST_MAX) {
            for row in self
                .nomenclature_of(pemda, tahun_anggaran)
                .filter(row::Column::Code.is_in(chunk.to_vec()))
                .all(&self.read)
                .await?
            {
                let item = to_nomenclature(row);
                found.insert(item.code.clone(), item);
            }
        }
        Ok(found)
    }

    /// The entries right under `parent` (the urusan when `None`), in code order.
    pub async fn nomenclature_children(
        &self,
        pemda: &RegionCode,
        tahun_anggaran: i32,
        parent: Option<&str>,
    ) -> Result<Vec<NomenclatureItem>> {
        Ok(self
            .nomenclature_of(pemda, tahun_anggaran)
            .filter(row::Column::ParentCode.eq(parent.unwrap_or("")))
            .order_by_asc(row::Column::Code)
            .all(&self.read)
            .await?
            .into_iter()
            .map(to_nomenclature)
            .collect())
    }

    /// One entry with every entry above it, from the urusan down (the entry last); empty when
    /// the code is not in the list.
    pub async fn nomenclature_path(
        &self,
        pemda: &RegionCode,
        tahun_anggaran: i32,
        code: &str,
    ) -> Result<Vec<NomenclatureItem>> {
        let Some(code) = nomenclature::code_to_look_up(code) else { return Ok(Vec::new()) };
        let mut codes = nomenclature::ancestor_codes(&code);
        codes.push(code.clone());
        let mut path: Vec<NomenclatureItem> = self
            .nomenclature_of(pemda, tahun_anggaran)
            .filter(row::Column::Code.is_in(codes))
            .all(&self.read)
            .await?
            .into_iter()
            .map(to_nomenclature)
            .collect();
        path.sort_by_key(|item| item.level());
        if path.last().is_none_or(|item| item.code != code) {
            return Ok(Vec::new());
        }
        Ok(path)
    }

    /// Entries whose code starts with the query, or that hold every word of it (in code, name or
    /// indicator, any case), in code order, at most [`NOMENCLATURE_SEARCH_MAX`].
    pub async fn nomenclature_search(
        &self,
        pemda: &RegionCode,
        tahun_anggaran: i32,
        query: &str,
    ) -> Result<Vec<NomenclatureItem>> {
        let words = domain::search::words(query);
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let mut select = self.nomenclature_of(pemda, tahun_anggaran);
        for word in &words {
            select = select.filter(row::Column::Search.like(format!("%{word}%")));
        }
        Ok(select
            .order_by_asc(row::Column::Code)
            .limit(NOMENCLATURE_SEARCH_MAX)
            .all(&self.read)
            .await?
            .into_iter()
            .map(to_nomenclature)
            .collect())
    }

    /// The whole list of a tahun anggaran, every level, in code order (for its download).
    pub async fn nomenclature_all(&self, pemda: &RegionCode, tahun_anggaran: i32) -> Result<Vec<NomenclatureItem>> {
        Ok(self
            .nomenclature_of(pemda, tahun_anggaran)
            .order_by_asc(row::Column::Code)
            .all(&self.read)
            .await?
            .into_iter()
            .map(to_nomenclature)
            .collect())
    }

    /// The pemda's RPJMD priorities, in code order.
    pub async fn priorities(&self, pemda: &RegionCode) -> Result<Vec<Priority>> {
        let rows = rpjmd_priority::Entity::find()
            .filter(rpjmd_priority::Column::PemdaCode.eq(pemda.to_string()))
            .order_by_asc(rpjmd_priority::Column::Code)
            .all(&self.read)
            .await?;
        rows.into_iter().map(to_priority).collect()
    }

    /// How many entries the list of a tahun anggaran holds.
    pub async fn nomenclature_count(&self, pemda: &RegionCode, tahun_anggaran: i32) -> Result<u64> {
        Ok(self.nomenclature_of(pemda, tahun_anggaran).count(&self.read).await?)
    }
}
