//! The export links under the results: plain downloads (streamed, any size,
//! without JavaScript too); with JavaScript, each also shows how far it has
//! gone, asked of the server while the browser downloads.

use leptos::prelude::*;

use crate::model::export::ExportProgress;
use crate::model::format;

/// How often a running export's progress is asked for.
const POLL_MS: u64 = 500;

#[component]
pub(super) fn ExportLinks(q: String) -> impl IntoView {
    let progress = RwSignal::new(None::<ExportProgress>);
    let q = format::url_segment(&q);
    let insights = format!("/insights?q={q}");
    let link = move |fmt: &'static str, label: &'static str| {
        let href = format!("/export?q={q}&format={fmt}");
        let target = href.clone();
        view! {
            <a href=href rel="external" download on:click=move |ev| {
                ev.prevent_default();
                follow(&target, progress);
            }>{label}</a>
        }
    };
    view! {
        <a href=insights>"Chart these calls"</a>
        " · Export them: " {link("csv", "calls as CSV")} " · " {link("json", "calls as JSON")}
        " · " {link("jsonl", "their events as JSON lines")}
        {move || progress.get().map(|p| view! {
            <span class="export-progress" role="status" class:failed=p.failed>{p.line()}</span>
        })}
    }
}

/// Starts the download under a fresh progress id and follows it.
fn follow(href: &str, progress: RwSignal<Option<ExportProgress>>) {
    #[cfg(feature = "hydrate")]
    {
        use std::cell::Cell;
        use std::rc::Rc;

        use crate::server_fns::load_export_progress;
        let id = format!("{:x}", (js_sys::Math::random() * 1e15) as u64);
        if let Some(window) = web_sys::window() {
            // An attachment: the browser downloads it and stays on the page.
            let _ = window.location().assign(&format!("{href}&progress={id}"));
        }
        progress.set(Some(ExportProgress::default()));
        let interval: Rc<Cell<Option<IntervalHandle>>> = Rc::default();
        let stop = interval.clone();
        let handle = set_interval_with_handle(
            move || {
                let (id, stop) = (id.clone(), stop.clone());
                leptos::task::spawn_local(async move {
                    match load_export_progress(id).await {
                        Ok(Some(p)) => {
                            let finished = p.finished;
                            progress.set(Some(p));
                            if finished {
                                if let Some(h) = stop.take() {
                                    h.clear();
                                }
                            }
                        }
                        // Not started yet: the request is on its way.
                        Ok(None) => {}
                        Err(_) => {
                            if let Some(h) = stop.take() {
                                h.clear();
                            }
                        }
                    }
                });
            },
            std::time::Duration::from_millis(POLL_MS),
        );
        interval.set(handle.ok());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (href, progress, POLL_MS);
}
