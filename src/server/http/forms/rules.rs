//! Editing alert rules: a built-in rule's options, enabled and channels;
//! adding and deleting `match` and `rate` rules.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::{back, storage, Fields};
use crate::model::{FormError, Notice, RuleSpec};
use crate::server::app::alerts::condition::Compiled;
use crate::server::app::audit;
use crate::server::http::auth::actor::Acting;
use crate::server::http::AppState;
use crate::server::store::prelude::*;
use crate::server::store::rules::RuleSettings;

const PAGE: &str = "/alerts/rules";

/// A rule's settings in a line, for the audit log's before and after.
fn described(spec: &RuleSpec, enabled: bool, cooldown_secs: i64) -> String {
    let on = if enabled { "enabled" } else { "disabled" };
    format!("{on}, cool-down {cooldown_secs} s, {}", spec.describe())
}

/// `POST /alerts/rules/{id}`
pub async fn update(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let rules = match state.store.rules().await {
        Ok(r) => r,
        Err(e) => return back(PAGE, None, Err(storage(e))),
    };
    let Some(rule) = rules.into_iter().find(|r| r.id == id) else {
        return back(PAGE, None, Err(FormError::NoSuchRule));
    };
    let before = described(&rule.spec, rule.enabled, rule.cooldown_secs);
    let outcome = match settings(&fields, rule.spec.kind(), rule.name.clone()) {
        Ok(settings) => match state.store.save_rule(Some(id), &settings).await {
            Ok(_) => {
                let after = described(&settings.spec, settings.enabled, settings.cooldown_secs);
                let summary = format!("{before} → {after}");
                audit::record(
                    &state.store,
                    &acting.actor,
                    "rule.update",
                    &rule.name,
                    &summary,
                )
                .await;
                Ok(Notice::RuleSaved)
            }
            Err(e) => Err(storage(e)),
        },
        Err(e) => Err(e),
    };
    back(PAGE, None, outcome)
}

/// `POST /alerts/rules`: a new `match` (or, with `kind=rate`, `rate`) rule.
pub async fn create(State(state): State<AppState>, acting: Acting, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let Some(name) = fields.get("name").map(str::to_string) else {
        return back(PAGE, None, Err(FormError::RuleNeedsName));
    };
    let kind = match fields.get("kind") {
        None | Some("match") => "match",
        Some("rate") => "rate",
        Some(_) => return back(PAGE, None, Err(FormError::RuleInvalid)),
    };
    let outcome = match settings(&fields, kind, name.clone()) {
        Ok(settings) => match state.store.save_rule(None, &settings).await {
            Ok(_) => {
                let after = described(&settings.spec, settings.enabled, settings.cooldown_secs);
                let summary = format!("added: {after}");
                audit::record(&state.store, &acting.actor, "rule.create", &name, &summary).await;
                Ok(Notice::RuleAdded)
            }
            Err(e) => Err(storage(e)),
        },
        Err(e) => Err(e),
    };
    back(PAGE, None, outcome)
}

/// `POST /alerts/rules/{id}/delete`
pub async fn delete(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<i64>,
) -> Response {
    let name = match state.store.rules().await {
        Ok(rules) => rules.into_iter().find(|r| r.id == id).map(|r| r.name),
        Err(e) => return back(PAGE, None, Err(storage(e))),
    };
    let outcome = match state.store.delete_rule(id).await {
        Ok(true) => {
            let target = name.unwrap_or_else(|| format!("rule {id}"));
            audit::record(
                &state.store,
                &acting.actor,
                "rule.delete",
                &target,
                "deleted, with its alerts",
            )
            .await;
            Ok(Notice::RuleDeleted)
        }
        Ok(false) => Err(FormError::NoSuchRule),
        Err(e) => Err(storage(e)),
    };
    back(PAGE, None, outcome)
}

/// A rule of `kind` as the form sets it.
fn settings(fields: &Fields, kind: &str, name: String) -> Result<RuleSettings, FormError> {
    let spec = spec(fields, kind)?;
    if let Some(condition) = spec.condition() {
        Compiled::new(&condition).map_err(|_| FormError::PatternInvalid)?;
    }
    let channels = fields
        .all("channel")
        .into_iter()
        .map(|c| c.parse().map_err(|_| FormError::UnknownChannel))
        .collect::<Result<_, _>>()?;
    Ok(RuleSettings {
        name,
        spec,
        enabled: fields.ticked("enabled"),
        cooldown_secs: fields
            .number::<i64>("cooldown_secs", FormError::CooldownInvalid)?
            .unwrap_or(300)
            .max(0),
        channels,
    })
}

