//! `skrb serve --tls-cert --tls-key`: a real HTTPS connection to the real server.

use std::sync::Arc;

use skrb::config::{Config, FileConfig, Overrides};
use skrb::web::{serve_tls, tls, AppState};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::{fresh_db, Backend};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_https_with_hsts_and_refuses_plain_http() {
    let dir = std::env::temp_dir().join(format!("skrb-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("cert");
    let cert_path = dir.join("cert.pem");
    let key_path = dir.join("key.pem");
    std::fs::write(&cert_path, cert.cert.pem()).expect("write cert");
    std::fs::write(&key_path, cert.key_pair.serialize_pem()).expect("write key");

    let (db, url, _guard) = fresh_db(Backend::Sqlite).await;
    let config = Config::resolve(
        Overrides {
            database_url: Some(url),
            tls_cert: Some(cert_path.clone()),
            tls_key: Some(key_path.clone()),
            ..Default::default()
        },
        FileConfig::default(),
    )
    .expect("config");
    assert!(config.tls);
    let acceptor = tls::acceptor(&cert_path, &key_path).expect("acceptor");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(serve_tls(AppState::new(db, config), listener, acceptor));

    // A client that trusts exactly this certificate.
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.cert.der().clone()).expect("root");
    let client = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
    let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let name = rustls::pki_types::ServerName::try_from("localhost").expect("name");
    let mut stream = connector.connect(name, tcp).await.expect("handshake");
    stream
        .write_all(b"GET /login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.ok();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let lower = response.to_lowercase();
    assert!(
        lower.contains("strict-transport-security: max-age="),
        "{response}"
    );
    assert!(
        lower.contains("; secure"),
        "the pre-session cookie is Secure: {response}"
    );

    // Plain HTTP on the TLS port gets no page.
    let mut plain = tokio::net::TcpStream::connect(addr).await.expect("connect");
    plain
        .write_all(b"GET /login HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("write");
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        plain.read_to_end(&mut buf),
    )
    .await;
    assert!(!String::from_utf8_lossy(&buf).contains("HTTP/1.1 200"));

    server.abort();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_certificate_without_its_key_is_refused() {
    let r = Config::resolve(
        Overrides {
            tls_cert: Some("cert.pem".into()),
            ..Default::default()
        },
        FileConfig::default(),
    );
    assert!(r.is_err());
    let missing = tls::acceptor("no-such.pem".as_ref(), "no-such-key.pem".as_ref());
    assert!(missing.is_err());
}
