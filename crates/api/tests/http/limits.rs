//! Bounds on what clients can hold: event streams, requests in flight, slow requests and open
//! connections. Every wait is bounded.

use crate::support::*;
use phalanx_api::ApiConfig;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads what the server sends on `stream` within `within`; empty if nothing came.
async fn read_some(stream: &mut TcpStream, within: Duration) -> String {
    let mut buf = vec![0u8; 4096];
    match tokio::time::timeout(within, stream.read(&mut buf)).await {
        Ok(Ok(n)) => String::from_utf8_lossy(&buf[..n]).into_owned(),
        _ => String::new(),
    }
}

const STATUS: &[u8] = b"GET /status HTTP/1.1\r\nhost: test\r\n\r\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_streams_are_bounded_and_their_places_come_back() {
    let config = ApiConfig {
        max_event_streams: 1,
        sse_keep_alive: Duration::from_millis(50),
        ..ApiConfig::default()
    };
    let (_node, server, _) = start_with(config).await;
    let first = open(server.local_addr(), "GET", "/events", None).await;
    assert_eq!(first.status(), 200);
    let r = get(&server, "/events").await;
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(r.text().contains("event streams are open"), "{}", r.text());
    // Other requests are served meanwhile.
    get_ok(&server, "/status").await;
    // Once the first client leaves, its place is given back (noticed at the next keep-alive).
    drop(first);
    let mut reopened = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let again = open(server.local_addr(), "GET", "/events", None).await;
        if again.status() == 200 {
            reopened = true;
            break;
        }
    }
    assert!(reopened, "a closed stream's place was never given back");
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_in_flight_are_bounded() {
    let config = ApiConfig {
        max_in_flight: 1,
        commit_timeout: Duration::from_millis(800),
        ..ApiConfig::default()
    };
    let (_node, server, _) = start_with(config).await;
    // A transaction waited for with commit=true holds the only place until its wait times out.
    let bytes = tx_bytes(vec![
        phalanx_types::msgs::MsgSend {
            from_address: addr("alice"),
            to_address: addr("bob"),
            amount: coins("1uphx"),
        }
        .into(),
    ]);
    let at = server.local_addr();
    let waiting = tokio::spawn(async move {
        request(
            at,
            "POST",
            "/txs?commit=true",
            Some(("text/plain", b64(&bytes).into_bytes())),
        )
        .await
        .status
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let r = get(&server, "/status").await;
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(r.text().contains("retry shortly"), "{}", r.text());
    assert_eq!(waiting.await.unwrap(), 504);
    get_ok(&server, "/status").await;
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_whose_body_trickles_is_cut_off() {
    let config = ApiConfig {
        request_timeout: Duration::from_millis(500),
        ..ApiConfig::default()
    };
    let (_node, server, _) = start_with(config).await;
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    stream
        .write_all(
            b"POST /txs HTTP/1.1\r\nhost: test\r\ncontent-type: text/plain\r\ncontent-length: 100\r\n\r\nabc",
        )
        .await
        .unwrap();
    let answer = read_some(&mut stream, Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("not answered within"), "{answer}");
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_connections_are_bounded() {
    let config = ApiConfig {
        max_connections: 2,
        ..ApiConfig::default()
    };
    let (_node, server, _) = start_with(config).await;
    let at = server.local_addr();
    let mut idle = Vec::new();
    for _ in 0..2 {
        idle.push(TcpStream::connect(at).await.unwrap());
    }
    // A third client connects (the kernel queues it) but is not served while both are held.
    let mut third = TcpStream::connect(at).await.unwrap();
    third.write_all(STATUS).await.unwrap();
    let early = read_some(&mut third, Duration::from_millis(500)).await;
    assert!(early.is_empty(), "served beyond the bound: {early}");
    // One idle client leaves: the third is served.
    drop(idle.pop());
    let answer = read_some(&mut third, Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_trickling_connections_lose_their_place() {
    let config = ApiConfig {
        max_connections: 1,
        idle_timeout: Duration::from_millis(400),
        ..ApiConfig::default()
    };
    let (_node, server, _) = start_with(config).await;
    let at = server.local_addr();
    // A client that sends nothing holds the only place only until the idle timeout.
    let idle = TcpStream::connect(at).await.unwrap();
    let mut next = TcpStream::connect(at).await.unwrap();
    next.write_all(STATUS).await.unwrap();
    let answer = read_some(&mut next, Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    drop(next);
    drop(idle);
    // Nor does one that trickles its headers a byte at a time: bytes from the client do not count.
    let mut trickle = TcpStream::connect(at).await.unwrap();
    let mut waiting = TcpStream::connect(at).await.unwrap();
    waiting.write_all(STATUS).await.unwrap();
    let feeder = tokio::spawn(async move {
        for b in b"GET /status HTTP/1.1\r\nhost: te".iter() {
            if trickle.write_all(&[*b]).await.is_err() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    });
    let answer = read_some(&mut waiting, Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    feeder.abort();
    server.shutdown().await.unwrap();
}
