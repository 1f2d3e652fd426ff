import HTTP2
import TLS
import UV

/// A builtin system under test on one libuv loop: a listener, the known-answer knobs, and what
/// each accepted socket becomes — `tcpEcho` (every byte read is written back) or `grpc`
/// (`bench.Echo` Unary and bidi Stream over cleartext HTTP/2 with prior knowledge, or over TLS).
///
/// It runs in its own process (`barrage serve`), so its CPU and memory are measured like any
/// other system's; for several cores `MultiLoopServer` runs one per loop thread, sharing the port
/// through `reusePort`. Close it before dropping it.
public final class BuiltinLoopServer: SingleLoopServer {
    private let listener: ConnectionListener
    private let knobs: BuiltinKnobsOnLoop

    /// The builtin tcp-echo server on `host:port` (port 0 picks one; see `port`). Connections
    /// read into the loop's one buffer (a buffer each would cost 64 KiB a connection at 10,000
    /// connections). With `reusePort` the socket gets SO_REUSEPORT, so other loops or processes
    /// can listen on the same port; `knobs` make it a known-answer server (replies held back,
    /// the loop stalled).
    public static func tcpEcho(
        loop: Loop, host: String, port: Int, reusePort: Bool = false, knobs: BuiltinKnobs = BuiltinKnobs()
    ) throws -> BuiltinLoopServer {
        try BuiltinLoopServer(loop: loop, host: host, port: port, reusePort: reusePort, knobs: knobs) {
            socket, delayLine, remove in
            socket.sharesLoopReadBuffer = true
            return EchoConnection(tcp: socket, delayLine: delayLine, onClose: remove)
        }
    }

    /// The builtin gRPC server on `host:port`, as `tcpEcho` is, with these HTTP/2 `settings`;
    /// with `tls` (PEM paths of a certificate chain and its key) h2 over TLS with ALPN h2, one
    /// OpenSSL context for the loop. Throws `TLSSetupError` when they do not load.
    public static func grpc(
        loop: Loop, host: String, port: Int, reusePort: Bool = false,
        settings: GRPCServerSettings = GRPCServerSettings(), knobs: BuiltinKnobs = BuiltinKnobs(),
        tls: (certFile: String, keyFile: String)? = nil
    ) throws -> BuiltinLoopServer {
        let scratch = WriteScratch()
        let context = try tls.map { try TLSContext(role: .server(certFile: $0.certFile, keyFile: $0.keyFile)) }
        return try BuiltinLoopServer(loop: loop, host: host, port: port, reusePort: reusePort, knobs: knobs) {
            socket, delayLine, remove in
            GRPCSocketConnection(
                tcp: socket, settings: settings, scratch: scratch, tls: context, delayLine: delayLine, onClose: remove)
        }
    }

    /// `open` wraps an accepted socket; it gets the loop's delay line (nil without a reply
    /// delay) and what the connection calls once it has closed.
    private init(
        loop: Loop, host: String, port: Int, reusePort: Bool, knobs: BuiltinKnobs,
        open: @escaping (TCP, BuiltinDelayLine?, @escaping (AnyObject) -> Void) -> any AcceptedConnection
    ) throws {
        let onLoop = try BuiltinKnobsOnLoop(loop: loop, knobs: knobs)
        self.knobs = onLoop
        do {
            listener = try ConnectionListener(loop: loop, host: host, port: port, reusePort: reusePort) { socket, listener in
                open(socket, onLoop.delayLine) { [weak listener] closed in listener?.remove(closed) }
            }
        } catch {
            onLoop.close()
            throw error
        }
    }

    /// The port it listens on; nil once closed.
    public var port: Int? { listener.port }

    /// Connections accepted since it started.
    public var acceptedConnections: Int { listener.accepted }

    /// Connections open now.
    public var openConnections: Int { listener.openConnections }

    /// Stops accepting and closes every connection (a gRPC one gets a GOAWAY if it can take one).
    public func close() {
        listener.close()
        knobs.close()
    }
}
