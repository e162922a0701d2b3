//! The shapes of the API's inputs, built from the constants the rules use: what the document
//! promises is valid is what the rules accept, so a client generated from it (or a fuzzer) sends
//! what the server takes, and what it calls invalid the server refuses. A field or parameter
//! names its shape with `value_type = schema::Title, inline` (see `shapes!`). Rules that depend
//! on stored data (a kamus code that exists, a username still free, a strong password) or on two
//! fields at once (`closes` after `opens`) cannot be written here.
//!
//! Patterns use `[0-9]` rather than `\d` (which matches other scripts' digits in some dialects)
//! and `\uXXXX` escapes, which ECMA-262, Python and Rust regexes all read alike.

use domain::accounts::{USERNAME_MAX, USERNAME_MIN};
use domain::cycle::Stage as DomainStage;
use domain::cycle::YEARS;
use domain::dprd::GROUP_MAX;
use domain::error::NAME_MAX;
use domain::kamus::{
    Bidang as DomainBidang, CODE_MAX, FISIK_WORDS, KAMUS_NAME_MAX, NON_FISIK_WORDS, PRICE_MAX, UNIT_MAX,
};
use domain::money::{AMOUNT_MAX, VOLUME_MAX_UNITS};
use domain::musrenbang::{ADDRESS_MAX, TEXT_MAX, TITLE_MAX};
use domain::password;
use domain::planning::{LAT_RANGE, LON_RANGE, Origin as DomainOrigin, Status as DomainStatus, Track as DomainTrack};
use domain::region::PART_WIDTHS;
use domain::rpjmd::{PRIORITY_NAME_MAX, SASARAN_COUNT_MAX, SASARAN_MAX};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use utoipa::IntoParams;
use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{Array, Object, RefOr, Schema};

/// Characters no text takes (`domain::error::is_forbidden_control`): every control but the
/// line break, the carriage return and the tab.
const FORBIDDEN: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";
/// Characters that show no ink (`domain::error::is_visible` is false): controls, white space,
/// and the blank and zero-width characters.
const INVISIBLE: &str = concat!(
    r"\u0000-\u0020\u007F-\u00A0\u00AD\u034F\u061C\u115F\u1160\u1680\u17B4\u17B5\u180B-\u180F",
    r"\u2000-\u200F\u2028-\u202F\u205F-\u206F\u2800\u3000\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFF8"
);

/// The codes of the nomenclature by level (`nomenclature::NomenclatureLevel::of_code`).
const NOMENCLATURE_CODE: &str = r"([0-9]|[Xx])(\.([0-9]{2}|[Xx]{2})(\.[0-9]{2}(\.[0-9]\.[0-9]{2}(\.[0-9]{4})?)?)?)?";
const SUB_KEGIATAN_CODE: &str = r"([0-9]|[Xx])\.([0-9]{2}|[Xx]{2})\.[0-9]{2}\.[0-9]\.[0-9]{2}\.[0-9]{4}";

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

pub(super) fn enumeration<'a>(values: impl IntoIterator<Item = &'a str>) -> Object {
    string().enum_values(Some(values)).build()
}

/// A text the rules store (`check_text`): no control character, something visible, at most
/// `max` characters.
fn text(max: usize) -> Object {
    string()
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some(format!("^[^{FORBIDDEN}]*[^{INVISIBLE}][^{FORBIDDEN}]*$")))
        .build()
}

/// A text that may be left empty (it then changes nothing, or is skipped), else as [`text`].
fn optional_text(max: usize) -> Object {
    string().max_length(Some(max)).pattern(Some(format!("^[^{FORBIDDEN}]*$"))).build()
}

/// A dotted region code of `min` to `max` parts, e.g. 3–3 for a kecamatan.
fn region_pattern(min: usize, max: usize) -> String {
    let part = |(low, high, _): (usize, usize, &str)| {
        if low == high { format!("[0-9]{{{low}}}") } else { format!("[0-9]{{{low},{high}}}") }
    };
    let mut pattern = String::new();
    for (depth, widths) in PART_WIDTHS.iter().enumerate().take(max).rev() {
        let dot = if depth == 0 { "" } else { r"\." };
        pattern = if depth < min {
            format!("{dot}{}{pattern}", part(*widths))
        } else {
            format!("({dot}{}{pattern})?", part(*widths))
        };
    }
    format!("^{pattern}$")
}