/// The rule's kind and options from the form's fields: numbers are numbers,
/// lists are comma-separated, blanks are unset; the kind's own reading
/// (with its defaults) then checks them.
pub fn spec(fields: &Fields, kind: &str) -> Result<RuleSpec, FormError> {
    let mut options = Map::new();
    options.insert("kind".into(), json!(kind));
    for (key, invalid) in [
        ("count", FormError::CountInvalid),
        ("minutes", FormError::MinutesInvalid),
        ("percent", FormError::PercentInvalid),
        ("min_calls", FormError::CountInvalid),
    ] {
        if let Some(n) = fields.number::<u32>(key, invalid)? {
            options.insert(key.into(), json!(n));
        }
    }
    // A rate rule's answer time may be a fraction; a stuck call's is whole.
    if kind == "rate" {
        if let Some(s) = fields.number::<f64>("seconds", FormError::SecondsInvalid)? {
            options.insert("seconds".into(), json!(s.max(0.0)));
        }
    } else if let Some(n) = fields.number::<u32>("seconds", FormError::SecondsInvalid)? {
        options.insert("seconds".into(), json!(n));
    }
    if let Some(s) = fields.number::<f64>("stall_seconds", FormError::SilenceInvalid)? {
        options.insert("stall_seconds".into(), json!(s));
    }
    // Picked from the list (one value each), typed in (comma-separated), or both.
    let picked = fields
        .all("normal")
        .into_iter()
        .chain(fields.get("normal_extra"));
    let mut normal: Vec<&str> = Vec::new();
    for code in picked.flat_map(|list| list.split(',')).map(str::trim) {
        if !code.is_empty() && !normal.contains(&code) {
            normal.push(code);
        }
    }
    if fields.ticked("normal") || fields.ticked("normal_extra") {
        options.insert("normal".into(), json!(normal));
    }
    for key in ["event", "field", "op", "of", "severity"] {
        if let Some(v) = fields.get(key) {
            options.insert(key.into(), json!(v));
        }
    }
    if kind == "match" {
        options.insert("value".into(), json!(fields.get("value").unwrap_or("")));
    }
    serde_json::from_value(Value::Object(options)).map_err(|_| FormError::RuleInvalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MatchOp;

    #[test]
    fn forms_become_specs_with_defaults() {
        let f = Fields::parse(b"count=5&enabled=on&channel=2&channel=3");
        assert_eq!(spec(&f, "tool-loop"), Ok(RuleSpec::ToolLoop { count: 5 }));
        let s = settings(&f, "tool-loop", "tool-loop".into()).unwrap();
        assert!(s.enabled);
        assert_eq!(s.channels, vec![2, 3]);
        let f = Fields::parse(b"normal=user&normal=voicemail_reached&normal_extra=my-end%2C+user");
        assert_eq!(
            spec(&f, "ended-abnormally"),
            Ok(RuleSpec::EndedAbnormally {
                normal: vec!["user".into(), "voicemail_reached".into(), "my-end".into()]
            }),
            "picked and typed, each once"
        );
        let f = Fields::parse(b"normal_extra=");
        assert_eq!(
            spec(&f, "ended-abnormally"),
            Ok(RuleSpec::EndedAbnormally { normal: vec![] }),
            "nothing picked: every ending alerts"
        );
        let f = Fields::parse(b"normal=user%2C+agent%2C+");
        assert_eq!(
            spec(&f, "ended-abnormally"),
            Ok(RuleSpec::EndedAbnormally {
                normal: vec!["user".into(), "agent".into()]
            })
        );
        let f = Fields::parse(b"stall_seconds=&count=2");
        assert_eq!(
            spec(&f, "hang"),
            Ok(RuleSpec::Hang {
                count: 2,
                stall_seconds: None
            })
        );
    }

    #[test]
    fn bad_numbers_and_patterns_are_refused() {
        for count in ["lots", "1.5", "-2"] {
            let f = Fields::parse(format!("count={count}").as_bytes());
            assert_eq!(spec(&f, "tool-loop"), Err(FormError::CountInvalid));
        }
        let f = Fields::parse(b"op=regex&value=%28");
        assert_eq!(
            settings(&f, "match", "m".into()).unwrap_err(),
            FormError::PatternInvalid
        );
        let f = Fields::parse(b"op=resembles&value=x");
        assert_eq!(spec(&f, "match"), Err(FormError::RuleInvalid));
        let f =
            Fields::parse(b"op=equals&value=refund&field=metadata.functionName&event=tool-call");
        let RuleSpec::Match { op, .. } = spec(&f, "match").unwrap() else {
            panic!("not a match rule")
        };
        assert_eq!(op, MatchOp::Equals);
    }

    #[test]
    fn a_rate_form_becomes_a_rate_rule() {
        let f = Fields::parse(
            b"of=slow-answer&percent=40&minutes=10&min_calls=3&seconds=1.5&severity=critical",
        );
        assert_eq!(
            spec(&f, "rate"),
            Ok(RuleSpec::Rate {
                of: crate::model::rates::RateOf::SlowAnswer,
                percent: 40,
                minutes: 10,
                min_calls: 3,
                seconds: 1.5,
                severity: crate::model::rates::Severity::Critical,
            })
        );
        let f = Fields::parse(b"of=everything");
        assert_eq!(spec(&f, "rate"), Err(FormError::RuleInvalid));
        let f = Fields::parse(b"percent=lots");
        assert_eq!(spec(&f, "rate"), Err(FormError::PercentInvalid));
    }
}
