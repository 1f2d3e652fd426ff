import Topology

/// What the coordinator knows about a cell besides the node files: `nodes/<cell>/cell.json`.
///
/// Written when a cell ends, so `barrage report` can rebuild the summary from the results
/// directory alone, including cells that failed before any worker wrote a result.
public struct CellRecord: Codable, Sendable, Equatable {
    /// The cell's directory name under `nodes/`.
    public var id: String
    /// Position of the cell in the run order, from 0.
    public var index: Int
    /// The system's name in the topology.
    public var system: String
    /// Total connections over all client workers.
    public var connections: Int
    /// Which repetition of (system, connections) this is, from 1. JSON key `repeat`.
    public var repeatIndex: Int
    /// How the cell ended.
    public var status: CellStatus
    /// Why the cell failed or was interrupted, in words; nil when it is ok.
    public var error: String?
    /// Client worker processes the plan started for this cell.
    public var clientWorkers: Int
    /// Event-loop threads per client worker, when the plan set one for all.
    public var threadsPerWorker: Int?
    /// The scenario's name; nil for a topology with a plain `workload`.
    public var scenario: String?
    /// The server's CPU limit in this cell, cores; nil when unlimited.
    public var cpus: Double?
    /// The offered open-loop rate (a search cell: its last confirm run's); nil for closed loop.
    public var ratePerSecond: Double?
    /// The workload's SLO, judged against the cell's figures; nil without one.
    public var slo: SLO?
    /// A search cell's result; nil for every other cell.
    public var capacity: CapacityEntry?
    /// Server replicas the plan started for this cell; nil in records written before
    /// replicas (one server), and then the server files found count.
    public var replicas: Int?
    /// An external system's address (`HOST:PORT`): the cell started no server and has no
    /// server files. Nil for a server Barrage started.
    public var target: String?
    /// Whether the clients spoke h2 over TLS; nil in records written before TLS (plaintext).
    public var tls: Bool?

    /// Creates a record; see each property.
    public init(
        id: String, index: Int, system: String, connections: Int, repeatIndex: Int,
        status: CellStatus, error: String? = nil, clientWorkers: Int, threadsPerWorker: Int? = nil
    ) {
        self.id = id
        self.index = index
        self.system = system
        self.connections = connections
        self.repeatIndex = repeatIndex
        self.status = status
        self.error = error
        self.clientWorkers = clientWorkers
        self.threadsPerWorker = threadsPerWorker
    }

    /// The same record with the second part's dimensions set.
    public func with(
        scenario: String?, cpus: Double?, ratePerSecond: Double?, slo: SLO?,
        capacity: CapacityEntry? = nil, replicas: Int? = nil, tls: Bool? = nil
    ) -> CellRecord {
        var record = self
        record.tls = tls
        record.replicas = replicas
        record.scenario = scenario
        record.cpus = cpus
        record.ratePerSecond = ratePerSecond
        record.slo = slo
        record.capacity = capacity
        return record
    }

    enum CodingKeys: String, CodingKey {
        case id, index, system, connections, status, error
        case repeatIndex = "repeat"
        case clientWorkers = "client_workers"
        case threadsPerWorker = "threads_per_worker"
        case scenario, cpus, slo, capacity, replicas, target, tls
        case ratePerSecond = "rate_per_second"
    }
}
