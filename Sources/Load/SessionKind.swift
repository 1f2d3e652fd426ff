/// Which protocol a load generator's sessions speak, with what all of them share (built once
/// per generator, not per connection).
enum SessionKind {
    /// tcp-echo: the payload every request sends.
    case echo(EchoPayload)
    /// gRPC: the request template, the gzip inflater the connections share, and streams per
    /// connection.
    case grpc(GRPCRequestTemplate, GzipInflater, concurrency: Int)

    /// A fresh session for connection `index` reporting to `delegate`; nil only if out of
    /// memory.
    func makeSession(index: Int, clock: LoadClock, delegate: any LoadSessionDelegate) -> (any LoadSession)? {
        switch self {
        case .echo(let payload):
            return EchoSession(payload: payload, clock: clock, delegate: delegate)
        case .grpc(let template, let gzip, let concurrency):
            return GRPCClientConnection(
                index: index, template: template, gzip: gzip,
                concurrency: concurrency, delegate: delegate, clock: clock)
        }
    }
}
