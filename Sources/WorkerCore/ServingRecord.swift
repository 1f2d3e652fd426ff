/// What the serving phase measured besides the samples, kept once the system has stopped
/// (the result is read after a failure too).
public struct ServingRecord: Equatable, Sendable {
    /// RSS when the system first accepted a connection, before any load.
    public var idleRssBytes: UInt64?
    /// The measurement window as the coordinator marked it.
    public var window: ServerWindow

    public init(idleRssBytes: UInt64?, window: ServerWindow) {
        self.idleRssBytes = idleRssBytes
        self.window = window
    }

    /// Nothing measured: the system never served.
    public static let none = ServingRecord(idleRssBytes: nil, window: .unopened)
}
