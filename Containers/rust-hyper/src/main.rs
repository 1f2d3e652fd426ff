//! rust-hyper: the bench.Echo gRPC service (Containers/bench.proto) on tonic 0.8's transport
//! stack — a tokio multi-thread runtime, hyper 0.14 serving HTTP/2 only, h2 0.3 — without
//! tonic: the gRPC framing and the one protobuf message are written by hand (see README.md).
//! Serves on `$BARRAGE_HOST:$BARRAGE_PORT` until SIGTERM or SIGINT, over TLS (rustls) when
//! `$BARRAGE_TLS_CERT` and `$BARRAGE_TLS_KEY` are set.

mod codec;
mod echo_service;
mod grpc_status;
mod reply_body;
mod settings;
mod tls;

use std::convert::Infallible;
use std::time::Duration;

use hyper::server::conn::AddrIncoming;
use hyper::service::{make_service_fn, service_fn};
use hyper::Server;
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::{mpsc, oneshot};

use settings::Settings;
use tls::TlsIncoming;

/// How long open calls get after SIGTERM before the runtime drops every connection:
/// Barrage sends SIGKILL 2 s after SIGTERM, and clients may keep streams open.
const GRACE_PERIOD: Duration = Duration::from_secs(1);

fn main() {
    let settings = Settings::from_env().unwrap_or_else(|error| {
        eprintln!("{}", error.message);
        std::process::exit(error.status);
    });
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all().thread_name("rust-hyper-worker");
    if let Some(threads) = settings.worker_threads {
        builder.worker_threads(threads);
    }
    let runtime = builder.build().unwrap_or_else(|error| fail(format!("cannot start the tokio runtime: {error}")));
    runtime.block_on(serve(settings));
    // Connections still open after the grace period are dropped here, not waited for.
    runtime.shutdown_timeout(Duration::from_millis(100));
    eprintln!("rust-hyper: stopped");
}

/// Serves `bench.Echo` over HTTP/2 only on `$incoming` until `$shutdown` completes; the same
/// builder for cleartext and TLS, whose connection types differ.
macro_rules! serve_echo {
    ($incoming:expr, $shutdown:expr) => {
        tokio::spawn(
            Server::builder($incoming)
                .http2_only(true)
                .serve(make_service_fn(|_| async { Ok::<_, Infallible>(service_fn(echo_service::handle)) }))
                .with_graceful_shutdown($shutdown),
        )
    };
}

async fn serve(settings: Settings) {
    let (stop, stopped) = oneshot::channel::<()>();
    let shutdown = async {
        let _ = stopped.await;
    };
    let address = settings.address;
    let (serving, local, security) = match &settings.tls {
        None => {
            let mut incoming = AddrIncoming::bind(&address).unwrap_or_else(|error| cannot_listen(address, error));
            // tonic's Server::builder() turns TCP_NODELAY on; hyper's default is off.
            incoming.set_nodelay(true);
            let local = incoming.local_addr();
            (serve_echo!(incoming, shutdown), local, "cleartext")
        }
        Some(files) => {
            let config = tls::server_config(files).unwrap_or_else(|message| fail(message));
            let listener = TcpListener::bind(address).await.unwrap_or_else(|error| cannot_listen(address, error));
            let local = listener.local_addr().unwrap_or_else(|error| cannot_listen(address, error));
            let security = if files.client_ca.is_some() { "mutual TLS (rustls)" } else { "TLS (rustls)" };
            (serve_echo!(TlsIncoming::start(listener, config), shutdown), local, security)
        }
    };
    let threads = match settings.worker_threads {
        Some(1) => "1 worker thread from BARRAGE_CPUS".to_string(),
        Some(threads) => format!("{threads} worker threads from BARRAGE_CPUS"),
        None => "one worker thread per CPU (BARRAGE_CPUS unset)".to_string(),
    };
    eprintln!("rust-hyper: listening on {local} (tokio multi-thread runtime, {threads}; hyper HTTP/2 only, TCP_NODELAY, {security})");

    let name = first_signal().await;
    eprintln!("rust-hyper: {name}: no new connections; open calls get {} s", GRACE_PERIOD.as_secs());
    let _ = stop.send(());
    match tokio::time::timeout(GRACE_PERIOD, serving).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(error))) => eprintln!("rust-hyper: serve: {error}"),
        Ok(Err(error)) => eprintln!("rust-hyper: the server task failed: {error}"),
        Err(_) => eprintln!("rust-hyper: closing the connections still open"),
    }
}

/// Waits for SIGTERM or SIGINT and names it.
async fn first_signal() -> &'static str {
    let (caught, mut first) = mpsc::channel::<&'static str>(2);
    for (kind, name) in [(SignalKind::terminate(), "SIGTERM"), (SignalKind::interrupt(), "SIGINT")] {
        let mut stream = signal(kind).unwrap_or_else(|error| fail(format!("cannot handle {name}: {error}")));
        let caught = caught.clone();
        tokio::spawn(async move {
            if stream.recv().await.is_some() {
                let _ = caught.send(name).await;
            }
        });
    }
    first.recv().await.unwrap_or("the signal handlers ended")
}

fn cannot_listen(address: std::net::SocketAddr, error: impl std::fmt::Display) -> ! {
    fail(format!("cannot listen on {address}: {error}"))
}

fn fail(message: String) -> ! {
    eprintln!("rust-hyper: {message}");
    std::process::exit(1);
}
