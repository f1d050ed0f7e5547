//! What a role cannot use is not shown: the signed-in account, loaded once
//! per page for the whole layout, and [`Permitted`], which renders its
//! children only when the account's role may do `action`. The server
//! refuses the same things on its own (the permission table); this only
//! keeps dead buttons off the page.

use leptos::prelude::*;

use crate::model::{Action, Viewer};
use crate::server_fns::{load_viewer, PageError};

/// The signed-in account, shared by the layout's parts.
#[derive(Clone, Copy)]
pub struct ViewerResource(pub Resource<Result<Option<Viewer>, PageError>>);

/// Loads the signed-in account for everything under it.
pub fn provide_viewer() {
    provide_context(ViewerResource(Resource::new(|| (), |_| load_viewer())));
}

/// The signed-in account, loaded for the layout.
pub fn use_viewer() -> Resource<Result<Option<Viewer>, PageError>> {
    expect_context::<ViewerResource>().0
}

#[component]
pub fn Permitted(action: Action, children: ChildrenFn) -> impl IntoView {
    let viewer = use_viewer();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    let may = viewer
                        .await
                        .ok()
                        .flatten()
                        .is_some_and(|v| v.role.may(action));
                    may.then(|| children())
                })
            }}
        </Suspense>
    }
}
