//! Refuses, before any handler runs, a request whose path or query holds a control character.
//!
//! The domain's text rule refuses control characters in everything it stores; this is the same
//! rule for what is only looked up (a filter, a code in a path), so that no such value reaches a
//! query: PostgreSQL answers a NUL byte in text with an error, SQLite would match nothing, and the
//! answer must be the same clear refusal on both.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::Rule;
use domain::error::has_forbidden_control;
use percent_encoding::percent_decode_str;

use crate::error::AppError;

/// The one parameter exempt: a redirect target, which `safe_next` judges and sends home when it
/// is anything but a plain same-site path.
const REDIRECT_PARAMETER: &str = "next";

/// Middleware: a 422 naming the parameter (or `path`) that holds a control character.
pub async fn refuse_control_characters(request: Request, next: Next) -> Response {
    if let Some(field) = field_with_control(request.uri().path(), request.uri().query()) {
        return AppError::invalid(&field, Rule::ControlCharacter).into_response();
    }
    next.run(request).await
}

/// The text a part of the URI stands for; bytes that are not UTF-8 are left to the extractors,
/// which refuse them as unreadable (400).
fn decoded(text: &str) -> String {
    percent_decode_str(&text.replace('+', " ")).decode_utf8().map(|t| t.into_owned()).unwrap_or_default()
}

/// The first part of the request that holds a control character once decoded.
fn field_with_control(path: &str, query: Option<&str>) -> Option<String> {
    if has_forbidden_control(&decoded(path)) {
        return Some("path".into());
    }
    for pair in query.unwrap_or_default().split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decoded(key);
        if has_forbidden_control(&key) {
            return Some("query".into());
        }
        if key != REDIRECT_PARAMETER && has_forbidden_control(&decoded(value)) {
            return Some(key);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::field_with_control;

    #[test]
    fn control_characters_are_found_where_they_are() {
        assert_eq!(field_with_control("/proposals", Some("opd=1.03&status=pending")), None);
        assert_eq!(field_with_control("/proposals", Some("opd=1.03%00")), Some("opd".into()));
        assert_eq!(field_with_control("/proposals", Some("q=a%0Bb")), Some("q".into()));
        assert_eq!(field_with_control("/regions/12.71%00", None), Some("path".into()));
        assert_eq!(field_with_control("/x", Some("%00=1")), Some("query".into()));
        assert_eq!(field_with_control("/login", Some("next=/%0A/evil")), None, "judged by safe_next");
        assert_eq!(field_with_control("/x", Some("a=%E2%80%8B&b=%ZZ")), None, "not controls");
        assert_eq!(field_with_control("/regions/%00%ff", None), None, "unreadable: the extractors' 400");
    }
}
