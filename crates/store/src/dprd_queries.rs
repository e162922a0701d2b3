//! Reads of the DPRD: the dapil of a pemda and its members with their accounts' names. A pemda
//! has a few dapil and some tens of members; both lists are read whole.

use std::collections::HashMap;

use domain::RegionCode;
use domain::dprd::Dapil;
use domain::views::MemberView;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::entity::{app_user, dapil, dprd_member};
use crate::rows::{to_dapil, to_member};
use crate::{Result, Store};

impl Store {
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
        for chunk in ids.chunks(500) {
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
                }
            })
            .collect();
        views.sort_by(|a, b| (&a.dapil, &a.name).cmp(&(&b.dapil, &b.name)));
        Ok(views)
    }
}
