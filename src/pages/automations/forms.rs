//! The forms that add and change destinations and channels. A refused post
//! comes back as it was typed ([`Kept`]), the error beside its field.

use leptos::prelude::*;

use crate::components::{FieldError, Kept};
use crate::model::{ChannelKind, DestinationView, FORWARD_KINDS};

/// A destination's form: a new one, or (given one) the one to change, its
/// name fixed and its secret kept when left blank. A refused post comes
/// back as it was typed, the error beside its field.
#[component]
pub(super) fn DestinationForm(#[prop(optional)] editing: Option<DestinationView>) -> impl IntoView {
    let form = match &editing {
        Some(d) => format!("edit-destination-{}", d.id),
        None => "destination".to_string(),
    };
    let kept = Kept::of(&form);
    let edit_id = editing.as_ref().map(|d| d.id.to_string());
    let was = |f: fn(&DestinationView) -> String| editing.as_ref().map(f).unwrap_or_default();
    let name = kept.value("name", &was(|d| d.name.clone()));
    let url = kept.value("url", &was(|d| d.url.clone()));
    let wanted: Vec<String> = editing
        .as_ref()
        .map(|d| d.events.clone())
        .unwrap_or_default();
    let ticked = {
        let kept = kept.clone();
        move |kind: &str| {
            if kept.refused {
                kept.has("event", kind)
            } else {
                wanted.iter().any(|w| w == kind)
            }
        }
    };
    let (summary, button) = match &editing {
        Some(d) => (format!("Edit {}", d.name), "Save destination"),
        None => ("Add a destination".to_string(), "Add destination"),
    };
    let fixed_name = editing.is_some();
    let redact = if kept.refused {
        kept.has("redact", "on")
    } else {
        editing.as_ref().is_some_and(|d| d.redact)
    };
    let secret_hint = if fixed_name {
        "blank: keep the current one"
    } else {
        "optional"
    };
    view! {
        <details class="new-form" open=kept.refused>
            <summary>{summary}</summary>
            <form method="post" action="/automations/destinations" class="stacked">
                {edit_id.map(|id| view! { <input type="hidden" name="edit" value=id/> })}
                <label>"Name " <input type="text" name="name" required value=name readonly=fixed_name/>
                    <FieldError kept=kept.clone() name="name"/></label>
                <label>"URL " <input type="url" name="url" required placeholder="https://" value=url/>
                    <FieldError kept=kept.clone() name="url"/></label>
                <fieldset class="kinds">
                    <legend>"What to forward, from every platform (none ticked: everything)"</legend>
                    {FORWARD_KINDS.into_iter().map(|(kind, label)| view! {
                        <label class="inline"><input type="checkbox" name="event" value=kind checked=ticked(kind)/> " " {label}</label>
                    }).collect_view()}
                    <FieldError kept=kept.clone() name="event"/>
                </fieldset>
                <label>"Condition field (optional) " <input type="text" name="cond_field" placeholder="metadata.functionName" value=kept.value("cond_field", "")/></label>
                <label>"Comparison "
                    <select name="cond_op">
                        {[("", "none"), ("equals", "equals"), ("contains", "contains"), ("regex", "regex"), ("exists", "exists")].map(|(v, l)| {
                            let picked = kept.value("cond_op", "") == v;
                            view! { <option value=v selected=picked>{l}</option> }
                        })}
                    </select>
                    <FieldError kept=kept.clone() name="cond_op"/>
                </label>
                <label>"Value " <input type="text" name="cond_value" value=kept.value("cond_value", "")/>
                    <FieldError kept=kept.clone() name="cond_value"/></label>
                <label>{format!("Signing secret ({secret_hint}) ")} <input type="text" name="secret" placeholder="whsec_…" autocomplete="off"/>
                    <FieldError kept=kept.clone() name="secret"/></label>
                <label class="inline"><input type="checkbox" name="redact" checked=redact/>
                    " Redact callers' sensitive data (phone numbers, e-mail, cards…) before forwarding"</label>
                <button type="submit" class="button">{button}</button>
            </form>
        </details>
    }
}

/// A new channel's form; a refused post comes back as typed, but for the
/// secret and the password.
#[component]
pub(super) fn NewChannel() -> impl IntoView {
    let kept = Kept::of("channel");
    let kind = kept.value("kind", "");
    let tls = kept.value("tls", "starttls");
    view! {
        <details class="new-form" open=kept.refused>
            <summary>"Add a channel"</summary>
            <form method="post" action="/automations/channels" class="stacked">
                <label>"Name " <input type="text" name="name" required value=kept.value("name", "")/>
                    <FieldError kept=kept.clone() name="name"/></label>
                <label>"Kind "
                    <select name="kind">
                        {ChannelKind::ALL.into_iter().map(|k| view! { <option value=k.as_str() selected=kind == k.as_str()>{k.as_str()}</option> }).collect_view()}
                    </select>
                    <FieldError kept=kept.clone() name="kind"/>
                </label>
                <p class="muted">"Slack and webhook: the URL (and, for a webhook, an optional "
                    <code>"whsec_"</code> " secret). Email: the SMTP settings."</p>
                <label>"URL " <input type="url" name="url" placeholder="https://" value=kept.value("url", "")/>
                    <FieldError kept=kept.clone() name="url"/></label>
                <label>"Signing secret " <input type="text" name="secret" placeholder="whsec_…" autocomplete="off"/>
                    <FieldError kept=kept.clone() name="secret"/></label>
                <label>"SMTP host " <input type="text" name="host" value=kept.value("host", "")/>
                    <FieldError kept=kept.clone() name="host"/></label>
                <label>"Port " <input type="number" name="port" min="1" max="65535" value=kept.value("port", "")/>
                    <FieldError kept=kept.clone() name="port"/></label>
                <label>"Encryption "
                    <select name="tls">
                        {[("starttls", "STARTTLS"), ("tls", "TLS"), ("none", "none (trusted relay only)")].map(|(v, l)| view! {
                            <option value=v selected=tls == v>{l}</option>
                        })}
                    </select>
                </label>
                <label>"User " <input type="text" name="username" autocomplete="off" value=kept.value("username", "")/></label>
                <label>"Password " <input type="password" name="password" autocomplete="new-password"/></label>
                <label>"From " <input type="email" name="from" value=kept.value("from", "")/>
                    <FieldError kept=kept.clone() name="from"/></label>
                <label>"To (comma-separated) " <input type="text" name="to" value=kept.value("to", "")/></label>
                <button type="submit" class="button">"Add channel"</button>
            </form>
        </details>
    }
}
