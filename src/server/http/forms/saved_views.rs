//! Saving and deleting views (named queries of the calls list), per account.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Extension;

use super::{back, storage, Fields};
use crate::model::format::url_segment;
use crate::model::query::Query;
use crate::model::{FormError, Notice};
use crate::server::http::auth::CurrentUser;
use crate::server::http::AppState;
use crate::server::store::prelude::*;

/// Longest view name kept (as [`FormError::ViewNameTooLong`] says).
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
        // The page it returns to shows what is wrong with the query.
        (_, Err(_)) => Err(FormError::ViewQueryInvalid),
        (_, Ok(query)) if query.is_empty() => Err(FormError::ViewNeedsQuery),
        (None, _) => Err(FormError::ViewNeedsName),
        (Some(name), _) if name.chars().count() > MAX_NAME => Err(FormError::ViewNameTooLong),
        (Some(name), Ok(_)) => match state.store.save_view(user.id, name, &q).await {
            Ok(true) => Ok(Notice::ViewSaved),
            Ok(false) => Err(FormError::ViewsFull),
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
        Ok(true) => Ok(Notice::ViewDeleted),
        Ok(false) => Err(FormError::NoSuchView),
        Err(e) => Err(storage(e)),
    };
    back("/", None, outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_limit_is_the_one_the_error_gives() {
        let said = FormError::ViewNameTooLong.message();
        assert!(said.contains(&format!(" {MAX_NAME} ")), "{said}");
    }
}
