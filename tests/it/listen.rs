//! The connection layer: clients cannot hold connections open for free (a
//! silent client, unfinished headers, an idle HTTP/1.1 or HTTP/2 connection
//! are all closed; connections beyond the cap wait), and handlers see the
//! peer's address.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::routing::get;
use axum::Router;
use calltrail::server::http::listen::{self, Limits};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Generous: how long a test waits for something that must happen.
const PATIENCE: Duration = Duration::from_secs(5);

fn limits(header_ms: u64, idle_ms: u64, max_connections: usize) -> Limits {
    Limits {
        header_timeout: Duration::from_millis(header_ms),
        idle_timeout: Duration::from_millis(idle_ms),
        max_connections,
    }
}

async fn start(limits: Limits) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let app = Router::new()
        .route(
            "/",
            get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.ip().to_string() }),
        )
        .route("/stream", get(slow_stream));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(listen::serve(listener, app, limits, async move {
        let _ = stopped.await;
    }));
    (addr, stop)
}

/// Three chunks 500 ms apart, like a live stream's keep-alives: quieter
/// than the tests' 300 ms idle limit.
async fn slow_stream() -> Body {
    let chunks = futures::stream::unfold(0u8, |sent| async move {
        if sent == 3 {
            return None;
        }
        if sent > 0 {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        Some((Ok::<_, std::io::Error>(format!("chunk{sent};")), sent + 1))
    });
    Body::from_stream(chunks)
}

async fn read_all(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let read = tokio::time::timeout(PATIENCE, stream.read_to_end(&mut out)).await;
    assert!(read.is_ok(), "the server kept the connection open");
    String::from_utf8_lossy(&out).into_owned()
}

/// Sends `GET /` on a kept-alive connection and reads the one response.
async fn get_kept_alive(stream: &mut TcpStream) -> String {
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut out = Vec::new();
    let mut chunk = [0u8; 1024];
    // The body is the client's address, "127.0.0.1": the response is whole
    // once that arrived after the blank line.
    while !String::from_utf8_lossy(&out).ends_with("\r\n\r\n127.0.0.1") {
        let read = tokio::time::timeout(PATIENCE, stream.read(&mut chunk))
            .await
            .expect("no response in time")
            .unwrap();
        assert!(
            read > 0,
            "closed mid-response: {:?}",
            String::from_utf8_lossy(&out)
        );
        out.extend_from_slice(&chunk[..read]);
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn unfinished_headers_are_cut_off() {
    let (addr, _stop) = start(limits(300, 60_000, 16)).await;
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // Never sends the blank line: the server must give up on its own.
    let answer = read_all(&mut slow).await;
    assert!(answer.is_empty() || answer.contains("408"), "{answer}");
}

#[tokio::test]
async fn handlers_see_the_peer_address() {
    let (addr, _stop) = start(limits(5_000, 60_000, 16)).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let answer = read_all(&mut client).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("127.0.0.1"), "{answer}");
}

#[tokio::test]
async fn a_client_that_sends_nothing_is_closed() {
    let (addr, _stop) = start(limits(300, 60_000, 16)).await;
    let connected = Instant::now();
    let mut silent = TcpStream::connect(addr).await.unwrap();
    let answer = read_all(&mut silent).await;
    assert_eq!(answer, "");
    // Not before the deadline: it is the deadline that closed it.
    assert!(connected.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn an_idle_http1_connection_is_closed_an_active_one_is_not() {
    // The header timeout, which also ends idle HTTP/1 connections, is well
    // beyond the test's patience: only the idle limit can close them here.
    let (addr, _stop) = start(limits(30_000, 300, 16)).await;
    let mut idle = TcpStream::connect(addr).await.unwrap();
    let mut active = TcpStream::connect(addr).await.unwrap();
    assert!(get_kept_alive(&mut idle).await.starts_with("HTTP/1.1 200"));
    let began = Instant::now();
    // Three idle limits' worth of requests, 100 ms apart, on one connection.
    let mut answered = 0;
    while began.elapsed() < Duration::from_millis(900) {
        let answer = get_kept_alive(&mut active).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        answered += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(answered >= 5, "only {answered} requests in 900 ms");
    assert_eq!(read_all(&mut idle).await, "");
    assert!(get_kept_alive(&mut active)
        .await
        .starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn a_response_in_flight_is_not_idle() {
    let (addr, _stop) = start(limits(30_000, 300, 16)).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let answer = read_all(&mut client).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    for chunk in ["chunk0;", "chunk1;", "chunk2;"] {
        assert!(answer.contains(chunk), "{chunk} missing: {answer}");
    }
}

/// One HTTP/2 frame: 3-byte length, type, flags, stream id, payload.
fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let length = u32::try_from(payload.len()).unwrap().to_be_bytes();
    let mut out = length[1..].to_vec();
    out.extend([kind, flags]);
    out.extend(stream.to_be_bytes());
    out.extend(payload);
    out
}

const SETTINGS: u8 = 0x4;
const HEADERS: u8 = 0x1;
const PING: u8 = 0x6;
const GOAWAY: u8 = 0x7;

#[tokio::test]
async fn an_idle_http2_connection_is_closed() {
    let (addr, _stop) = start(limits(30_000, 300, 16)).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    let mut hello = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    hello.extend(frame(SETTINGS, 0, 0, &[]));
    // GET / on stream 1, HPACK: :method GET, :scheme http, :path /,
    // :authority "x"; END_STREAM | END_HEADERS.
    hello.extend(frame(HEADERS, 0x5, 1, &[0x82, 0x86, 0x84, 0x41, 1, b'x']));
    client.write_all(&hello).await.unwrap();

    let mut kinds = Vec::new();
    let mut header = [0u8; 9];
    let read_frames = async {
        // Reads frames until the server closes, answering pings as a live
        // client would (the graceful shutdown waits for one answer).
        while client.read_exact(&mut header).await.is_ok() {
            let length = u32::from_be_bytes([0, header[0], header[1], header[2]]);
            let mut payload = vec![0u8; usize::try_from(length).unwrap()];
            client.read_exact(&mut payload).await.unwrap();
            let (kind, flags) = (header[3], header[4]);
            let stream = u32::from_be_bytes(header[5..9].try_into().unwrap());
            kinds.push((kind, stream));
            if kind == PING && flags & 0x1 == 0 {
                client
                    .write_all(&frame(PING, 0x1, 0, &payload))
                    .await
                    .unwrap();
            }
        }
    };
    let closed = tokio::time::timeout(PATIENCE, read_frames).await;
    assert!(
        closed.is_ok(),
        "the server kept the connection open: {kinds:?}"
    );
    assert!(kinds.contains(&(HEADERS, 1)), "no response: {kinds:?}");
    assert!(
        kinds.iter().any(|&(kind, _)| kind == GOAWAY),
        "closed without GOAWAY: {kinds:?}"
    );
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_slot() {
    let log = Log::default();
    let _logging = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_writer(log.clone())
            .with_ansi(false)
            .finish(),
    );
    let (addr, _stop) = start(limits(10_000, 10_000, 2)).await;
    let mut first = TcpStream::connect(addr).await.unwrap();
    let mut second = TcpStream::connect(addr).await.unwrap();
    assert!(get_kept_alive(&mut first).await.starts_with("HTTP/1.1 200"));
    assert!(get_kept_alive(&mut second)
        .await
        .starts_with("HTTP/1.1 200"));

    let mut third = TcpStream::connect(addr).await.unwrap();
    third
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut byte = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_millis(500), third.read(&mut byte)).await;
    assert!(early.is_err(), "served beyond the cap: {early:?}");

    drop(first);
    // Served now; the cap is reached again at once, which is the same episode.
    let answer = read_all(&mut third).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let warnings = log.text();
    let lines: Vec<&str> = warnings
        .lines()
        .filter(|line| line.contains("CALLTRAIL_MAX_CONNECTIONS"))
        .collect();
    assert_eq!(lines.len(), 1, "{warnings}");
    assert!(lines[0].contains("WARN"), "{}", lines[0]);
    assert!(lines[0].contains("2 connections are open"), "{}", lines[0]);
}

/// Log output kept in memory, for the test to read.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Log {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Log {
    type Writer = Log;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
