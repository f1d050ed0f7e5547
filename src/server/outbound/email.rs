//! Sending an email over SMTP (STARTTLS, TLS or, for a trusted relay, plain),
//! with lettre.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::channel::{EmailConfig, Tls};
use super::guard;

const TIMEOUT: Duration = Duration::from_secs(15);

/// Sends one plain-text email; returns the server's answer.
pub async fn send(
    config: &EmailConfig,
    subject: &str,
    body: &str,
    allow_private: bool,
) -> Result<String, String> {
    let port = config.port();
    if !allow_private {
        guard::resolve_public(&config.host, port)
            .await
            .map_err(|e| e.to_string())?;
    }
    let builder = match config.tls {
        Tls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host),
        Tls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host),
        Tls::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
            &config.host,
        )),
    }
    .map_err(|e| format!("SMTP settings: {e}"))?;
    let mut builder = builder.port(port).timeout(Some(TIMEOUT));
    if let (Some(user), Some(password)) = (&config.username, &config.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    let transport = builder.build();
    let address = |a: &str| {
        a.parse()
            .map_err(|_| format!("{a:?} is not an email address"))
    };
    let mut message = Message::builder()
        .from(address(&config.from)?)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN);
    for to in &config.to {
        message = message.to(address(to)?);
    }
    let message = message
        .body(body.to_string())
        .map_err(|e| format!("building the email: {e}"))?;
    let response = transport
        .send(message)
        .await
        .map_err(|e| format!("SMTP: {e}"))?;
    Ok(format!(
        "{} {}",
        response.code(),
        response.message().collect::<Vec<_>>().join(" ")
    ))
}
