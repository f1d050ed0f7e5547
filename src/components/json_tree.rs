//! A compact, always-open view of a JSON value: an object as `key value`
//! rows, arrays as numbered rows, scalars as they read. Deeper levels fold
//! into a `<details>` so a big payload stays one screen. Text only.

use leptos::prelude::*;
use serde_json::Value;

/// Levels shown open; deeper ones are one click away.
const OPEN_LEVELS: usize = 2;

#[component]
pub fn JsonTree(value: Value, #[prop(optional, into)] label: Option<String>) -> impl IntoView {
    view! {
        <div class="tree">
            {label.map(|l| view! { <span class="tree-label">{l}</span> })}
            {node(value, 0)}
        </div>
    }
}

fn node(value: Value, depth: usize) -> AnyView {
    match value {
        Value::Object(fields) if !fields.is_empty() => {
            let n = fields.len();
            let rows = fields
                .into_iter()
                .map(|(k, v)| view! { <dt>{k}</dt><dd>{node(v, depth + 1)}</dd> })
                .collect_view();
            fold(
                view! { <dl class="tree-object">{rows}</dl> }.into_any(),
                n,
                "field",
                depth,
            )
        }
        Value::Array(items) if !items.is_empty() => {
            let n = items.len();
            let rows = items
                .into_iter()
                .map(|v| view! { <li>{node(v, depth + 1)}</li> })
                .collect_view();
            fold(
                view! { <ol class="tree-array" start="0">{rows}</ol> }.into_any(),
                n,
                "item",
                depth,
            )
        }
        Value::String(s) => view! { <span class="tree-string">{s}</span> }.into_any(),
        Value::Null => view! { <span class="tree-null">"null"</span> }.into_any(),
        other => view! { <span class="tree-scalar">{other.to_string()}</span> }.into_any(),
    }
}

fn fold(inner: AnyView, n: usize, what: &'static str, depth: usize) -> AnyView {
    if depth < OPEN_LEVELS {
        return inner;
    }
    let summary = format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    view! { <details class="tree-fold"><summary>{summary}</summary>{inner}</details> }.into_any()
}
