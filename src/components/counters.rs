//! The small per-call counters: turns, tool calls, tool errors (red when any),
//! hangs (amber), interruptions, transfers. Words, not icons, so they read
//! the same everywhere; a counter at zero is left out. On a call page each
//! counter is a link that steps through its events; in the calls list,
//! errors and hangs link to the call's first problem.

use leptos::prelude::*;

use crate::model::overview::Steps;
use crate::model::{event_anchor, CallSummary};

/// Where counters lead.
#[derive(Clone)]
pub enum CounterLinks {
    /// Plain text.
    None,
    /// Errors and hangs link here (a call's first problem).
    FirstProblem(String),
    /// Each counter steps through its events on this page.
    Steps(Memo<Steps>),
}

#[component]
pub fn Counters(
    #[prop(into)] call: Signal<CallSummary>,
    #[prop(optional)] links: Option<CounterLinks>,
    /// The calls list's badges: only the problems (errors, hangs,
    /// interruptions, transfers), each a sign and a number, named on hover.
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    let links = links.unwrap_or(CounterLinks::None);
    let n = move |get: fn(&CallSummary) -> i64| Signal::derive(move || call.with(get));
    let first_problem = match &links {
        CounterLinks::FirstProblem(href) => Some(href.clone()),
        _ => None,
    };
    let steps = match links {
        CounterLinks::Steps(steps) => Some(steps),
        _ => None,
    };
    let to = move |pick: fn(&Steps) -> &Vec<i64>| {
        steps.map(|s| Signal::derive(move || s.with(|s| pick(s).clone())))
    };
    let sign = move |icon: &'static str| compact.then_some(icon);
    view! {
        <span class="counters" class:compact=compact>
            {(!compact).then(|| view! {
                <Counter class="c-messages" title="turns" label=("turn", "turns") n=n(|c| c.n_messages) steps=None href=None sign=None/>
                <Counter class="c-tools" title="tool calls" label=("tool call", "tool calls") n=n(|c| c.n_tool_calls) steps=to(|s| &s.tools) href=None sign=None/>
            })}
            <Counter class="c-errors" title="tool errors" label=("error", "errors") n=n(|c| c.n_tool_errors) steps=to(|s| &s.errors) href=first_problem.clone() sign=sign("✕")/>
            <Counter class="c-hangs" title="hangs" label=("hang", "hangs") n=n(|c| c.n_hangs) steps=to(|s| &s.hangs) href=first_problem sign=sign("⚠")/>
            <Counter class="c-interruptions" title="interruptions" label=("interruption", "interruptions") n=n(|c| c.n_interruptions) steps=to(|s| &s.interruptions) href=None sign=sign("✂")/>
            <Counter class="c-transfers" title="transfers" label=("transfer", "transfers") n=n(|c| c.n_transfers) steps=to(|s| &s.transfers) href=None sign=sign("↪")/>
        </span>
    }
}

#[component]
fn Counter(
    class: &'static str,
    /// What is counted, for tests and assistive tools.
    title: &'static str,
    label: (&'static str, &'static str),
    n: Signal<i64>,
    /// The events this counter steps through, on a call page.
    steps: Option<Signal<Vec<i64>>>,
    /// A fixed place it links to.
    href: Option<String>,
    /// Shown before the number in place of the word (which is then only
    /// for screen readers and on hover).
    sign: Option<&'static str>,
) -> impl IntoView {
    let word = move || if n.get() == 1 { label.0 } else { label.1 };
    let text = move || match sign {
        None => view! {
            <span class="n">{n}</span>
            " "
            <span class="label">{word}</span>
        }
        .into_any(),
        Some(sign) => view! {
            <span class="sign" aria-hidden="true">{sign}</span>
            <span class="n" title=move || format!("{} {}", n.get(), word())>{n}</span>
            <span class="label sr-only">{move || format!(" {}", word())}</span>
        }
        .into_any(),
    };
    let next = RwSignal::new(0usize);
    let content = move || match (steps, href.clone()) {
        (Some(steps), _) if steps.with(|s| !s.is_empty()) => {
            let target = move || {
                steps.with(|s| {
                    s.get(next.get() % s.len().max(1))
                        .copied()
                        .unwrap_or_default()
                })
            };
            view! {
                <a
                    class=format!("counter {class}")
                    data-counter=title
                    href=move || format!("#{}", event_anchor(target()))
                    title="Go to the next one"
                    on:click=move |ev| {
                        if go_to(target()) {
                            ev.prevent_default();
                        }
                        next.update(|i| *i += 1);
                    }
                >
                    {text}
                </a>
            }
            .into_any()
        }
        (_, Some(href)) => {
            view! { <a class=format!("counter {class}") data-counter=title href=href>{text}</a> }
                .into_any()
        }
        _ => view! { <span class=format!("counter {class}") data-counter=title>{text}</span> }
            .into_any(),
    };
    view! { <Show when=move || { n.get() > 0 }>{content.clone()}</Show> }
}

/// Scrolls to an event and makes it the page's target; false when that must
/// be left to the link (no JavaScript yet).
fn go_to(id: i64) -> bool {
    #[cfg(feature = "hydrate")]
    {
        window().location().set_hash(&event_anchor(id)).is_ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        false
    }
}
