//! Saving and deleting views (named queries of the calls list), per account.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Extension;

use super::{back, storage, Fields};
use crate::model::format::url_segment;
use crate::model::query::Query;
use crate::server::auth::CurrentUser;
use crate::server::store::saved_views::MAX_VIEWS;
use crate::server::AppState;

/// Longest view name kept.
const MAX_NAME: usize = 60;

/// `POST /views`: saves the query `q` as `name`, back on its results.
pub async fn save(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let q = fields.get("q").unwrap_or_default().to_string();
    let page = format!("/?q={}", url_segment(&q));
    let outcome = match (fields.get("name"), Query::parse(&q)) {
        (_, Err(e)) => Err(format!("this query cannot be saved: {e}")),
        (_, Ok(query)) if query.is_empty() => Err("type a query first, then save it".into()),
        (None, _) => Err("a saved view needs a name".into()),
        (Some(name), _) if name.chars().count() > MAX_NAME => {
            Err(format!("a view's name has at most {MAX_NAME} characters"))
        }
        (Some(name), Ok(_)) => match state.store.save_view(user.id, name, &q).await {
            Ok(true) => Ok(format!("Saved the view “{name}”")),
            Ok(false) => Err(format!(
                "you have {MAX_VIEWS} saved views: delete one first"
            )),
            Err(e) => Err(storage(e)),
        },
    };
    back(&page, None, outcome)
}

/// `POST /views/{id}/delete`
pub async fn delete(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
) -> Response {
    let outcome = match state.store.delete_view(user.id, id).await {
        Ok(true) => Ok("Deleted the view".into()),
        Ok(false) => Err("there is no such view".into()),
        Err(e) => Err(storage(e)),
    };
    back("/", None, outcome)
}
