//! The DPRD of the caller's pemda: its dapil (each a set of kecamatan) and its members (fraksi,
//! komisi, dapil, assistants). Read by any user of the pemda; kept by Bappeda admins and the DPRD
//! secretariat.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::dprd::Dapil;
use domain::views::MemberView;
use domain::{Command, DprdCommand, RegionCode};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ApiJson;
use super::schema;
use crate::ctx::ApiCtx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(dapil_list, dapil_save)).routes(routes!(member_list, member_save))
}

fn own_pemda(ctx: &ApiCtx) -> AppResult<RegionCode> {
    Ok(ctx.require_user()?.pemda.clone())
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DapilJson {
    /// The dapil's code (`MEDAN-1`); a dapil with the code of one saved before replaces it.
    #[serde(default)]
    #[schema(value_type = schema::Code, inline, required = true)]
    pub code: String,
    #[serde(default)]
    #[schema(value_type = schema::Name, inline, required = true)]
    pub name: String,
    /// Kecamatan codes of the pemda (`12.71.01`); each belongs to one dapil at most.
    #[serde(default)]
    #[schema(value_type = Vec<schema::KecamatanCode>, min_items = 1)]
    pub kecamatan: Vec<String>,
}

impl From<Dapil> for DapilJson {
    fn from(dapil: Dapil) -> Self {
        DapilJson {
            code: dapil.code,
            name: dapil.name,
            kecamatan: dapil.kecamatan.iter().map(ToString::to_string).collect(),
        }
    }
}

/// The dapil of the caller's pemda, in code order.
#[utoipa::path(get, path = "/api/v1/dapil", tag = "dprd", security(("bearer" = [])),
    responses((status = 200, body = Vec<DapilJson>)))]
async fn dapil_list(ctx: ApiCtx) -> AppResult<Json<Vec<DapilJson>>> {
    let pemda = own_pemda(&ctx)?;
    Ok(Json(ctx.state.store.dapil_list(&pemda).await?.into_iter().map(DapilJson::from).collect()))
}

/// Adds or replaces (by code) a dapil. Bappeda admins and the DPRD secretariat only.
#[utoipa::path(post, path = "/api/v1/dapil", tag = "dprd", security(("bearer" = [])), request_body = DapilJson,
    responses((status = 201, body = DapilJson)))]
async fn dapil_save(ctx: ApiCtx, ApiJson(input): ApiJson<DapilJson>) -> AppResult<Response> {
    let pemda = own_pemda(&ctx)?;
    let command = Command::Dprd(DprdCommand::SaveDapil {
        pemda: pemda.clone(),
        code: input.code.clone(),
        name: input.name,
        kecamatan: input.kecamatan,
    });
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    let saved = ctx.state.store.dapil_list(&pemda).await?.into_iter().find(|d| d.code == input.code.trim());
    let saved = saved.ok_or_else(|| AppError::broken("a saved dapil was not found"))?;
    Ok((StatusCode::CREATED, Json(DapilJson::from(saved))).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct MemberJson {
    pub username: String,
    /// The account's name.
    pub name: String,
    pub fraksi: String,
    pub komisi: String,
    pub dapil: String,
    /// Usernames of the secretariat staff who may enter on the member's behalf.
    pub assistants: Vec<String>,
}

impl From<MemberView> for MemberJson {
    fn from(m: MemberView) -> Self {
        MemberJson {
            username: m.username,
            name: m.name,
            fraksi: m.fraksi,
            komisi: m.komisi,
            dapil: m.dapil,
            assistants: m.assistants,
        }
    }
}

/// A member as sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    /// An account of the pemda with the `anggota_dprd` role.
    #[serde(default)]
    #[schema(value_type = schema::Username, inline, required = true)]
    username: String,
    #[serde(default)]
    #[schema(value_type = schema::GroupName, inline, required = true)]
    fraksi: String,
    #[serde(default)]
    #[schema(value_type = schema::GroupName, inline, required = true)]
    komisi: String,
    /// The code of one of the pemda's dapil.
    #[serde(default)]
    #[schema(value_type = schema::Code, inline, required = true)]
    dapil: String,
    /// Accounts with the `sekretariat_dprd` role.
    #[serde(default)]
    #[schema(value_type = Vec<schema::Username>, max_items = 10)]
    assistants: Vec<String>,
}

/// The DPRD members of the caller's pemda, by dapil and name.
#[utoipa::path(get, path = "/api/v1/dprd/members", tag = "dprd", security(("bearer" = [])),
    responses((status = 200, body = Vec<MemberJson>)))]
async fn member_list(ctx: ApiCtx) -> AppResult<Json<Vec<MemberJson>>> {
    let pemda = own_pemda(&ctx)?;
    Ok(Json(ctx.state.store.members(&pemda).await?.into_iter().map(MemberJson::from).collect()))
}

/// Adds or replaces a member's record (by account). Bappeda admins and the DPRD secretariat only.
#[utoipa::path(post, path = "/api/v1/dprd/members", tag = "dprd", security(("bearer" = [])),
    request_body = MemberInput, responses((status = 201, body = MemberJson)))]
async fn member_save(ctx: ApiCtx, ApiJson(input): ApiJson<MemberInput>) -> AppResult<Response> {
    let pemda = own_pemda(&ctx)?;
    let username = input.username.trim().to_string();
    let command = Command::Dprd(DprdCommand::SaveMember {
        pemda: pemda.clone(),
        username: input.username,
        fraksi: input.fraksi,
        komisi: input.komisi,
        dapil: input.dapil,
        assistants: input.assistants,
    });
    ctx.state.store.execute(&ctx.actor(), &command, OffsetDateTime::now_utc()).await?;
    let saved = ctx.state.store.members(&pemda).await?.into_iter().find(|m| m.username == username);
    let saved = saved.ok_or_else(|| AppError::broken("a saved member was not found"))?;
    Ok((StatusCode::CREATED, Json(MemberJson::from(saved))).into_response())
}
