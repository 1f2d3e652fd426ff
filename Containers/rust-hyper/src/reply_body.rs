//! The response body of every call: what hyper polls to send DATA frames and trailers.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use http::HeaderMap;
use hyper::body::HttpBody;
use hyper::Body;

use crate::codec::{decode_payload, encode_reply, take_message};
use crate::grpc_status::GrpcStatus;

/// A gRPC response body. The streaming echo needs no task of its own: hyper polls this body
/// to send, and polling it reads the request body, so each request message is answered as
/// soon as it is complete, and the request's flow-control window is released as it is read.
pub struct ReplyBody {
    state: ReplyState,
}

/// Where a response body is: the data still to send, then the trailers, then nothing.
enum ReplyState {
    /// A unary reply: this one message, then `grpc-status: 0`.
    Message(Bytes),
    /// A bidirectional stream: echoes each whole message of `request`, buffered in `pending`
    /// until complete, until the client half-closes.
    Echoing { request: Body, pending: BytesMut },
    /// The data is sent; the trailers with this status are next.
    Trailers(GrpcStatus),
    /// Everything is sent (or the response was trailers-only, its status in the headers).
    Finished,
}

impl ReplyBody {
    /// A unary reply holding one framed message.
    pub fn message(frame: Bytes) -> ReplyBody {
        ReplyBody { state: ReplyState::Message(frame) }
    }

    /// The echo of a bidirectional stream.
    pub fn echo(request: Body) -> ReplyBody {
        ReplyBody { state: ReplyState::Echoing { request, pending: BytesMut::new() } }
    }

    /// No body: the response's headers carry the status (gRPC's trailers-only response).
    pub fn empty() -> ReplyBody {
        ReplyBody { state: ReplyState::Finished }
    }
}

impl HttpBody for ReplyBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_data(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, hyper::Error>>> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                ReplyState::Message(_) => {
                    let state = std::mem::replace(&mut this.state, ReplyState::Trailers(GrpcStatus::ok()));
                    if let ReplyState::Message(frame) = state {
                        return Poll::Ready(Some(Ok(frame)));
                    }
                }
                ReplyState::Echoing { request, pending } => {
                    match take_message(pending).and_then(|message| message.map(|m| decode_payload(&m)).transpose()) {
                        Ok(Some(body)) => return Poll::Ready(Some(Ok(encode_reply(&body)))),
                        Ok(None) => {}
                        Err(error) => {
                            this.state = ReplyState::Trailers(GrpcStatus::internal(error.describe()));
                            return Poll::Ready(None);
                        }
                    }
                    match Pin::new(request).poll_data(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(Some(Ok(chunk))) => pending.extend_from_slice(&chunk),
                        Poll::Ready(Some(Err(error))) => {
                            this.state = ReplyState::Finished;
                            return Poll::Ready(Some(Err(error)));
                        }
                        Poll::Ready(None) => {
                            this.state = ReplyState::Trailers(if pending.is_empty() {
                                GrpcStatus::ok()
                            } else {
                                GrpcStatus::internal(crate::codec::CodecError::Truncated.describe())
                            });
                            return Poll::Ready(None);
                        }
                    }
                }
                ReplyState::Trailers(_) | ReplyState::Finished => return Poll::Ready(None),
            }
        }
    }

    fn poll_trailers(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Result<Option<HeaderMap>, hyper::Error>> {
        let this = self.get_mut();
        match std::mem::replace(&mut this.state, ReplyState::Finished) {
            ReplyState::Trailers(status) => Poll::Ready(Ok(Some(status.headers()))),
            other => {
                this.state = other;
                Poll::Ready(Ok(None))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self.state, ReplyState::Finished)
    }
}
