//! A delete that asks first, with or without JavaScript: the button opens a
//! disclosure saying what else goes, and the delete is a second button in it.

use leptos::prelude::*;

#[component]
pub fn ConfirmDelete(
    /// Where the form posts.
    action: String,
    /// What is deleted, as the second button names it ("rule slow-tools").
    what: String,
    /// What else goes with it, said before the second click.
    consequence: &'static str,
    /// A field the form posts besides (name, value).
    #[prop(optional)]
    field: Option<(&'static str, String)>,
) -> impl IntoView {
    view! {
        <details class="confirm">
            <summary class="button danger">"Delete…"</summary>
            <p class="muted">{consequence}</p>
            <form method="post" action=action>
                {field.map(|(name, value)| view! { <input type="hidden" name=name value=value/> })}
                <button type="submit" class="button danger">{format!("Delete {what}")}</button>
            </form>
        </details>
    }
}
