/// The header names and fixed values of gRPC over HTTP/2 that Barrage sends or reads, as
/// literals nghttp2 can take without copying (see `nghttp2_nv.init(_:_:)`).
public enum GRPCHeader {
    /// Pseudo-headers.
    public static let method: StaticString = ":method"
    public static let scheme: StaticString = ":scheme"
    public static let path: StaticString = ":path"
    public static let authority: StaticString = ":authority"
    public static let status: StaticString = ":status"

    /// Request and response headers.
    public static let contentType: StaticString = "content-type"
    public static let te: StaticString = "te"
    public static let userAgent: StaticString = "user-agent"
    public static let encoding: StaticString = "grpc-encoding"
    public static let acceptEncoding: StaticString = "grpc-accept-encoding"
    public static let timeout: StaticString = "grpc-timeout"

    /// Trailers.
    public static let grpcStatus: StaticString = "grpc-status"
    public static let grpcMessage: StaticString = "grpc-message"

    /// Values.
    public static let post: StaticString = "POST"
    public static let http: StaticString = "http"
    public static let grpcContentType: StaticString = "application/grpc"
    public static let trailers: StaticString = "trailers"
    public static let identity: StaticString = "identity"
    public static let gzip: StaticString = "gzip"
    /// What the load client announces in `grpc-accept-encoding`: it decodes gzip answers.
    public static let acceptedEncodings: StaticString = "identity,gzip"
    public static let ok: StaticString = "200"
}
