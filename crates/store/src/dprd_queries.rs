//! Reads of the DPRD: the dapil of a pemda and its members with their accounts' names (a pemda
//! has a few dapil and some tens of members; both lists are read whole), a member's reses and
//! pokir, and what makes a proposal a pokir.

use std::collections::HashMap;

use domain::RegionCode;
use domain::dprd::{Dapil, Reses};
use domain::views::{MemberView, PokirView, ProposalSummary};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entity::{app_user, dapil, dprd_member, pokir, proposal, reses};

/// How many of a kamus item's other proposals a pokir's typical cost is judged by.
pub const TYPICAL_COSTS_READ: u64 = 201;
use crate::rows::{to_dapil, to_member, to_reses};
use crate::{Result, Store};

impl<R: crate::Reads> Store<R> {
    /// One member of the pemda, by account.
    pub async fn member(&self, pemda: &RegionCode, user_id: Uuid) -> Result<Option<MemberView>> {
        Ok(self.members(pemda).await?.into_iter().find(|m| m.user_id == user_id))
    }

    /// One reses, by id.
    pub async fn reses(&self, id: Uuid) -> Result<Option<Reses>> {
        reses::Entity::find_by_id(id).one(&self.read).await?.map(to_reses).transpose()
    }

    /// A member's reses in a cycle, newest first.
    pub async fn reses_of(&self, cycle_id: Uuid, member: Uuid) -> Result<Vec<Reses>> {
        reses::Entity::find()
            .filter(reses::Column::CycleId.eq(cycle_id))
            .filter(reses::Column::MemberId.eq(member))
            .order_by_desc(reses::Column::HeldOn)
            .all(&self.read)
            .await?
            .into_iter()
            .map(to_reses)
            .collect()
    }

    /// A member's pokir in a cycle, in the order entered.
    pub async fn pokir_of_member(&self, cycle_id: Uuid, member: Uuid) -> Result<Vec<ProposalSummary>> {
        let ids: Vec<Uuid> = pokir::Entity::find()
            .filter(pokir::Column::CycleId.eq(cycle_id))
            .filter(pokir::Column::MemberId.eq(member))
            .order_by_asc(pokir::Column::ProposalId)
            .all(&self.read)
            .await?
            .into_iter()
            .map(|p| p.proposal_id)
            .collect();
        let mut summaries = crate::planning_queries::summaries_by_id(&self.read, &ids).await?;
        Ok(ids.iter().filter_map(|id| summaries.remove(id)).collect())
    }

    /// What the cycle's proposals of a kamus item other than pokir cost: at most
    /// [`TYPICAL_COSTS_READ`] of them, through the index on the cycle and the kamus item.
    pub async fn typical_costs(&self, cycle_id: Uuid, kamus_code: &str) -> Result<Vec<i64>> {
        Ok(proposal::Entity::find()
            .filter(proposal::Column::CycleId.eq(cycle_id))
            .filter(proposal::Column::KamusCode.eq(kamus_code))
            .filter(proposal::Column::Origin.ne(domain::planning::Origin::Pokir.as_str()))
            .select_only()
            .column(proposal::Column::Cost)
            .limit(TYPICAL_COSTS_READ)
            .into_tuple()
            .all(&self.read)
            .await?)
    }

    /// What makes a proposal a pokir, when it is one.
    pub async fn pokir(&self, proposal_id: Uuid) -> Result<Option<PokirView>> {
        let Some(row) = pokir::Entity::find_by_id(proposal_id).one(&self.read).await? else { return Ok(None) };
        let Some(reses) = reses::Entity::find_by_id(row.reses_id).one(&self.read).await? else { return Ok(None) };
        let pemda = crate::rows::parse_code(&reses.pemda_code)?;
        let reses = to_reses(reses)?;
        let Some(member) = self.member(&pemda, row.member_id).await? else { return Ok(None) };
        let number = u32::try_from(row.aspiration).unwrap_or_default();
        let aspiration = usize::try_from(number).ok().and_then(|n| reses.aspirations.get(n.checked_sub(1)?)).cloned();
        Ok(Some(PokirView {
            member,
            dapil: row.dapil,
            reses_id: reses.id,
            reses_date: reses.date,
            reses_place: reses.place,
            aspiration_number: number,
            aspiration: aspiration.unwrap_or_default(),
        }))
    }

    /// The pemda's dapil, in code order.
    pub async fn dapil_list(&self, pemda: &RegionCode) -> Result<Vec<Dapil>> {
        dapil::Entity::find()
            .filter(dapil::Column::PemdaCode.eq(pemda.to_string()))
            .order_by_asc(dapil::Column::Code)
            .all(&self.read)
            .await?
            .into_iter()
            .map(to_dapil)
            .collect()
    }

    /// The pemda's DPRD members, by dapil and then name.
    pub async fn members(&self, pemda: &RegionCode) -> Result<Vec<MemberView>> {
        let rows = dprd_member::Entity::find()
            .filter(dprd_member::Column::PemdaCode.eq(pemda.to_string()))
            .all(&self.read)
            .await?;
        let members = rows.into_iter().map(to_member).collect::<Result<Vec<_>>>()?;
        let mut ids: Vec<Uuid> =
            members.iter().flat_map(|m| std::iter::once(m.user_id).chain(m.assistants.clone())).collect();
        ids.sort();
        ids.dedup();
        let mut accounts: HashMap<Uuid, (String, String)> = HashMap::new();
        for chunk in ids.chunks(crate::IN_LIST_MAX) {
            for user in
                app_user::Entity::find().filter(app_user::Column::Id.is_in(chunk.to_vec())).all(&self.read).await?
            {
                accounts.insert(user.id, (user.username, user.name));
            }
        }
        let mut views: Vec<MemberView> = members
            .into_iter()
            .map(|m| {
                let (username, name) = accounts.get(&m.user_id).cloned().unwrap_or_default();
                MemberView {
                    user_id: m.user_id,
                    username,
                    name,
                    fraksi: m.fraksi,
                    komisi: m.komisi,
                    dapil: m.dapil,
                    assistants: m.assistants.iter().filter_map(|a| accounts.get(a).map(|(u, _)| u.clone())).collect(),
                    assistant_ids: m.assistants,
                }
            })
            .collect();
        views.sort_by(|a, b| (&a.dapil, &a.name).cmp(&(&b.dapil, &b.name)));
        Ok(views)
    }
}
