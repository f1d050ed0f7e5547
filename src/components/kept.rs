//! A form refused by the server comes back as it was typed: the redirect
//! names the form (`?form=destination`) and carries its fields (`f_url=…`,
//! never a secret) and the error's code, which is shown beside its field.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::model::FormError;

/// What the last refused post of `form` had in its fields.
#[derive(Clone, Default)]
pub struct Kept {
    /// Whether the page came back from a refused post of this form.
    pub refused: bool,
    fields: Vec<(String, String)>,
    error: Option<FormError>,
}

impl Kept {
    /// The refused post of `form`, if the page came back from one.
    pub fn of(form: &str) -> Kept {
        let query = use_query_map();
        let q = query.read_untracked();
        if q.get("form").as_deref() != Some(form) {
            return Kept::default();
        }
        let fields = q
            .clone()
            .into_iter()
            .filter_map(|(k, v)| Some((k.as_ref().strip_prefix("f_")?.to_string(), v)))
            .collect();
        Kept {
            refused: true,
            fields,
            error: q.get("error").as_deref().and_then(FormError::from_code),
        }
    }

    /// The value typed into `name`, else `default`.
    pub fn value(&self, name: &str, default: &str) -> String {
        match self.fields.iter().find(|(k, _)| k == name) {
            Some((_, v)) => v.clone(),
            None if self.refused => String::new(),
            None => default.to_string(),
        }
    }

    /// Whether `value` was one of the values of `name` (ticked boxes).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.fields.iter().any(|(k, v)| k == name && v == value)
    }

    /// The error to show beside field `name`, if it is about that field.
    pub fn error_for(&self, name: &str) -> Option<&'static str> {
        self.error
            .filter(|e| e.field() == Some(name))
            .map(FormError::message)
    }
}

/// The error beside a field, when the refused post was about it.
#[component]
pub fn FieldError(kept: Kept, name: &'static str) -> impl IntoView {
    kept.error_for(name)
        .map(|message| view! { <span class="field-error" role="alert">{message}</span> })
}
