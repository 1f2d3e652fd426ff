//! bench.Echo's routing: which path gets which handler, as tonic's generated server does it.

use std::convert::Infallible;

use http::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Body, Request, Response};

use crate::codec::{decode_payload, encode_reply, single_message};
use crate::grpc_status::GrpcStatus;
use crate::reply_body::ReplyBody;

/// Answers one HTTP/2 request (one gRPC call).
pub async fn handle(request: Request<Body>) -> Result<Response<ReplyBody>, Infallible> {
    let response = match request.uri().path() {
        "/bench.Echo/Unary" => unary(request.into_body()).await,
        "/bench.Echo/Stream" => grpc_response(ReplyBody::echo(request.into_body())),
        path if path.starts_with("/bench.Echo/") => trailers_only(GrpcStatus::unimplemented("bench.Echo has no such method")),
        _ => trailers_only(GrpcStatus::unimplemented("no such service")),
    };
    Ok(response)
}

/// Unary: the whole request (one message), then one reply.
async fn unary(request: Body) -> Response<ReplyBody> {
    let bytes = match hyper::body::to_bytes(request).await {
        Ok(bytes) => bytes,
        // The client reset the stream: hyper will not send this anyway.
        Err(_) => return trailers_only(GrpcStatus::internal("the request body failed")),
    };
    match single_message(bytes).and_then(|message| decode_payload(&message)) {
        Ok(body) => grpc_response(ReplyBody::message(encode_reply(&body))),
        Err(error) => trailers_only(GrpcStatus::internal(error.describe())),
    }
}

fn grpc_response(body: ReplyBody) -> Response<ReplyBody> {
    let mut response = Response::new(body);
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/grpc"));
    response
}

/// HTTP 200 whose headers carry the status and end the stream, as gRPC servers answer errors
/// known before any message.
fn trailers_only(status: GrpcStatus) -> Response<ReplyBody> {
    let mut response = grpc_response(ReplyBody::empty());
    status.write(response.headers_mut());
    response
}
