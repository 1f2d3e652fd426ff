/// Where the server under test runs: the `server` section.
public struct ServerSpec: Sendable, Equatable {
    /// Names of hosts declared under `hosts`, one server replica each, in file order
    /// (`host: a` reads as `[a]`). A cell with N replicas uses the first N.
    public var hosts: [String]
    /// `replicas` given as a list: one cell per value, in file order; nil means every host
    /// runs a replica in every cell.
    public var replicaSweep: [Int]?
    /// Listening port; 0 lets the system pick any free port.
    public var port: Int
    /// Resource limits for the server, if any. With a CPU sweep, `cpus` holds its first value
    /// (what the limits preflight checks); each cell's own limits carry its value.
    public var limits: Limits?
    /// `limits.cpus` given as a list: one cell per value, in file order; nil for a single value.
    public var cpuSweep: [Double]?

    /// Creates a server spec with one or more hosts; port 0 means "any free port".
    public init(
        hosts: [String], replicaSweep: [Int]? = nil, port: Int = 0, limits: Limits? = nil,
        cpuSweep: [Double]? = nil
    ) {
        self.hosts = hosts
        self.replicaSweep = replicaSweep
        self.port = port
        self.limits = limits
        self.cpuSweep = cpuSweep
    }

    /// Creates a server spec with one host; port 0 means "any free port".
    public init(host: String, port: Int = 0, limits: Limits? = nil, cpuSweep: [Double]? = nil) {
        self.init(hosts: [host], port: port, limits: limits, cpuSweep: cpuSweep)
    }

    /// The first server host: the only one without replicas.
    public var host: String {
        get { hosts.first ?? "" }
        set { hosts = [newValue] + hosts.dropFirst() }
    }

    /// The replica counts cells run with: the sweep, else every host.
    public var replicaCounts: [Int] { replicaSweep ?? [max(1, hosts.count)] }
}
