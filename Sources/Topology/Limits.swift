/// Resource limits for the server process or container; `nil` fields are unlimited.
public struct Limits: Sendable, Equatable {
    /// CPU quota in cores; fractional values allowed, always > 0.
    public var cpus: Double?
    /// Memory limit in bytes, > 0.
    public var memoryBytes: UInt64?
    /// CPUs to pin to, in Linux cpuset syntax such as `0-1` or `0,2`.
    public var cpuset: String?

    /// Creates limits; omitted fields are unlimited.
    public init(cpus: Double? = nil, memoryBytes: UInt64? = nil, cpuset: String? = nil) {
        self.cpus = cpus
        self.memoryBytes = memoryBytes
        self.cpuset = cpuset
    }
}