fn region(min: usize, max: usize, description: &str) -> Object {
    string().pattern(Some(region_pattern(min, max))).description(Some(description)).build()
}

/// A region code of any level, `12` to `12.71.01.1001.001`.
fn region_code() -> Object {
    region(1, 5, "A Kemendagri region code of any level (`12.71`, `12.71.01.1001`); a lingkungan adds `.NNN`.")
}

/// Where a forum meets: a kecamatan, a kelurahan or desa, or a lingkungan.
fn forum_region_code() -> Object {
    region(
        3,
        5,
        "The forum's region: a kecamatan for musrenbang_kecamatan, a kelurahan or desa for musrenbang_kelurahan, a lingkungan for rembuk_warga.",
    )
}

fn village_code() -> Object {
    region(4, 4, "A kelurahan or desa code (`12.71.01.1001`).")
}

fn kecamatan_code() -> Object {
    region(3, 3, "A kecamatan code (`12.71.01`).")
}

fn lingkungan_code() -> Object {
    region(5, 5, "A lingkungan code (`12.71.01.1001.001`).")
}

/// Where an import's rows must lie: a pemda, a kecamatan, or a kelurahan or desa.
fn import_scope_code() -> Object {
    region(2, 4, "The pemda, kecamatan, kelurahan or desa every row must lie in.")
}

/// `schema`, or empty: an empty filter is no filter (`proposals::filter_of`), an empty change in a
/// decision keeps what was agreed before.
fn or_empty(mut schema: Object) -> Object {
    if let Some(pattern) = &schema.pattern {
        let anchored = pattern.strip_prefix('^').and_then(|p| p.strip_suffix('$')).unwrap_or(pattern);
        schema.pattern = Some(format!("^({anchored})?$"));
    }
    if let Some(values) = &mut schema.enum_values {
        values.push("".into());
    }
    schema
}

fn optional_lingkungan_code() -> Object {
    or_empty(lingkungan_code())
}

fn region_filter() -> Object {
    or_empty(region_code())
}

fn stage_filter() -> Object {
    or_empty(stage())
}

fn status_filter() -> Object {
    or_empty(status())
}

fn origin_filter() -> Object {
    or_empty(origin())
}

fn stage() -> Object {
    enumeration(DomainStage::ALL.map(DomainStage::as_str))
}

/// The stages that hold forums, where proposals are raised.
fn forum_stage() -> Object {
    enumeration(DomainStage::FORUMS.map(DomainStage::as_str))
}

/// The forums that decide one proposal at a time: a rembuk warga's list is the residents' own
/// (`musrenbang::decide_proposal` refuses it).
fn decision_stage() -> Object {
    enumeration(DomainStage::FORUMS.into_iter().filter(|s| *s != DomainStage::RembukWarga).map(DomainStage::as_str))
}

fn opd_print() -> Object {
    enumeration(["berita-acara.pdf", "daftar-prioritas.pdf", "renja.pdf"])
}

fn rkpd_print() -> Object {
    enumeration(["berita-acara.pdf", "rkpd.pdf"])
}

fn status() -> Object {
    enumeration(DomainStatus::ALL.map(DomainStatus::as_str))
}

fn origin() -> Object {
    enumeration(DomainOrigin::ALL.map(DomainOrigin::as_str))
}

fn track() -> Object {
    string()
        .enum_values(Some(DomainTrack::ALL.map(DomainTrack::as_str)))
        .default(Some(DomainTrack::Apbd.as_str().into()))
        .build()
}

fn bidang() -> Object {
    enumeration(DomainBidang::ALL.map(DomainBidang::as_str))
}

/// `accept`, `accept_with_changes` or `reject`, as `proposals::decision_input` reads them.
fn decision() -> Object {
    enumeration(crate::views::proposals::DECISIONS)
}

/// A value only looked up, never stored (a filter, a page's continuation): any text without a
/// control character (`guard` refuses those).
fn lookup_text() -> Object {
    string().pattern(Some(format!("^[^{FORBIDDEN}]*$"))).build()
}

