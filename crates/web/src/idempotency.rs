//! `Idempotency-Key` on the API's writes: a client that sends a submission or a decision again
//! after a timeout, with the same key, gets the first answer again instead of a second change.
//! Keys belong to the credential that sent them and to the operation (method and path) they
//! were sent to: the same key at another address is another request. The same key sent to the
//! same operation with another query or body is refused (422), as the IETF's Idempotency-Key
//! draft has it. Only successes are kept: a refused write wrote
//! nothing, and sending it again is asked again. While the first is still running, a retry is
//! told to come back in a second.
//!
//! The key itself is committed in the write's own transaction (`store::idempotency::Receipt`),
//! so a retry can never write twice, not even after a crash. The answer is kept just after: a
//! retry that finds the key but no answer (the process died between the two, or the answer was
//! too large to keep) is told that the request was carried out (409), not given a second write.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use store::idempotency::{IdempotentAnswer, Receipt};
use time::OffsetDateTime;

use crate::error::AppError;
use crate::state::AppState;

/// The longest key taken.
pub const KEY_MAX: usize = 255;
/// The largest answer kept for replay; a larger one is answered but not kept.
const ANSWER_KEPT_MAX: usize = 1024 * 1024;
const HEADER: &str = "idempotency-key";
const REPLAYED: &str = "idempotent-replayed";

/// The keys whose first request is still running.
#[derive(Default)]
pub struct InFlight(Mutex<HashSet<(String, String)>>);

/// A key held while its request runs, let go however it ends.
struct Claim {
    in_flight: Arc<InFlight>,
    id: (String, String),
}

impl Drop for Claim {
    fn drop(&mut self) {
        if let Ok(mut keys) = self.in_flight.0.lock() {
            keys.remove(&self.id);
        }
    }
}

impl InFlight {
    fn claim(self: &Arc<Self>, scope: &str, key: &str) -> Option<Claim> {
        let id = (scope.to_string(), key.to_string());
        let mut keys = self.0.lock().ok()?;
        keys.insert(id.clone()).then(|| Claim { in_flight: Arc::clone(self), id })
    }
}

fn is_key(key: &str) -> bool {
    (1..=KEY_MAX).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        // Lengths first, so that no two different requests hash alike by moving a boundary.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
}

fn replay(answer: IdempotentAnswer) -> Response {
    let mut response = Response::new(Body::from(answer.body));
    *response.status_mut() = axum::http::StatusCode::from_u16(answer.status).unwrap_or_default();
    if let Ok(value) = HeaderValue::from_str(&answer.content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response.headers_mut().insert(REPLAYED, HeaderValue::from_static("true"));
    response
}

/// The middleware: replays a kept answer, refuses a key reused for another request, or runs the
/// request and keeps its answer if it succeeded.
pub async fn replay_or_run(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let writes = matches!(*request.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    let Some(key) = request.headers().get(HEADER).filter(|_| writes) else { return next.run(request).await };
    let Some(key) = key.to_str().ok().filter(|k| is_key(k)).map(str::to_string) else {
        return AppError::invalid("idempotency_key", domain::Rule::Format { expected: "idempotency_key" })
            .into_response();
    };
    // Without a credential the only write is a login, which changes nothing worth guarding.
    let Some(credential) = request.headers().get(header::AUTHORIZATION) else { return next.run(request).await };
    let scope =
        sha256_hex(&[credential.as_bytes(), request.method().as_str().as_bytes(), request.uri().path().as_bytes()]);
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, crate::BODY_LIMIT).await else {
        return AppError::invalid("body", domain::Rule::TooLarge).into_response();
    };
    let target = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or_default();
    let fingerprint = sha256_hex(&[parts.method.as_str().as_bytes(), target.as_bytes(), &body]);
    let Some(_claim) = state.in_flight.claim(&scope, &key) else {
        return AppError::Busy { retry_after: 1 }.into_response();
    };
    match state.store.idempotent_answer(&scope, &key, OffsetDateTime::now_utc()).await {
        Ok(Some(kept)) if kept.fingerprint != fingerprint => {
            return AppError::invalid("idempotency_key", domain::Rule::Taken).into_response();
        }
        Ok(Some(kept)) => {
            return match kept.answer {
                Some(answer) => replay(answer),
                None => AppError::CarriedOut.into_response(),
            };
        }
        Ok(None) => {}
        Err(error) => return AppError::from(error).into_response(),
    }
    let receipt = Receipt::new(&scope, &key, &fingerprint);
    let response = receipt.around(next.run(Request::from_parts(parts, Body::from(body)))).await;
    if !response.status().is_success() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return AppError::broken("an answer's body").into_response();
    };
    if bytes.len() <= ANSWER_KEPT_MAX {
        let content_type =
            parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let answer = IdempotentAnswer { status: parts.status.as_u16(), content_type, body: bytes.to_vec() };
        let kept = state.store.keep_idempotent_answer(&scope, &key, &fingerprint, &answer, OffsetDateTime::now_utc());
        if let Err(error) = kept.await {
            tracing::warn!(%error, "an idempotent answer was not kept");
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_within_bounds() {
        assert!(is_key("0f8c2a1e-7b7e-4c1a-9d55-3f3c7e2b9a10"));
        assert!(!is_key(""));
        assert!(!is_key("a key"));
        assert!(!is_key(&"k".repeat(KEY_MAX + 1)));
        assert!(!is_key("kunci-ü"));
    }

    #[test]
    fn boundaries_between_parts_count() {
        assert_ne!(sha256_hex(&[b"POST", b"/a", b"bc"]), sha256_hex(&[b"POST", b"/ab", b"c"]));
    }

    #[test]
    fn one_request_at_a_time_per_key() {
        let in_flight = Arc::new(InFlight::default());
        let first = in_flight.claim("s", "k");
        assert!(first.is_some());
        assert!(in_flight.claim("s", "k").is_none());
        assert!(in_flight.claim("other", "k").is_some());
        drop(first);
        assert!(in_flight.claim("s", "k").is_some());
    }
}
