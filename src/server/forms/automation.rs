//! Channels (add, send a test, delete), destinations (add, pause, resume,
//! replay, delete) and redelivering one outbox message.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;

use super::{back, storage, Fields, Outcome};
use crate::model::{ChannelKind, Condition, MatchOp};
use crate::server::alerts::condition::Compiled;
use crate::server::alerts::{replay as queue_replay, ReplayFrom};
use crate::server::outbound::channel::{ChannelConfig, EmailConfig, Tls};
use crate::server::outbound::guard::check_url;
use crate::server::store::automation::DestinationSettings;
use crate::server::store::now_ms;
use crate::server::webhook_auth::SigningKey;
use crate::server::AppState;

const PAGE: &str = "/automations";

/// `POST /automations/channels`
pub async fn create_channel(State(state): State<AppState>, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let outcome = match channel_of(&fields, state.config.outbound.allow_private_destinations) {
        Ok((name, config)) => state
            .store
            .save_channel(&name, config.kind(), &config.to_json(), now_ms())
            .await
            .map(|_| format!("Saved the channel {name}"))
            .map_err(storage),
        Err(e) => Err(e),
    };
    back(PAGE, None, outcome)
}

fn channel_of(fields: &Fields, allow_private: bool) -> Result<(String, ChannelConfig), String> {
    let name = fields
        .get("name")
        .ok_or("a channel needs a name")?
        .to_string();
    let kind = fields
        .get("kind")
        .and_then(ChannelKind::parse)
        .ok_or("choose the channel's kind")?;
    let url = || {
        fields
            .get("url")
            .map(str::to_string)
            .ok_or("the channel needs a URL")
    };
    let config = match kind {
        ChannelKind::Slack => ChannelConfig::Slack { url: url()? },
        ChannelKind::Webhook => ChannelConfig::Webhook {
            url: url()?,
            secret: fields.get("secret").map(str::to_string),
        },
        ChannelKind::Email => ChannelConfig::Email(EmailConfig {
            host: fields
                .get("host")
                .ok_or("an email channel needs an SMTP host")?
                .into(),
            port: fields.number("port", "The SMTP port")?,
            tls: match fields.get("tls") {
                None | Some("starttls") => Tls::Starttls,
                Some("tls") => Tls::Tls,
                Some("none") => Tls::None,
                Some(other) => return Err(format!("unknown TLS mode {other:?}")),
            },
            username: fields.get("username").map(str::to_string),
            password: fields.get("password").map(str::to_string),
            from: fields
                .get("from")
                .ok_or("an email channel needs a From address")?
                .into(),
            to: fields
                .get("to")
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
        }),
    };
    config.validate(allow_private).map_err(|e| e.to_string())?;
    Ok((name, config))
}

/// `POST /automations/channels/{id}/test`: sends a test notification and
/// keeps what the receiver answered (the page shows it).
pub async fn test_channel(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    let channel = match state.store.channel(id).await {
        Ok(Some(c)) => c,
        Ok(None) => return back(PAGE, None, Err(format!("there is no channel {id}"))),
        Err(e) => return back(PAGE, None, Err(storage(e))),
    };
    let answer = state.sender.test(&channel).await;
    let summary = answer.summary();
    if let Err(e) = state
        .store
        .record_channel_test(id, now_ms(), &summary)
        .await
    {
        return back(PAGE, None, Err(storage(e)));
    }
    let outcome = if answer.ok {
        Ok(format!("Test sent to {}: {summary}", channel.name))
    } else {
        Err(format!("Test to {} failed: {summary}", channel.name))
    };
    back(PAGE, None, outcome)
}

/// `POST /automations/channels/{id}/delete`
pub async fn delete_channel(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    let outcome = match state.store.delete_channel(id).await {
        Ok(true) => Ok("Deleted the channel".into()),
        Ok(false) => Err(format!("there is no channel {id}")),
        Err(e) => Err(storage(e)),
    };
    back(PAGE, None, outcome)
}

/// `POST /automations/destinations`
pub async fn create_destination(State(state): State<AppState>, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let outcome = match destination_of(&fields, state.config.outbound.allow_private_destinations) {
        Ok(settings) => state
            .store
            .save_destination(&settings, now_ms())
            .await
            .map(|_| format!("Saved the destination {}", settings.name))
            .map_err(storage),
        Err(e) => Err(e),
    };
    back(PAGE, None, outcome)
}

fn destination_of(fields: &Fields, allow_private: bool) -> Result<DestinationSettings, String> {
    let name = fields
        .get("name")
        .ok_or("a destination needs a name")?
        .to_string();
    let url = fields
        .get("url")
        .ok_or("a destination needs a URL")?
        .to_string();
    check_url(&url, allow_private).map_err(|e| e.to_string())?;
    let secret = fields.get("secret").map(str::to_string);
    if let Some(s) = &secret {
        SigningKey::parse(s).map_err(|e| e.to_string())?;
    }
    let mut events: Vec<String> = fields.all("event").into_iter().map(String::from).collect();
    if let Some(list) = fields.get("events") {
        events.extend(
            list.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from),
        );
    }
    let condition = match (fields.get("cond_op"), fields.get("cond_value")) {
        (None, None) => None,
        (op, value) => {
            let op = match op {
                None => MatchOp::Contains,
                Some(op) => MatchOp::parse(op).ok_or(format!("unknown comparison {op:?}"))?,
            };
            let condition = Condition {
                field: fields.get("cond_field").map(str::to_string),
                op,
                value: value.unwrap_or("").to_string(),
            };
            Compiled::new(&condition).map_err(|e| e.to_string())?;
            Some(condition)
        }
    };
    Ok(DestinationSettings {
        name,
        url,
        events,
        condition,
        secret,
    })
}