/// A SHA-256 in hex, as `print::typed_sha256` reads it (either case).
fn sha256() -> Object {
    string().pattern(Some("^[0-9a-fA-F]{64}$")).build()
}

fn years(schema_type: SchemaType) -> Object {
    ObjectBuilder::new()
        .schema_type(schema_type)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
        .minimum(Some(YEARS.0))
        .maximum(Some(YEARS.1))
        .build()
}

/// A page's size as `proposals::list` reads it: any whole number, taken as at least one and at
/// most `store::PAGE_MAX`.
/// How many items a page skips: any whole number (past the end gives the last page), so no
/// 64-bit format bounds it below what the server reads.
fn page_offset() -> Object {
    ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)).maximum(Some(u64::MAX)).build()
}

fn page_limit() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(0))
        .maximum(Some(u64::MAX))
        .description(Some(format!("At most {} are given (default 100); larger asks give that many.", store::PAGE_MAX)))
        .build()
}

/// A year to show; empty (like leaving it out) for the default.
fn year_filter() -> Schema {
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new().schema_type(Type::Integer).format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32))),
        )
        .item(string().enum_values(Some([""])))
        .build()
        .into()
}

/// A tahun anggaran a cycle or a kamus may plan.
fn year() -> Object {
    years(Type::Integer.into())
}

fn optional_year() -> Object {
    years(SchemaType::from_iter([Type::Integer, Type::Null]))
}

fn title() -> Object {
    text(TITLE_MAX)
}

/// A problem statement or a reason.
fn long_text() -> Object {
    text(TEXT_MAX)
}

/// An address or a meeting's place.
fn address() -> Object {
    text(ADDRESS_MAX)
}

fn optional_address() -> Object {
    optional_text(ADDRESS_MAX)
}

/// A person's or a lingkungan's name, a chair, an attendee's role.
fn name() -> Object {
    text(NAME_MAX)
}

fn optional_name() -> Object {
    optional_text(NAME_MAX)
}

/// An OPD's name (`musrenbang::create_opd` allows twice a person's).
fn opd_name() -> Object {
    text(NAME_MAX * 2)
}

fn kamus_name() -> Object {
    text(KAMUS_NAME_MAX)
}

fn unit() -> Object {
    text(UNIT_MAX)
}

fn code_of(max: usize) -> Object {
    string().pattern(Some(format!("^[A-Za-z0-9.-]{{1,{max}}}$"))).build()
}

/// A master-data code (`kamus::check_code`): letters, digits, dots and hyphens.
fn code() -> Object {
    code_of(CODE_MAX)
}

/// A code a decision changes, or an OPD filter.
fn optional_code() -> Object {
    or_empty(code())
}

/// `nomenclature::NomenclatureLevel::of_code`: a code of any level of the nomenclature (any
/// case; `x` is read as `X`).
fn nomenclature_code() -> Object {
    string().pattern(Some(format!("^{NOMENCLATURE_CODE}$"))).build()
}

/// A place in the nomenclature to show, or empty for the urusan.
fn optional_nomenclature_code() -> Object {
    or_empty(nomenclature_code())
}

/// A fraksi or komisi (`dprd::GROUP_MAX`).
fn group_name() -> Object {
    text(GROUP_MAX)
}

/// `rpjmd::check_priority`'s name.
fn priority_name() -> Object {
    text(PRIORITY_NAME_MAX)
}

/// The sasaran of a priority: at most [`SASARAN_COUNT_MAX`], each a text of one line.
fn sasaran() -> Array {
    // A blank entry is skipped (`rpjmd::check_priority`), so it is no error.
    ArrayBuilder::new()
        .items(string().max_length(Some(SASARAN_MAX)).pattern(Some(format!("^[^{FORBIDDEN}\\n\\r]*$"))).build())
        .max_items(Some(SASARAN_COUNT_MAX))
        .build()
}

/// The sub kegiatan a kamus item links to, or empty for none.
fn sub_kegiatan() -> Object {
    string().pattern(Some(format!("^{SUB_KEGIATAN_CODE}$"))).build()
}

