/// Where the server under test runs: the `server` section.
public struct ServerSpec: Sendable, Equatable {
    /// Name of a host declared under `hosts`.
    public var host: String
    /// Listening port; 0 lets the system pick any free port.
    public var port: Int
    /// Resource limits for the server, if any. With a CPU sweep, `cpus` holds its first value
    /// (what the limits preflight checks); each cell's own limits carry its value.
    public var limits: Limits?
    /// `limits.cpus` given as a list: one cell per value, in file order; nil for a single value.
    public var cpuSweep: [Double]?

    /// Creates a server spec; port 0 means "any free port".
    public init(host: String, port: Int = 0, limits: Limits? = nil, cpuSweep: [Double]? = nil) {
        self.host = host
        self.port = port
        self.limits = limits
        self.cpuSweep = cpuSweep
    }
}