/// `POST /automations/destinations/{id}/pause`
pub async fn pause(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    let outcome = paused(&state, id, Some("paused from the dashboard"), "Paused").await;
    back(PAGE, None, outcome)
}

/// `POST /automations/destinations/{id}/resume`
pub async fn resume(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    let outcome = paused(&state, id, None, "Resumed").await;
    state.alerts.outbox.notify_one();
    back(PAGE, None, outcome)
}

async fn paused(state: &AppState, id: i64, why: Option<&str>, done: &str) -> Outcome {
    match state.store.set_destination_paused(id, why).await {
        Ok(true) => Ok(format!("{done} the destination")),
        Ok(false) => Err(format!("there is no destination {id}")),
        Err(e) => Err(storage(e)),
    }
}

/// `POST /automations/destinations/{id}/replay`: a call's events
/// (`call_id`), or every event since a time (`since`, UTC).
pub async fn replay(State(state): State<AppState>, Path(id): Path<i64>, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let from = match (fields.get("call_id"), fields.get("since")) {
        (Some(call), _) => ReplayFrom::Call(call.to_string()),
        (None, Some(since)) => match parse_utc(since) {
            Some(at) => ReplayFrom::Since(at),
            None => {
                return back(
                    PAGE,
                    None,
                    Err(format!(
                        "{since:?} is not a time (use YYYY-MM-DDTHH:MM, UTC)"
                    )),
                )
            }
        },
        (None, None) => {
            return back(
                PAGE,
                None,
                Err("name a call, or a time to replay from".into()),
            )
        }
    };
    let outcome = match queue_replay(&state.store, id, from).await {
        Ok(Some(n)) => {
            state.alerts.outbox.notify_one();
            Ok(format!(
                "Queued {n} event(s) to send again, marked calltrail-replay: 1"
            ))
        }
        Ok(None) => Err(format!("there is no destination {id}")),
        Err(e) => Err(storage(e)),
    };
    back(PAGE, None, outcome)
}

/// `2026-11-29T08:30` (as a datetime-local input sends it) or with seconds, in UTC.
fn parse_utc(s: &str) -> Option<i64> {
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
        .map(|t| t.and_utc().timestamp_millis())
}

/// `POST /automations/destinations/{id}/delete`
pub async fn delete_destination(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    let outcome = match state.store.delete_destination(id).await {
        Ok(true) => Ok("Deleted the destination and its queue".into()),
        Ok(false) => Err(format!("there is no destination {id}")),
        Err(e) => Err(storage(e)),
    };
    back(PAGE, None, outcome)
}

/// `POST /automations/outbox/{id}/redeliver`
pub async fn redeliver(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    let outcome = match state.store.redeliver(id, now_ms()).await {
        Ok(Some(_)) => {
            state.alerts.outbox.notify_one();
            Ok("Queued it to send again, marked calltrail-replay: 1".into())
        }
        Ok(None) => Err(format!("there is no message {id}")),
        Err(e) => Err(storage(e)),
    };
    back(PAGE, None, outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_read_from_the_form() {
        let f = Fields::parse(
            b"name=crm&url=https%3A%2F%2Fcrm.example.com%2Fx&event=tool-call&event=end-call&cond_field=metadata.role&cond_op=equals&cond_value=user",
        );
        let d = destination_of(&f, false).unwrap();
        assert_eq!(d.events, ["tool-call", "end-call"]);
        assert_eq!(d.condition.unwrap().op, MatchOp::Equals);
        let f = Fields::parse(b"name=x&url=http%3A%2F%2F10.0.0.1%2F");
        assert!(destination_of(&f, false).unwrap_err().contains("private"));
        let f = Fields::parse(b"name=x&url=https%3A%2F%2Fx.example&secret=nope");
        assert!(destination_of(&f, false).is_err());
    }

    #[test]
    fn channels_read_from_the_form() {
        let f = Fields::parse(b"name=mail&kind=email&host=smtp.example.com&from=a%40example.com&to=b%40example.com%2C+c%40example.com&tls=tls");
        let (_, config) = channel_of(&f, false).unwrap();
        let ChannelConfig::Email(e) = config else {
            panic!("not email")
        };
        assert_eq!(e.to, ["b@example.com", "c@example.com"]);
        assert_eq!(e.port(), 465);
        let f = Fields::parse(b"name=s&kind=slack");
        assert!(channel_of(&f, false).unwrap_err().contains("URL"));
    }

    #[test]
    fn replay_times_are_utc() {
        assert_eq!(parse_utc("1970-01-01T00:01"), Some(60_000));
        assert_eq!(parse_utc("yesterday"), None);
    }
}