/// The stages at which a Renja line has figures (`renja::LINE_STAGES`).
fn line_stage() -> Object {
    enumeration(domain::renja::LINE_STAGES.map(DomainStage::as_str))
}

fn funding() -> Object {
    enumeration(domain::renja::FundingSource::ALL.map(domain::renja::FundingSource::as_str))
}

/// What an OPD decides (`views::renja::opd_decision`).
fn opd_decision() -> Object {
    enumeration(crate::views::renja::OPD_DECISIONS)
}

fn indicator_text() -> Object {
    text(domain::renja::INDICATOR_MAX)
}

fn indicator_unit() -> Object {
    text(domain::renja::INDICATOR_UNIT_MAX)
}

/// Where a Renja line's work is: kecamatan or kelurahan codes, none for the whole pemda.
fn locations() -> Array {
    ArrayBuilder::new()
        .items(region(3, 4, "A kecamatan (`12.71.01`) or kelurahan/desa (`12.71.01.1001`) code."))
        .max_items(Some(domain::renja::LOCATIONS_MAX))
        .build()
}

fn optional_sub_kegiatan() -> Object {
    or_empty(string().pattern(Some(format!("^{SUB_KEGIATAN_CODE}$"))).build())
}

/// `command::check_username`: lower case, digits, `.`, `_`, `-`, starting with a letter or digit.
fn username() -> Object {
    string()
        .min_length(Some(USERNAME_MIN))
        .max_length(Some(USERNAME_MAX))
        .pattern(Some("^[a-z0-9][a-z0-9._-]*$"))
        .build()
}

/// `password::check_new_password`; it also refuses the most common passwords and any that
/// contains the username.
fn new_password() -> Object {
    string().min_length(Some(password::MIN_LENGTH)).max_length(Some(password::MAX_LENGTH)).build()
}

/// A lingkungan's local number: one to three digits (`command::add_lingkungan`).
fn lingkungan_number() -> Object {
    string().pattern(Some("^[0-9]{1,3}$")).build()
}

/// Digits that always fit under `max`: one fewer than `max` has.
fn digits_under(max: i64) -> usize {
    max.to_string().len() - 1
}

/// A volume as `money::parse_volume` reads it, above zero and at most `VOLUME_MAX_UNITS`: a
/// comma takes up to three decimals, a dot up to two (`1.250` reads as a thousand in Indonesian
/// and is refused), except after a zero (`0.125`).
fn volume_pattern() -> String {
    let whole = digits_under(VOLUME_MAX_UNITS);
    let from_one = format!(r"0*[1-9][0-9]{{0,{}}}(,[0-9]{{1,3}}|\.[0-9]{{1,2}})?", whole - 1);
    let below_one = r"0+(,|\.)[0-9]{0,2}[1-9]";
    format!("{from_one}|{below_one}")
}

fn volume() -> Object {
    string()
        .pattern(Some(format!("^({})$", volume_pattern())))
        .description(Some(format!(
            "A number above zero, at most {VOLUME_MAX_UNITS}, with at most three decimals (`12,5` or `12.5`)."
        )))
        .build()
}

fn optional_volume() -> Object {
    or_empty(volume())
}

/// Whole rupiah, from `minimum` (0 or 1) to `max`: a JSON integer, or text as people type it
/// (`2500000`, `2.500.000`, `Rp 2.500.000`; `money::parse_rupiah`). The text form is bounded by
/// its digits, so it promises a little less than the rule takes.
fn rupiah(minimum: i64, max: i64) -> Schema {
    let digits = digits_under(max);
    let groups = (digits - 3) / 3;
    let nonzero = format!(r"0*[1-9][0-9]{{0,{}}}|[1-9][0-9]{{0,2}}(\.[0-9]{{3}}){{1,{groups}}}", digits - 1);
    let numbers = if minimum == 0 { format!("{nonzero}|0+") } else { nonzero };
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(minimum)).maximum(Some(max)))
        .item(string().pattern(Some(format!("^((Rp|rp) ?)?({numbers})$"))))
        .build()
        .into()
}

/// A ceiling: up to `money::AMOUNT_MAX`.
fn amount() -> Schema {
    rupiah(0, AMOUNT_MAX)
}

