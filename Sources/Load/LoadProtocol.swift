/// What a load generator's connections speak.
public enum LoadProtocol: Sendable, Equatable {
    /// Raw TCP: the payload out, the same bytes back, one request at a time per connection.
    case tcpEcho
    /// gRPC over cleartext HTTP/2: unary calls or ping-pong streams.
    case grpc(GRPCCall)
}
