//! A local HTTP server standing in for what calltrail sends to (a forwarding
//! destination, a notification channel): each test routes and answers as it
//! needs; this binds a free port and serves until the test's runtime ends.

use axum::Router;

/// Serves `app` on a free port of 127.0.0.1; its base URL (`http://…:port`).
pub async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}
