/// One worker of a cell, named as messages name it: "client-2 on box-2".
public struct WorkerNode: Equatable, Sendable, CustomStringConvertible {
    /// Node name in results ("server", "server-2", "client-1", …).
    public var name: String
    /// Topology host it runs on.
    public var host: String

    public init(name: String, host: String) {
        self.name = name
        self.host = host
    }

    public var description: String { "\(name) on \(host)" }
}
