//! The problem answers of every operation, in one place. Which refusals an operation can give
//! follows from its shape (a path or query that may not parse, a token it takes or needs, a
//! write), so they are added here once the routes are known instead of being listed, and
//! forgotten, in each annotation; an annotation lists only what its shape does not tell (429 at
//! login). Each answer is a shared response of the document with the `Problem` schema as
//! `application/problem+json`, which is what `render_problems` sends.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Response};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One kind of refusal: its status, its name among the document's responses, what it means,
/// and the header it always carries.
struct Answer {
    status: u16,
    name: &'static str,
    description: &'static str,
    header: Option<(&'static str, &'static str)>,
}

const ANSWERS: [Answer; 8] = [
    Answer {
        status: 400,
        name: "BadRequest",
        description: "The path or the query could not be read (a repeated or mistyped parameter, a malformed UUID).",
        header: None,
    },
    Answer {
        status: 401,
        name: "Unauthenticated",
        description: "No valid bearer token: missing where one is needed, or expired, ended or unknown; at \
                      login, a wrong username or password.",
        header: Some(("WWW-Authenticate", "Always `Bearer`.")),
    },
    Answer { status: 403, name: "Forbidden", description: "The token's user may not do this here.", header: None },
    Answer { status: 404, name: "NotFound", description: "Nothing is there.", header: None },
    Answer {
        status: 409,
        name: "Conflict",
        description: "The change does not fit the record as it stands: it exists already, the stage's window or \
                      the forum is closed, the forum cannot close yet (`context` says why), the cycle's RKPD is \
                      adopted (nothing of it changes any more), another change came first, or the request sent \
                      again under this `Idempotency-Key` was carried out the first time and its answer was \
                      not kept (nothing was written again).",
        header: None,
    },
    Answer {
        status: 422,
        name: "Invalid",
        description: "Input that broke a rule: `errors` names each field and its rule. A control character in \
                      the path or the query is refused this way too.",
        header: None,
    },
    Answer {
        status: 429,
        name: "Throttled",
        description: "Too many failed logins for this username; try again later.",
        header: Some(("Retry-After", "Seconds until the next attempt may succeed.")),
    },
    Answer {
        status: 503,
        name: "Busy",
        description: "The server is too busy (the writer's queue is full, or too many reads are running and waiting \
                      already), or cannot reach its database now: nothing was done; send it again later.",
        header: Some(("Retry-After", "Seconds to wait before sending it again.")),
    },
];

/// Whether an operation of this shape can give this refusal.
fn applies(status: u16, method: &str, operation: &Operation) -> bool {
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let in_path = parameters.iter().any(|p| matches!(p.parameter_in, ParameterIn::Path));
    let in_query = parameters.iter().any(|p| matches!(p.parameter_in, ParameterIn::Query));
    let security = operation.security.as_deref().unwrap_or_default();
    // An empty requirement beside the bearer one makes the token optional: a public read that
    // still refuses a token it cannot accept.
    let takes_token = !security.is_empty();
    let needs_token = takes_token && !security.contains(&SecurityRequirement::default());
    let writes = matches!(method, "post" | "put" | "delete");
    match status {
        400 => in_path || in_query,
        401 => takes_token,
        403 => needs_token,
        404 => in_path,
        409 => needs_token && writes,
        // `guard::refuse_control_characters` sits in front of every route.
        422 => true,
        // The writer's queue is full (writes), too many reads wait (reads, `admission`), or the
        // database cannot be reached (any).
        503 => true,
        _ => false,
    }
}

fn shared(answer: &Answer) -> Response {
    let schema = RefOr::Ref(Ref::from_schema_name("Problem"));
    let mut response = ResponseBuilder::new()
        .description(answer.description)
        .content(PROBLEM_JSON, ContentBuilder::new().schema(Some(schema)).build());
    if let Some((name, description)) = answer.header {
        let header = HeaderBuilder::new()
            .schema(ObjectBuilder::new().schema_type(Type::String))
            .description(Some(description))
            .build();
        response = response.header(name, header);
    }
    response.build()
}

/// Whether a response an annotation wrote is a problem answer (`body = Problem`), as opposed to
/// an error status with a body of its own (the health check's 503).
fn is_problem(response: &RefOr<Response>) -> bool {
    match response {
        RefOr::Ref(_) => false,
        RefOr::T(response) => response
            .content
            .values()
            .any(|content| matches!(&content.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem"))),
    }
}

/// Gives every operation of `doc` the problem answers that apply to it, as references to one
/// shared response per kind.
pub fn add_problem_answers(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    for answer in &ANSWERS {
        components.responses.insert(answer.name.to_string(), RefOr::T(shared(answer)));
    }
    for item in doc.paths.paths.values_mut() {
        let operations = [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
        ];
        for (method, operation) in operations {
            let Some(operation) = operation else { continue };
            add_idempotency_key(method, operation);
            for answer in &ANSWERS {
                let status = answer.status.to_string();
                let listed = operation.responses.responses.get(&status);
                let wanted = match listed {
                    Some(response) => is_problem(response),
                    None => applies(answer.status, method, operation),
                };
                if wanted {
                    let shared = RefOr::Ref(Ref::from_response_name(answer.name));
                    operation.responses.responses.insert(status, shared);
                }
            }
        }
    }
}

/// The `Idempotency-Key` header every write with a token takes (`crate::idempotency`).
fn add_idempotency_key(method: &str, operation: &mut Operation) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    let security = operation.security.as_deref().unwrap_or_default();
    if !matches!(method, "post" | "put" | "delete" | "patch") || security.is_empty() {
        return;
    }
    let schema = ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(crate::idempotency::KEY_MAX))
        .pattern(Some("^[\\x21-\\x7e]+$"));
    let parameter = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(utoipa::openapi::Required::False)
        .description(Some(
            "A key of your choosing, new for each change (a UUID). Sent again with the same request within a \
             day, it gets the first success's answer again (`Idempotent-Replayed: true`) instead of a second \
             change; with another request, 422.",
        ))
        .schema(Some(schema))
        .build();
    operation.parameters.get_or_insert_with(Vec::new).push(parameter);
}
