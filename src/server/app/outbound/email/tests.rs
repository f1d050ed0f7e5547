use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use super::*;

fn config(host: &str, port: u16, tls: Tls) -> EmailConfig {
    EmailConfig {
        host: host.into(),
        port: Some(port),
        tls,
        username: None,
        password: None,
        from: "calltrail@example.com".into(),
        to: vec!["oncall@example.com".into()],
    }
}

/// A minimal SMTP server that takes one message; what it received as DATA.
async fn one_message(listener: TcpListener) -> String {
    let (stream, _) = listener.accept().await.expect("a connection");
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut say = async |reply: &str| write.write_all(reply.as_bytes()).await.expect("a reply");
    say("220 test ESMTP\r\n").await;
    let (mut data, mut in_data) = (String::new(), false);
    while let Ok(Some(line)) = lines.next_line().await {
        if in_data {
            if line == "." {
                in_data = false;
                say("250 queued\r\n").await;
            } else {
                data.push_str(&line);
                data.push('\n');
            }
            continue;
        }
        match line.get(..4).map(str::to_ascii_uppercase).as_deref() {
            Some("DATA") => {
                in_data = true;
                say("354 go on\r\n").await;
            }
            Some("QUIT") => {
                say("221 bye\r\n").await;
                break;
            }
            _ => say("250 ok\r\n").await,
        }
    }
    data
}

#[tokio::test]
async fn mail_goes_to_the_checked_address_and_the_name_is_not_resolved_again() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = listener.local_addr().unwrap();
    let received = tokio::spawn(one_message(listener));
    // `.invalid` never resolves: had lettre been given the name, it would
    // have looked it up again and failed.
    let config = config("smtp.calltrail.invalid", server.port(), Tls::None);
    let message = message(&config, "[calltrail] test", "it works").unwrap();
    assert_eq!(
        deliver(&config, server, message).await,
        Ok("250 queued".to_string())
    );
    let data = received.await.unwrap();
    assert!(data.contains("Subject: [calltrail] test"), "{data}");
    assert!(data.contains("it works"), "{data}");
}

#[test]
fn tls_verifies_the_configured_host_name() {
    let name = |tls| match super::tls(&config("smtp.example.com", 25, tls)).unwrap() {
        SmtpTls::Required(p) => format!("starttls {}", p.domain()),
        SmtpTls::Wrapper(p) => format!("tls {}", p.domain()),
        SmtpTls::None => "none".into(),
        _ => "other".into(),
    };
    assert_eq!(name(Tls::Starttls), "starttls smtp.example.com");
    assert_eq!(name(Tls::Tls), "tls smtp.example.com");
    assert_eq!(name(Tls::None), "none");
}

#[tokio::test]
async fn a_name_that_resolves_inward_is_not_sent_to() {
    let config = config("localhost", 25, Tls::None);
    let refused = send(&config, "s", "b", false).await.unwrap_err();
    assert!(refused.contains("resolves only to loopback"), "{refused}");
}
