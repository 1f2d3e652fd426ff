/// Tunables of the builtin gRPC server. The defaults suit benchmarking: windows and stream
/// limits large enough never to be the bottleneck, buffers small enough for 10,000 connections.
public struct GRPCServerSettings: Sendable {
    /// SETTINGS_MAX_CONCURRENT_STREAMS advertised to each client.
    public var maxConcurrentStreams: UInt32 = 1000
    /// SETTINGS_INITIAL_WINDOW_SIZE: how much each stream may send before a WINDOW_UPDATE.
    public var streamWindow: Int32 = 1 << 20
    /// The connection-level receive window, raised from HTTP/2's 64 KiB by a WINDOW_UPDATE.
    public var connectionWindow: Int32 = 16 << 20
    /// Largest request message accepted (gRPC's customary default); bigger ones end the call
    /// with RESOURCE_EXHAUSTED.
    public var maxMessageSize = 4 << 20
    /// Per-connection socket read buffer.
    public var readBufferSize = 16 * 1024
    /// Echoed bytes a stream may hold before the server stops giving window back to it.
    public var streamBacklogLimit = 256 * 1024
    /// Stream buffers bigger than this are freed when the stream ends rather than reused.
    public var keptStreamBuffer = 4 * 1024

    /// The defaults.
    public init() {}
}
