import UV

/// The builtin tcp-echo server on a port other loops may share (SO_REUSEPORT), so
/// `ServerThreads` can run one per thread. Same connections as `BuiltinEchoServer`, which
/// binds without SO_REUSEPORT; folding `reusePort` into that class would make this one redundant.
public final class SharedPortEchoServer: LoopServer {
    private let listener: ConnectionListener

    /// Listens on `host:port`; `reusePort` as for `BuiltinGRPCServer`. Each connection gets
    /// a `readBufferSize` read buffer (libuv's default 64 KiB is costly at 10,000 connections).
    public init(loop: Loop, host: String, port: Int, reusePort: Bool = false, readBufferSize: Int = 16 * 1024) throws {
        listener = try ConnectionListener(loop: loop, host: host, port: port, reusePort: reusePort) { socket, listener in
            socket.readBufferSize = readBufferSize
            return EchoConnection(tcp: socket) { [weak listener] closed in listener?.remove(closed) }
        }
    }

    /// The port it listens on; nil once closed.
    public var port: Int? { listener.port }

    /// Connections accepted since it started.
    public var acceptedConnections: Int { listener.accepted }

    /// Stops accepting and closes every connection.
    public func close() {
        listener.close()
    }
}