/// A kamus unit price: above zero, up to `kamus::PRICE_MAX`.
fn unit_price() -> Schema {
    rupiah(1, PRICE_MAX)
}

/// `true`/`false`, `1`/`0`, or a word for either (any case).
fn fisik() -> Schema {
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::Boolean))
        .item(ObjectBuilder::new().schema_type(Type::Integer).enum_values(Some([0, 1])))
        .item(string().enum_values(Some(FISIK_WORDS.into_iter().chain(NON_FISIK_WORDS))))
        .build()
        .into()
}

fn degrees((low, high): (f64, f64)) -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Number, Type::Null]))
        .minimum(Some(low))
        .maximum(Some(high))
        .build()
}

/// Decimal degrees inside Indonesia; give both coordinates or neither.
fn latitude() -> Object {
    degrees(LAT_RANGE)
}

fn longitude() -> Object {
    degrees(LON_RANGE)
}

/// How many proposals a forum level may forward: at least one, or `null` for no limit.
fn forward_cap() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(1))
        .maximum(Some(u32::MAX))
        .build()
}

fn delegates() -> Array {
    ArrayBuilder::new().items(optional_name()).build()
}

/// A complete priority order: every accepted proposal once.
fn ranking() -> Array {
    ArrayBuilder::new().items(uuid()).unique_items(true).build()
}

fn uuid() -> Object {
    string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))).build()
}

/// One grant: a role, and the scope its kind takes (`Role::scope_kind`). Whether a region exists
/// and lies in the pemda is for the rule to say.
fn grant() -> Schema {
    use domain::RegionLevel;
    use domain::access::ScopeKind;
    let depth = |level: &RegionLevel| match level {
        RegionLevel::Provinsi => 1,
        RegionLevel::Kabupaten | RegionLevel::Kota => 2,
        RegionLevel::Kecamatan => 3,
        RegionLevel::Kelurahan | RegionLevel::Desa => 4,
        RegionLevel::Lingkungan => 5,
    };
    let mut kinds = OneOfBuilder::new();
    for role in domain::Role::ALL {
        let (scope, required) = match role.scope_kind() {
            ScopeKind::Region(levels) => {
                let low = levels.iter().map(depth).min().unwrap_or(1);
                let high = levels.iter().map(depth).max().unwrap_or(5);
                (string().pattern(Some(region_pattern(low, high))).build(), true)
            }
            ScopeKind::Opd => (code_of(CODE_MAX), true),
            // Empty, or the pemda's own code.
            ScopeKind::Pemda => (or_empty(string().pattern(Some(region_pattern(2, 2))).build()), false),
        };
        let mut kind = ObjectBuilder::new()
            .property("role", enumeration([role.as_str()]))
            .required("role")
            .property("scope", scope);
        if required {
            kind = kind.required("scope");
        }
        kinds = kinds.item(kind);
    }
    kinds
        .description(Some(
            "A role and where it applies: a lingkungan for `warga` and `kepala_lingkungan`, a kelurahan or desa \
             for `operator_kelurahan`, a kecamatan for `operator_kecamatan`, an OPD code for `operator_opd`, \
             empty (or the pemda's code) for the pemda-wide roles.",
        ))
        .build()
        .into()
}

/// The grants of an account: at least one.
fn grants() -> Array {
    ArrayBuilder::new().items(RefOr::T(grant())).min_items(Some(1)).build()
}

/// JSON Schema counts `2027.0` as an integer and serde does not: an integer field of a body reads
/// any JSON number without a fraction, so that every body the document calls valid is read.
pub fn whole<'de, D: Deserializer<'de>, T: TryFrom<i64>>(deserializer: D) -> Result<T, D::Error> {
    integral(serde_json::Number::deserialize(deserializer)?)
}

pub fn optional_whole<'de, D: Deserializer<'de>, T: TryFrom<i64>>(deserializer: D) -> Result<Option<T>, D::Error> {
    Option::<serde_json::Number>::deserialize(deserializer)?.map(integral).transpose()
}

