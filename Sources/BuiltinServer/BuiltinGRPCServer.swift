import HTTP2
import UV

/// The builtin gRPC system under test: serves `bench.Echo` (Unary and bidi Stream, both
/// echoing `Payload`) over cleartext HTTP/2 with prior knowledge, on one libuv loop.
///
/// For several cores run one per loop thread with `ServerThreads`, sharing the port through
/// `reusePort`. Runs in its own process (`barrage serve --protocol grpc`), so its CPU and
/// memory are measured like any other system's. Close it before dropping it.
public final class BuiltinGRPCServer: LoopServer {
    private let listener: ConnectionListener
    private let knobs: BuiltinKnobsOnLoop

    /// Listens on `host:port` (port 0 picks one; see `port`). With `reusePort` the socket
    /// gets SO_REUSEPORT so other loops or processes can listen on the same port.
    /// `knobs` make it a known-answer server (replies held back, the loop stalled).
    public init(
        loop: Loop, host: String, port: Int, reusePort: Bool = false,
        settings: GRPCServerSettings = GRPCServerSettings(), knobs: BuiltinKnobs = BuiltinKnobs()
    ) throws {
        let scratch = WriteScratch()
        let onLoop = try BuiltinKnobsOnLoop(loop: loop, knobs: knobs)
        self.knobs = onLoop
        do {
            listener = try ConnectionListener(loop: loop, host: host, port: port, reusePort: reusePort) { socket, listener in
                GRPCSocketConnection(
                    tcp: socket, settings: settings, scratch: scratch,
                    delayLine: onLoop.delayLine
                ) { [weak listener] closed in
                    listener?.remove(closed)
                }
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

    /// Stops accepting and closes every connection (each gets a GOAWAY if it can take one).
    public func close() {
        listener.close()
        knobs.close()
    }
}
