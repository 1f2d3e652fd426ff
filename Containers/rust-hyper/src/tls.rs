//! h2 over TLS: rustls 0.20 (on ring) through tokio-rustls 0.23, as Debian 12 packages them.
//! rustls' safe defaults (TLS 1.2 and 1.3, its default cipher suites and key-exchange groups),
//! ALPN `h2` only; with a client CA, clients must present a certificate that chains to it.

use std::fs::File;
use std::io::{self, BufReader};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::server::accept::Accept;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::rustls::server::{AllowAnyAuthenticatedClient, NoClientAuth};
use tokio_rustls::rustls::{sign, Certificate, PrivateKey, RootCertStore, ServerConfig, SignatureScheme};
use tokio_rustls::server::TlsStream;
use tokio_rustls::{webpki, TlsAcceptor};

use crate::settings::TlsFiles;

/// The server's TLS configuration from the PEM files, or one line saying what is wrong.
pub fn server_config(files: &TlsFiles) -> Result<ServerConfig, String> {
    let chain = read_certificates(&files.certificate)?;
    let key = read_key(&files.key)?;
    check_key_matches(&chain[0], &key).map_err(|problem| format!("{} with {}: {problem}", files.certificate, files.key))?;
    let verifier = match &files.client_ca {
        None => NoClientAuth::new(),
        Some(path) => {
            let mut roots = RootCertStore::empty();
            for certificate in read_certificates(path)? {
                roots
                    .add(&certificate)
                    .map_err(|error| format!("{path}: a certificate rustls cannot use as a CA: {error:?}"))?;
            }
            AllowAnyAuthenticatedClient::new(roots)
        }
    };
    let mut config = ServerConfig::builder()
        .with_safe_defaults()
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(|error| format!("{} with {}: {error}", files.certificate, files.key))?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

fn open(path: &str) -> Result<BufReader<File>, String> {
    File::open(path).map(BufReader::new).map_err(|error| format!("cannot open {path}: {error}"))
}

fn read_certificates(path: &str) -> Result<Vec<Certificate>, String> {
    let ders = rustls_pemfile::certs(&mut open(path)?).map_err(|error| format!("cannot read {path}: {error}"))?;
    if ders.is_empty() {
        return Err(format!("no PEM certificate in {path}"));
    }
    Ok(ders.into_iter().map(Certificate).collect())
}

/// The first private key in the file: PKCS#8, SEC1 (EC) or PKCS#1 (RSA).
fn read_key(path: &str) -> Result<PrivateKey, String> {
    let items = rustls_pemfile::read_all(&mut open(path)?).map_err(|error| format!("cannot read {path}: {error}"))?;
    items
        .into_iter()
        .find_map(|item| match item {
            rustls_pemfile::Item::PKCS8Key(der) | rustls_pemfile::Item::ECKey(der) | rustls_pemfile::Item::RSAKey(der) => {
                Some(PrivateKey(der))
            }
            _ => None,
        })
        .ok_or_else(|| format!("no PEM private key in {path}"))
}

/// rustls 0.20 takes any key with any certificate and fails every handshake after; this signs a
/// message with the key and verifies it with the certificate's public key, so that a key of
/// another certificate ends the server at once with one line instead.
fn check_key_matches(certificate: &Certificate, key: &PrivateKey) -> Result<(), String> {
    let schemes: [(SignatureScheme, &webpki::SignatureAlgorithm); 4] = [
        (SignatureScheme::ECDSA_NISTP256_SHA256, &webpki::ECDSA_P256_SHA256),
        (SignatureScheme::ECDSA_NISTP384_SHA384, &webpki::ECDSA_P384_SHA384),
        (SignatureScheme::ED25519, &webpki::ED25519),
        (SignatureScheme::RSA_PKCS1_SHA256, &webpki::RSA_PKCS1_2048_8192_SHA256),
    ];
    let offered: Vec<SignatureScheme> = schemes.iter().map(|(scheme, _)| *scheme).collect();
    let signer = sign::any_supported_type(key)
        .ok()
        .and_then(|key| key.choose_scheme(&offered))
        .ok_or("the key is not one rustls signs with (ECDSA P-256 or P-384, Ed25519, RSA)")?;
    let algorithm = schemes.iter().find(|(scheme, _)| *scheme == signer.scheme()).map(|(_, algorithm)| *algorithm);
    let message = b"rust-hyper: does this key belong to this certificate?";
    let signature = signer.sign(message).map_err(|error| format!("the key cannot sign: {error}"))?;
    let leaf = webpki::EndEntityCert::try_from(certificate.0.as_slice())
        .map_err(|error| format!("the certificate does not parse: {error:?}"))?;
    match algorithm.map(|algorithm| leaf.verify_signature(algorithm, message, &signature)) {
        Some(Ok(())) => Ok(()),
        _ => Err("the key does not belong to the certificate".to_string()),
    }
}

/// The connections hyper serves over TLS: each accepted socket is handshaken in a task of its
/// own, so a slow or failing handshake holds up no other connection, and only connections whose
/// handshake succeeded reach hyper.
pub struct TlsIncoming {
    handshaken: mpsc::UnboundedReceiver<TlsStream<TcpStream>>,
}

impl TlsIncoming {
    /// Starts accepting on `listener` (with TCP_NODELAY, as on the plaintext path).
    pub fn start(listener: TcpListener, config: ServerConfig) -> TlsIncoming {
        let (sender, handshaken) = mpsc::unbounded_channel();
        tokio::spawn(accept(listener, TlsAcceptor::from(Arc::new(config)), sender));
        TlsIncoming { handshaken }
    }
}

/// Accepts until hyper stops taking connections. Errors are handled as hyper's own
/// `AddrIncoming` does: one connection's error is skipped, any other (such as running out of
/// file descriptors) pauses accepting for 1 s. A failed handshake just closes its connection.
async fn accept(listener: TcpListener, acceptor: TlsAcceptor, sender: mpsc::UnboundedSender<TlsStream<TcpStream>>) {
    while !sender.is_closed() {
        let socket = match listener.accept().await {
            Ok((socket, _)) => socket,
            Err(error) if is_connection_error(&error) => continue,
            Err(_) => {
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let _ = socket.set_nodelay(true);
        let (acceptor, sender) = (acceptor.clone(), sender.clone());
        tokio::spawn(async move {
            if let Ok(connection) = acceptor.accept(socket).await {
                let _ = sender.send(connection);
            }
        });
    }
}

fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    )
}

impl Accept for TlsIncoming {
    type Conn = TlsStream<TcpStream>;
    type Error = io::Error;

    fn poll_accept(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Result<Self::Conn, Self::Error>>> {
        self.get_mut().handshaken.poll_recv(context).map(|connection| connection.map(Ok))
    }
}