fn integral<T: TryFrom<i64>, E: serde::de::Error>(number: serde_json::Number) -> Result<T, E> {
    // Past 2^53 a float no longer holds every whole number; no field here goes near it.
    let exact = |f: &f64| f.fract() == 0.0 && f.abs() < 9.0e15;
    let whole = number.as_i64().or_else(|| number.as_f64().filter(exact).map(|f| f as i64));
    whole.and_then(|w| T::try_from(w).ok()).ok_or_else(|| E::custom(format!("{number} is not a whole number in range")))
}

/// A nested object, read only from a JSON object: serde would also read a struct from an array of
/// its fields in order, which the document does not promise.
pub fn object<'de, D: Deserializer<'de>, T: DeserializeOwned>(deserializer: D) -> Result<T, D::Error> {
    let map = serde_json::Map::deserialize(deserializer)?;
    serde_json::from_value(serde_json::Value::Object(map)).map_err(serde::de::Error::custom)
}

/// utoipa wraps an inline shape that has a field's description (or default) in a one-item
/// `oneOf`; this puts them on the shape itself, which is what a client generator reads best.
pub fn unwrap_described(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            let single = match map.get("oneOf") {
                Some(serde_json::Value::Array(items)) if items.len() == 1 && items[0].get("$ref").is_none() => {
                    items[0].as_object().cloned()
                }
                _ => None,
            };
            let only_described = map.keys().all(|k| matches!(k.as_str(), "oneOf" | "description" | "default"));
            if let (Some(mut shape), true) = (single, only_described) {
                map.remove("oneOf");
                shape.append(map);
                *map = shape;
            }
            map.values_mut().for_each(unwrap_described);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(unwrap_described),
        _ => {}
    }
}

/// A body that must be a JSON object, for a struct whose fields all have defaults (which serde
/// would otherwise read from `[]` as well).
pub struct JsonObject<T>(pub T);

impl<'de, T: DeserializeOwned> Deserialize<'de> for JsonObject<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        object(deserializer).map(JsonObject)
    }
}

/// Declares a type whose schema is one of the shapes above, for `value_type = schema::…, inline`
/// on a field or a parameter: unlike `schema_with`, that keeps the field's own description and
/// whether it is required. The types are never values, only names for the shapes.
macro_rules! shapes {
    ($($name:ident => $shape:ident),* $(,)?) => {$(
        pub enum $name {}

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $shape().into()
            }
        }

        impl utoipa::ToSchema for $name {}
    )*};
}

/// For the shapes of a module's own types (a list of its items), declared beside them.
pub(super) use shapes;

shapes! {
    RegionCode => region_code,
    ForumRegionCode => forum_region_code,
    VillageCode => village_code,
    KecamatanCode => kecamatan_code,
    LingkunganCode => lingkungan_code,
    ImportScopeCode => import_scope_code,
    OptionalLingkunganCode => optional_lingkungan_code,
    RegionFilter => region_filter,
    StageFilter => stage_filter,
    StatusFilter => status_filter,
    OriginFilter => origin_filter,
    Stage => stage,
    ForumStage => forum_stage,
    DecisionStage => decision_stage,
    OpdPrint => opd_print,
    RkpdPrint => rkpd_print,
    Track => track,
    Bidang => bidang,
    Decision => decision,
    LookupText => lookup_text,
    Sha256 => sha256,
    Year => year,
    OptionalYear => optional_year,
    Title => title,
    LongText => long_text,
    Address => address,
    OptionalAddress => optional_address,
    Name => name,
    OpdName => opd_name,
    KamusName => kamus_name,
    Unit => unit,
    Code => code,
    OptionalCode => optional_code,
    Username => username,
    NewPassword => new_password,
    LingkunganNumber => lingkungan_number,
    Volume => volume,
    OptionalVolume => optional_volume,
    Amount => amount,
    UnitPrice => unit_price,
    Fisik => fisik,
    Latitude => latitude,
    Longitude => longitude,
    ForwardCap => forward_cap,
    Delegates => delegates,
    Ranking => ranking,
    PageLimit => page_limit,
    PageOffset => page_offset,
    YearFilter => year_filter,
    OptionalNomenclatureCode => optional_nomenclature_code,
    OptionalSubKegiatan => optional_sub_kegiatan,
    SubKegiatan => sub_kegiatan,
    LineStage => line_stage,
    Funding => funding,
    OpdDecision => opd_decision,
    IndicatorText => indicator_text,
    IndicatorUnit => indicator_unit,
    Locations => locations,
    PriorityName => priority_name,
    GroupName => group_name,
    Sasaran => sasaran,
    Grants => grants,
}

