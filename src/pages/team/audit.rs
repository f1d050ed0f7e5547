//! `/settings/audit`: the audit log, newest first, filtered by who, what
//! and words, and exported as CSV with the same filters. Admins only.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::super::{page_param, LoadError};
use crate::components::{Moment, Pager};
use crate::model::accounts::AuditPage as Data;
use crate::server_fns::load_audit;

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let page = page_param();
    let param = move |name: &'static str| move || query.with(|q| q.get(name));
    let (actor, action, text) = (param("actor"), param("action"), param("text"));
    let data = Resource::new(
        move || (page.get(), actor(), action(), text()),
        |(page, actor, action, text)| load_audit(page, actor, action, text),
    );
    view! {
        <Title text="Audit log"/>
        <div class="page-head">
            <h1>"Audit log"</h1>
            <a class="button" href="/settings/users">"Users"</a>
        </div>
        <Suspense fallback=|| view! { <p class="loading">"Loading the audit log…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <Entries data/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Entries(data: Data) -> impl IntoView {
    let query = data.query();
    let base = if query.is_empty() {
        "/settings/audit".to_string()
    } else {
        format!("/settings/audit?{query}")
    };
    let export = if query.is_empty() {
        "/settings/audit/export".to_string()
    } else {
        format!("/settings/audit/export?{query}")
    };
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    view! {
        <form method="get" action="/settings/audit" class="filters" role="search" aria-label="Filter the audit log">
            <label>"Who " <input type="text" name="actor" value=value(&data.actor) placeholder="account name"/></label>
            <label>"What " <input type="text" name="action" value=value(&data.action) placeholder="user. or rule.delete"/></label>
            <label>"Words " <input type="text" name="text" value=value(&data.text) placeholder="in the target or summary"/></label>
            <button type="submit" class="button">"Filter"</button>
            <a class="button" href=export rel="external" download>"Export CSV"</a>
        </form>
        {if data.rows.is_empty() {
            view! { <p class="empty-inline">"No entry matches."</p> }.into_any()
        } else {
            view! {
                <table class="audit">
                    <thead><tr><th>"When"</th><th>"Who"</th><th>"From"</th><th>"What"</th><th>"Target"</th><th>"Change"</th></tr></thead>
                    <tbody>
                        {data.rows.into_iter().map(|row| { let kind = row.action.clone(); view! {
                            <tr data-action=kind>
                                <td><Moment at=row.at/></td>
                                <td>{row.actor}</td>
                                <td class="muted">{row.address.unwrap_or_default()}</td>
                                <td><code>{row.action}</code></td>
                                <td>{row.target}</td>
                                <td>{row.summary}</td>
                            </tr>
                        }}).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <Pager base page=data.page has_more=data.has_more/>
    }
}
