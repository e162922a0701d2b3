//! The floor a page is measured against (`make bench`): a bare axum handler on the same runtime
//! answering every GET with a body of the page's size, with nothing of Rencana around it.

use std::net::SocketAddr;

use axum::Router;
use axum::http::header;
use axum::routing::get;

pub async fn serve(listen: SocketAddr, bytes: usize) -> anyhow::Result<()> {
    // Markup-like filler of the exact size asked, built once: the handler only clones a handle.
    let body = axum::body::Bytes::from("<p>Rencana</p>\n".repeat(bytes / 15 + 1)[..bytes].to_string());
    let page = move || {
        let body = body.clone();
        async move { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body) }
    };
    let app = Router::new().fallback(get(page));
    let listener = tokio::net::TcpListener::bind(listen).await?;
    axum::serve(listener, app.into_make_service()).await?;
    Ok(())
}