/// `/regions/{code}`: any region.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct RegionPath {
    /// Kemendagri code, e.g. `12.71`.
    #[param(value_type = RegionCode, inline)]
    pub code: String,
}

/// `/regions/{code}/lingkungan`: the kelurahan or desa the lingkungan lies in.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct VillagePath {
    /// The kelurahan or desa.
    #[param(value_type = VillageCode, inline)]
    pub code: String,
}

/// `/regions/{code}/lingkungan/import`: where the rows must lie.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ImportScopePath {
    /// The pemda, kecamatan, kelurahan or desa the rows must lie in.
    #[param(value_type = ImportScopeCode, inline)]
    pub code: String,
}

/// `/…/{id}`: a cycle, a proposal or a user. An id that is not a UUID names nothing (404).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    #[param(value_type = String, format = Uuid)]
    pub id: String,
}

/// `/cycles/{id}/stages/{stage}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct StagePath {
    #[param(value_type = String, format = Uuid)]
    pub id: String,
    #[param(value_type = Stage, inline)]
    pub stage: String,
}

/// `/cycles/{id}/ceilings/{region_code}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CeilingPath {
    #[param(value_type = String, format = Uuid)]
    pub id: String,
    /// The kecamatan, e.g. `12.71.01`.
    #[param(value_type = KecamatanCode, inline)]
    pub region_code: String,
}

/// `/forums/{cycle}/{stage}/{region_code}`: a forum; a region of another depth than the stage's
/// names no forum (404).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ForumPath {
    #[param(value_type = String, format = Uuid)]
    pub cycle: String,
    #[param(value_type = ForumStage, inline)]
    pub stage: String,
    #[param(value_type = ForumRegionCode, inline)]
    pub region_code: String,
}

/// `/cycles/{cycle}/renja/{opd_code}`: an OPD's Renja in a cycle.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct RenjaPath {
    #[param(value_type = String, format = Uuid)]
    pub cycle: String,
    #[param(value_type = Code, inline)]
    pub opd_code: String,
}

/// `/proposals/{id}/photos/{photo}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PhotoPath {
    #[param(value_type = String, format = Uuid)]
    pub id: String,
    #[param(value_type = String, format = Uuid)]
    pub photo: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_patterns_nest_the_optional_parts() {
        assert_eq!(region_pattern(3, 3), r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$");
        assert_eq!(region_pattern(1, 5), r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4}(\.[0-9]{1,3})?)?)?)?$");
        assert_eq!(region_pattern(4, 5), r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}(\.[0-9]{1,3})?$");
    }

    /// The largest figures the text forms allow are ones the rules take.
    #[test]
    fn text_forms_stay_within_the_rules_bounds() {
        let digits = digits_under(AMOUNT_MAX);
        let mut errors = domain::error::Errors::default();
        assert!(domain::money::check_rupiah(&mut errors, "amount", &"9".repeat(digits), AMOUNT_MAX) > 0);
        let groups = (digits - 3) / 3;
        let dotted = format!("999{}", ".999".repeat(groups));
        assert!(domain::money::check_rupiah(&mut errors, "amount", &dotted, AMOUNT_MAX) > 0);
        let volume = "9".repeat(digits_under(VOLUME_MAX_UNITS));
        assert!(domain::money::check_volume(&mut errors, "volume", &format!("{volume},999")) > 0);
        assert!(errors.is_empty());
    }

    #[test]
    fn decisions_are_the_ones_read() {
        let read = |kind: &str| {
            let empty = String::new;
            crate::views::proposals::decision_input(kind, empty(), empty(), empty(), empty(), empty(), empty()).is_ok()
        };
        assert!(crate::views::proposals::DECISIONS.iter().all(|kind| read(kind)));
        assert!(!read("approve"));
    }
}
