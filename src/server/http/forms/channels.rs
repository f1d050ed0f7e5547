//! Notification channels on the automations page: add one, send it a
//! test, delete it.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;

use super::automation::PAGE;
use super::{back, back_keeping, storage, Fields};
use crate::model::{ChannelKind, FormError, Notice};
use crate::server::app::audit;
use crate::server::app::outbound::channel::{ChannelConfig, ChannelError, EmailConfig, Tls};
use crate::server::app::outbound::destinations::refused_url;
use crate::server::http::auth::actor::Acting;
use crate::server::http::AppState;
use crate::server::store::now_ms;
use crate::server::store::prelude::*;

/// `POST /automations/channels`
pub async fn create_channel(
    State(state): State<AppState>,
    acting: Acting,
    body: Bytes,
) -> Response {
    let fields = Fields::parse(&body);
    let (name, config) = match channel_of(&fields, state.config.outbound.allow_private_destinations)
    {
        Ok(channel) => channel,
        // What was typed comes back, but for the secret and the password.
        Err(e) => {
            let keep = [
                "name", "kind", "url", "host", "port", "tls", "username", "from", "to",
            ];
            return back_keeping(PAGE, &fields, e, "channel", &keep);
        }
    };
    let outcome = state
        .store
        .save_channel(&name, config.kind(), &config.to_json(), now_ms())
        .await
        .map(|_| Notice::ChannelSaved)
        .map_err(storage);
    if outcome.is_ok() {
        // Where it sends, never its secrets.
        let summary = format!("saved: {} to {}", config.kind().as_str(), config.target());
        audit::record(&state.store, &acting.actor, "channel.save", &name, &summary).await;
    }
    back(PAGE, None, outcome)
}

fn channel_of(fields: &Fields, allow_private: bool) -> Result<(String, ChannelConfig), FormError> {
    let name = fields
        .get("name")
        .ok_or(FormError::ChannelNeedsName)?
        .to_string();
    let kind = fields
        .get("kind")
        .and_then(ChannelKind::parse)
        .ok_or(FormError::ChannelNeedsKind)?;
    let url = || {
        fields
            .get("url")
            .map(str::to_string)
            .ok_or(FormError::ChannelNeedsUrl)
    };
    let config = match kind {
        ChannelKind::Slack => ChannelConfig::Slack { url: url()? },
        ChannelKind::Webhook => ChannelConfig::Webhook {
            url: url()?,
            secret: fields.get("secret").map(str::to_string),
        },
        ChannelKind::Email => ChannelConfig::Email(EmailConfig {
            host: fields.get("host").ok_or(FormError::EmailNeedsHost)?.into(),
            port: fields.number("port", FormError::PortInvalid)?,
            tls: match fields.get("tls") {
                None | Some("starttls") => Tls::Starttls,
                Some("tls") => Tls::Tls,
                Some("none") => Tls::None,
                Some(_) => return Err(FormError::TlsUnknown),
            },
            username: fields.get("username").map(str::to_string),
            password: fields.get("password").map(str::to_string),
            from: fields.get("from").ok_or(FormError::EmailNeedsFrom)?.into(),
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
    config.validate(allow_private).map_err(|e| match e {
        ChannelError::Url(e) => refused_url(&e),
        ChannelError::Invalid(why) => {
            tracing::info!(why, "a channel's settings were refused");
            FormError::ChannelInvalid
        }
    })?;
    Ok((name, config))
}

/// `POST /automations/channels/{id}/test`: sends a test notification and
/// keeps what the receiver answered (the page shows it).
pub async fn test_channel(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    let channel = match state.store.channel(id).await {
        Ok(Some(c)) => c,
        Ok(None) => return back(PAGE, None, Err(FormError::NoSuchChannel)),
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
        Ok(Notice::ChannelTested)
    } else {
        Err(FormError::TestFailed)
    };
    back(PAGE, None, outcome)
}

/// `POST /automations/channels/{id}/delete`
pub async fn delete_channel(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<i64>,
) -> Response {
    let name = match state.store.channel(id).await {
        Ok(channel) => channel.map_or_else(|| format!("channel {id}"), |c| c.name),
        Err(e) => return back(PAGE, None, Err(storage(e))),
    };
    let outcome = match state.store.delete_channel(id).await {
        Ok(true) => {
            audit::record(
                &state.store,
                &acting.actor,
                "channel.delete",
                &name,
                "deleted",
            )
            .await;
            Ok(Notice::ChannelDeleted)
        }
        Ok(false) => Err(FormError::NoSuchChannel),
        Err(e) => Err(storage(e)),
    };
    back(PAGE, None, outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            channel_of(&f, false).unwrap_err(),
            FormError::ChannelNeedsUrl
        );
        let f = Fields::parse(b"name=m&kind=email&host=smtp.example.com&from=me&to=you");
        assert_eq!(
            channel_of(&f, false).unwrap_err(),
            FormError::ChannelInvalid
        );
        let f = Fields::parse(
            b"name=m&kind=email&host=127.0.0.1&from=a%40example.com&to=b%40example.com",
        );
        assert_eq!(
            channel_of(&f, false).unwrap_err(),
            FormError::AddressPrivate
        );
    }
}
