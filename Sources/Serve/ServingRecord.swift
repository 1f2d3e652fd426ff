/// What the serving phase measured besides the samples, kept once the system has stopped
/// (the result is read after a failure too).
struct ServingRecord: Equatable {
    /// RSS when the system first accepted a connection, before any load.
    var idleRssBytes: UInt64?
    var window: ServerWindow

    /// Nothing measured: the system never served.
    static let none = ServingRecord(idleRssBytes: nil, window: .unopened)
}
