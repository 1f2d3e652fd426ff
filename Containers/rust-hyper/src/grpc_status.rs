//! A gRPC status, as it travels in `grpc-status` and `grpc-message`.

use http::header::{HeaderMap, HeaderValue};

/// The outcome of a call, sent in the trailers (or in the headers of a trailers-only response).
pub struct GrpcStatus {
    code: u16,
    message: &'static str,
}

impl GrpcStatus {
    /// OK (0).
    pub fn ok() -> GrpcStatus {
        GrpcStatus { code: 0, message: "" }
    }

    /// UNIMPLEMENTED (12): an unknown service or method.
    pub fn unimplemented(message: &'static str) -> GrpcStatus {
        GrpcStatus { code: 12, message }
    }

    /// INTERNAL (13): a request whose messages cannot be decoded, as generated code reports it.
    pub fn internal(message: &'static str) -> GrpcStatus {
        GrpcStatus { code: 13, message }
    }

    /// `grpc-status` and, unless OK, `grpc-message` (plain ASCII here, so nothing to escape).
    pub fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::with_capacity(2);
        self.write(&mut headers);
        headers
    }

    /// Adds the status to `headers`.
    pub fn write(&self, headers: &mut HeaderMap) {
        headers.insert("grpc-status", HeaderValue::from(self.code));
        if !self.message.is_empty() {
            headers.insert("grpc-message", HeaderValue::from_static(self.message));
        }
    }
}
