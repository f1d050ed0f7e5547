//! What traced frameworks sent that calltrail does not read, on the
//! delivery log: each span name or attribute with how often and when it
//! was seen, and an example, so a renamed attribute after an upgrade
//! shows the day it appears.

use leptos::prelude::*;

use super::Moment;
use crate::model::platform::Platforms;
use crate::model::unmapped::{Unmapped, UnmappedKind};

#[component]
pub fn UnmappedReport(unmapped: Vec<Unmapped>) -> impl IntoView {
    let platforms = use_context::<Platforms>().unwrap_or_default();
    let count = unmapped.len();
    let summary = match count {
        1 => "1 name a framework sent is not read".to_string(),
        n => format!("{n} names frameworks sent are not read"),
    };
    view! {
        <details class="unmapped" open=true>
            <summary><strong>"Not mapped"</strong>" · " {summary}</summary>
            <p class="muted">
                "Span names and attributes in traces that calltrail's mappers do not read. The calls still \
                 show what was read; a name here after an upgrade may be one the framework renamed."
            </p>
            <table class="unmapped-table">
                <thead>
                    <tr><th>"From"</th><th>"What"</th><th>"Name"</th><th>"Spans"</th><th>"First seen"</th><th>"Last seen"</th><th>"Example"</th></tr>
                </thead>
                <tbody>
                    {unmapped.into_iter().map(|u| {
                        let what = match u.kind {
                            UnmappedKind::Span => "span",
                            UnmappedKind::Attribute => "attribute",
                        };
                        let key = u.name.clone();
                        let from = platforms.label(&u.source).to_string();
                        view! {
                            <tr data-unmapped=key>
                                <td>{from}</td>
                                <td>{what}</td>
                                <td><code>{u.name}</code></td>
                                <td class="num">{u.count}</td>
                                <td><Moment at=u.first_seen/></td>
                                <td><Moment at=u.last_seen/></td>
                                <td class="muted">{u.example}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}
