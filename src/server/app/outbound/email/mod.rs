//! Sending an email over SMTP (STARTTLS, TLS or, for a trusted relay, plain),
//! with lettre — to the address the SSRF guard checked, never to what the
//! name resolves to a moment later.

use std::net::SocketAddr;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls as SmtpTls, TlsParameters};
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
    let message = message(config, subject, body)?;
    let addrs = guard::resolve(&config.host, config.port(), allow_private)
        .await
        .map_err(|e| e.to_string())?;
    // `resolve` answers with at least one address.
    deliver(config, addrs[0], message).await
}

fn message(config: &EmailConfig, subject: &str, body: &str) -> Result<Message, String> {
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
    message
        .body(body.to_string())
        .map_err(|e| format!("building the email: {e}"))
}

/// Hands `message` to the SMTP server at `server`, an address already
/// checked: lettre is given the address, not the name, so it resolves
/// nothing itself (a second lookup could answer with an internal address).
async fn deliver(
    config: &EmailConfig,
    server: SocketAddr,
    message: Message,
) -> Result<String, String> {
    let mut builder =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(server.ip().to_string())
            .port(server.port())
            .tls(tls(config)?)
            .timeout(Some(TIMEOUT));
    if let (Some(user), Some(password)) = (&config.username, &config.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    let response = builder
        .build()
        .send(message)
        .await
        .map_err(|e| format!("SMTP: {e}"))?;
    Ok(format!(
        "{} {}",
        response.code(),
        response.message().collect::<Vec<_>>().join(" ")
    ))
}

/// The TLS mode, verifying the certificate against the configured host
/// name (the connection itself goes to an address).
fn tls(config: &EmailConfig) -> Result<SmtpTls, String> {
    let parameters =
        || TlsParameters::new(config.host.clone()).map_err(|e| format!("SMTP TLS settings: {e}"));
    Ok(match config.tls {
        Tls::Starttls => SmtpTls::Required(parameters()?),
        Tls::Tls => SmtpTls::Wrapper(parameters()?),
        Tls::None => SmtpTls::None,
    })
}

#[cfg(test)]
mod tests;
