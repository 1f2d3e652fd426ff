//! What the recipe contract passes in the environment, checked.

use std::net::{SocketAddr, ToSocketAddrs};

/// Where to listen and how many tokio worker threads to run.
pub struct Settings {
    /// The first address `$BARRAGE_HOST:$BARRAGE_PORT` resolves to.
    pub address: SocketAddr,
    /// `ceil($BARRAGE_CPUS)`; `None` leaves tokio's default (one per CPU the process may use).
    pub worker_threads: Option<usize>,
    /// `$BARRAGE_TLS_CERT`, `$BARRAGE_TLS_KEY` and `$BARRAGE_TLS_CLIENT_CA`; `None` is cleartext.
    pub tls: Option<TlsFiles>,
}

/// The PEM files to serve TLS with.
#[derive(Debug, PartialEq)]
pub struct TlsFiles {
    /// The certificate chain, the server's own certificate first.
    pub certificate: String,
    /// The certificate's private key.
    pub key: String,
    /// When set, clients must present a certificate of this CA (mutual TLS).
    pub client_ca: Option<String>,
}

/// A setting that cannot be used, with the exit status it calls for.
pub struct SettingsError {
    /// 2 for a protocol this server does not speak, 1 otherwise.
    pub status: i32,
    /// One line for stderr.
    pub message: String,
}

impl Settings {
    /// Reads `BARRAGE_PROTOCOL`, `BARRAGE_HOST` (127.0.0.1), `BARRAGE_PORT` (0), `BARRAGE_CPUS` and
    /// the `BARRAGE_TLS_*` files.
    pub fn from_env() -> Result<Settings, SettingsError> {
        Settings::parse(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
    }

    fn parse(lookup: impl Fn(&str) -> Option<String>) -> Result<Settings, SettingsError> {
        if let Some(protocol) = lookup("BARRAGE_PROTOCOL").filter(|protocol| protocol != "grpc") {
            return Err(SettingsError { status: 2, message: format!("rust-hyper serves grpc only, not {protocol}") });
        }
        let fail = |message: String| SettingsError { status: 1, message: format!("rust-hyper: {message}") };
        let host = lookup("BARRAGE_HOST").unwrap_or_else(|| "127.0.0.1".to_string());
        let port_text = lookup("BARRAGE_PORT").unwrap_or_else(|| "0".to_string());
        let port: u16 = port_text
            .parse()
            .map_err(|_| fail(format!("BARRAGE_PORT must be a port number from 0 to 65535, not {port_text:?}")))?;
        let address = (host.as_str(), port)
            .to_socket_addrs()
            .map_err(|error| fail(format!("cannot resolve BARRAGE_HOST {host:?}: {error}")))?
            .next()
            .ok_or_else(|| fail(format!("BARRAGE_HOST {host:?} resolves to no address")))?;
        let worker_threads = match lookup("BARRAGE_CPUS") {
            None => None,
            Some(text) => match text.parse::<f64>() {
                Ok(cpus) if cpus > 0.0 && cpus.is_finite() => Some(cpus.ceil() as usize),
                _ => {
                    return Err(fail(format!(
                        "BARRAGE_CPUS must be a number of cores greater than 0, such as 1 or 0.5, not {text:?}"
                    )))
                }
            },
        };
        let tls = match (lookup("BARRAGE_TLS_CERT"), lookup("BARRAGE_TLS_KEY")) {
            (None, None) => None,
            (Some(certificate), Some(key)) => Some(TlsFiles { certificate, key, client_ca: lookup("BARRAGE_TLS_CLIENT_CA") }),
            _ => return Err(fail("BARRAGE_TLS_CERT and BARRAGE_TLS_KEY go together".to_string())),
        };
        Ok(Settings { address, worker_threads, tls })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        Settings::parse(|name| pairs.iter().find(|(key, _)| *key == name).map(|(_, value)| value.to_string()))
    }

    #[test]
    fn worker_threads_are_the_ceiling_of_the_cpus() {
        assert_eq!(parse(&[]).ok().unwrap().worker_threads, None);
        for (cpus, threads) in [("0.5", 1), ("1", 1), ("1.5", 2), ("4", 4)] {
            assert_eq!(parse(&[("BARRAGE_CPUS", cpus)]).ok().unwrap().worker_threads, Some(threads));
        }
        for bad in ["0", "-1", "two", "inf", "NaN"] {
            let error = parse(&[("BARRAGE_CPUS", bad)]).err().unwrap();
            assert_eq!(error.status, 1);
            assert!(error.message.contains("BARRAGE_CPUS"), "{}", error.message);
        }
    }

    #[test]
    fn the_address_defaults_to_loopback_and_a_free_port() {
        let settings = parse(&[("BARRAGE_PROTOCOL", "grpc")]).ok().unwrap();
        assert_eq!(settings.address, "127.0.0.1:0".parse().unwrap());
        assert_eq!(parse(&[("BARRAGE_HOST", "::1"), ("BARRAGE_PORT", "7000")]).ok().unwrap().address, "[::1]:7000".parse().unwrap());
        assert_eq!(parse(&[("BARRAGE_PORT", "70000")]).err().unwrap().status, 1);
    }

    #[test]
    fn tls_needs_both_certificate_and_key() {
        assert_eq!(parse(&[]).ok().unwrap().tls, None);
        let tls = parse(&[("BARRAGE_TLS_CERT", "c.pem"), ("BARRAGE_TLS_KEY", "k.pem")]).ok().unwrap().tls;
        assert_eq!(tls, Some(TlsFiles { certificate: "c.pem".into(), key: "k.pem".into(), client_ca: None }));
        let mutual = parse(&[("BARRAGE_TLS_CERT", "c.pem"), ("BARRAGE_TLS_KEY", "k.pem"), ("BARRAGE_TLS_CLIENT_CA", "ca.pem")]);
        assert_eq!(mutual.ok().unwrap().tls.unwrap().client_ca.as_deref(), Some("ca.pem"));
        for half in [("BARRAGE_TLS_CERT", "c.pem"), ("BARRAGE_TLS_KEY", "k.pem")] {
            let error = parse(&[half]).err().unwrap();
            assert_eq!((error.status, error.message.as_str()), (1, "rust-hyper: BARRAGE_TLS_CERT and BARRAGE_TLS_KEY go together"));
        }
    }

    #[test]
    fn other_protocols_are_refused_with_status_2() {
        let error = parse(&[("BARRAGE_PROTOCOL", "tcp-echo")]).err().unwrap();
        assert_eq!((error.status, error.message.as_str()), (2, "rust-hyper serves grpc only, not tcp-echo"));
    }
}
