/// A cell: one (system, connections, repeat) measurement, with the processes it needs.
public struct CellPlan: Sendable, Equatable {
    /// `SYSTEM-cCONNECTIONS-rREPEAT`, e.g. `builtin-c100-r1`: filesystem-safe and unique in the plan.
    public var id: String
    /// 0-based position in run order.
    public var index: Int
    /// The system under test.
    public var system: System
    /// Total connections over all client processes.
    public var connections: Int
    /// Which repetition this is, 1-based.
    public var repeatIndex: Int
    /// The server process.
    public var server: ServerProcess
    /// The client processes, one per worker over all client groups.
    public var clients: [ClientProcess]

    /// Creates a cell.
    public init(id: String, index: Int, system: System, connections: Int, repeatIndex: Int,
                server: ServerProcess, clients: [ClientProcess]) {
        self.id = id
        self.index = index
        self.system = system
        self.connections = connections
        self.repeatIndex = repeatIndex
        self.server = server
        self.clients = clients
    }
}
