/// Resource limits for the server's process tree; `nil` fields are unlimited. The topology's
/// `server.limits`, carried as is to the server worker (Codable) that enforces them.
public struct Limits: Sendable, Equatable, Codable {
    /// CPU quota in cores (fractional allowed: 0.5 is half of one core's time), > 0.
    public var cpus: Double?
    /// Memory limit in bytes (swap included: the server may not dodge it by swapping), > 0.
    public var memoryBytes: UInt64?
    /// CPUs to pin to, in Linux cpuset syntax such as `0-1` or `0,2`.
    public var cpuset: String?

    /// Creates limits; omitted fields are unlimited.
    public init(cpus: Double? = nil, memoryBytes: UInt64? = nil, cpuset: String? = nil) {
        self.cpus = cpus
        self.memoryBytes = memoryBytes
        self.cpuset = cpuset
    }

    /// How many CPUs `cpuset` names; nil without one.
    public var cpusetSize: Int? { cpuset.flatMap { CPUList($0) }?.cpus.count }

    /// True when nothing is limited.
    public var isEmpty: Bool { cpus == nil && memoryBytes == nil && cpuset == nil }
}
