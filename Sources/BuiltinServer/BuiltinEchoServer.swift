import UV

/// The builtin tcp-echo system under test: every byte read is written back. It runs in its
/// own process (`barrage serve`), so its CPU and memory are measured like any other system's,
/// one per thread on a port the threads share (SO_REUSEPORT) under `ServerThreads`.
public final class BuiltinEchoServer: LoopServer {
    private let listener: ConnectionListener
    private let knobs: BuiltinKnobsOnLoop

    /// Listens on `host:port`; `reusePort` as for `BuiltinGRPCServer`. Connections read into
    /// the loop's one buffer (a buffer each would cost 64 KiB a connection at 10,000 connections).
    /// `knobs` make it a known-answer server (replies held back, the loop stalled).
    public init(
        loop: Loop, host: String, port: Int, reusePort: Bool = false,
        knobs: BuiltinKnobs = BuiltinKnobs()
    ) throws {
        let onLoop = try BuiltinKnobsOnLoop(loop: loop, knobs: knobs)
        self.knobs = onLoop
        do {
            listener = try ConnectionListener(loop: loop, host: host, port: port, reusePort: reusePort) { socket, listener in
                socket.sharesLoopReadBuffer = true
                return EchoConnection(tcp: socket, delayLine: onLoop.delayLine) { [weak listener] closed in
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

    /// Stops accepting and closes every connection.
    public func close() {
        listener.close()
        knobs.close()
    }
}
