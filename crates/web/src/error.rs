//! One error type for handlers. A handler returns it; the page layer turns it into a page in the
//! user's language, the API layer into RFC 9457 problem JSON. The cause of an internal error goes
//! to the log, never to the user.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::{DomainError, FieldError};
use store::StoreError;

#[derive(Debug, Clone)]
pub enum AppError {
    /// Input that broke a rule; each entry names the field and the rule.
    Invalid(Vec<FieldError>),
    NotFound,
    AlreadyExists,
    LoginRequired,
    Forbidden,
    /// A form without a valid CSRF token.
    Csrf,
    /// Wrong username or password (never says which).
    BadCredentials,
    /// Too many failed logins for one username; try again after this many seconds.
    Throttled {
        retry_after: u64,
    },
    /// The stage's window does not allow writes now (or has no window).
    StageClosed {
        stage: domain::cycle::Stage,
        window: Option<domain::cycle::Window>,
    },
    /// The forum has closed and is read-only.
    ForumClosed,
    /// The forum cannot close yet, and why.
    CannotClose(domain::error::CloseProblem),
    /// The cycle's RKPD is adopted: nothing of it changes any more.
    Adopted,
    /// A write sent again under an `Idempotency-Key` whose first request was carried out but whose
    /// answer was not kept: nothing was written again.
    CarriedOut,
    /// The writer's queue is full: nothing was written; try again after this many seconds.
    Busy {
        retry_after: u64,
    },
    /// Too many reads are running and waiting already: nothing was done; try again after this many
    /// seconds.
    Crowded {
        retry_after: u64,
    },
    /// The database cannot be reached now (down, restarting): nothing was done; try again after
    /// this many seconds.
    Unavailable {
        retry_after: u64,
    },
    /// Something on our side; the cause, with its chain of sources, is for the log.
    Internal(Arc<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::AlreadyExists => StatusCode::CONFLICT,
            AppError::LoginRequired | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::StageClosed { .. }
            | AppError::ForumClosed
            | AppError::CannotClose(_)
            | AppError::Adopted
            | AppError::CarriedOut => StatusCode::CONFLICT,
            AppError::Busy { .. } | AppError::Crowded { .. } | AppError::Unavailable { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn invalid(field: &str, rule: domain::Rule) -> Self {
        AppError::Invalid(vec![FieldError::new(field, rule)])
    }

    pub fn internal(cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        AppError::Internal(Arc::new(cause))
    }

    /// An internal error that has no error value of its own, only what went wrong.
    pub fn broken(what: &'static str) -> Self {
        AppError::internal(Broken(what))
    }
}

/// Something that cannot happen if the code is right, said in words.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Broken(&'static str);

/// An error and its sources, outermost first, as one line for the log; a source whose words its
/// outer error already printed is not printed again.
pub fn cause_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        source = cause.source();
    }
    line
}

impl From<DomainError> for AppError {
    fn from(error: DomainError) -> Self {
        match error {
            DomainError::Denied(domain::access::AccessDenied::NotAuthenticated) => AppError::LoginRequired,
            DomainError::Denied(domain::access::AccessDenied::Forbidden) => AppError::Forbidden,
            DomainError::Invalid(errors) => AppError::Invalid(errors),
            DomainError::NotFound(..) => AppError::NotFound,
            DomainError::AlreadyExists(_, _) => AppError::AlreadyExists,
            DomainError::StageClosed { stage, window } => AppError::StageClosed { stage, window },
            DomainError::ForumClosed => AppError::ForumClosed,
            DomainError::CannotClose(problem) => AppError::CannotClose(problem),
            DomainError::Adopted => AppError::Adopted,
        }
    }
}

/// A workbook that could not be written is the server's failure, never the reader's.
impl From<reports::xlsx::XlsxWriteError> for AppError {
    fn from(error: reports::xlsx::XlsxWriteError) -> Self {
        AppError::internal(error)
    }
}

impl From<tower_sessions::session::Error> for AppError {
    /// A session that could not be read or written: while the database is away, like any other
    /// read (503); otherwise a fault.
    fn from(error: tower_sessions::session::Error) -> Self {
        if store::sessions::is_unreachable(&error) {
            tracing::warn!(%error, "the database cannot be reached");
            AppError::Unavailable { retry_after: 5 }
        } else {
            AppError::internal(error)
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Domain(domain) => domain.into(),
            StoreError::Conflict { field: Some(field) } => AppError::invalid(field, domain::Rule::Taken),
            StoreError::Conflict { field: None } => AppError::AlreadyExists,
            StoreError::Busy { retry_after } => AppError::Busy { retry_after },
            // A full disk or a lost database: nothing was written, and it may pass.
            StoreError::NotWritten(reason) => {
                tracing::warn!(%reason, "a write was not committed");
                AppError::Busy { retry_after: 5 }
            }
            error if error.is_unreachable() => {
                tracing::warn!(%error, "the database cannot be reached");
                AppError::Unavailable { retry_after: 5 }
            }
            other => AppError::internal(other),
        }
    }
}

/// Marks a response as an error for the layer that renders it.
#[derive(Debug, Clone)]
pub struct ErrorMarker(pub AppError);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            tracing::error!(cause = %cause_chain(cause.as_ref()), "request failed");
        }
        let mut response = self.status().into_response();
        if let AppError::Throttled { retry_after }
        | AppError::Busy { retry_after }
        | AppError::Crowded { retry_after }
        | AppError::Unavailable { retry_after } = &self
            && let Ok(value) = retry_after.to_string().parse()
        {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
        }
        response.extensions_mut().insert(ErrorMarker(self));
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// A refusal that axum's extractors wrote themselves (an unreadable path, query or form): plain
/// English text that the error layers replace with words in the user's language.
pub fn is_extractor_rejection(response: &axum::response::Response) -> bool {
    let plain = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    response.status().is_client_error() && plain
}

/// The catalogue key for a status that no handler chose.
pub fn status_message_key(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => "error.not_found",
        StatusCode::PAYLOAD_TOO_LARGE => "error.too_large",
        _ => "error.bad_request",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("reading the forum")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn an_internal_error_keeps_its_sources_for_the_log() {
        let error = AppError::internal(Outer(std::io::Error::other("disk gone")));
        let AppError::Internal(cause) = &error else { panic!("{error:?}") };
        assert_eq!(cause_chain(cause.as_ref()), "reading the forum: disk gone");
        assert!(cause.source().is_some(), "the source is kept, not flattened");
    }

    #[test]
    fn a_database_out_of_reach_is_a_503_to_retry() {
        let response = AppError::Unavailable { retry_after: 5 }.into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers().get(axum::http::header::RETRY_AFTER).unwrap(), "5");
    }
}
