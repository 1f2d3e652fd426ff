/// What the server under test may use: the topology's `server.limits`, as the server worker
/// receives them (inside its JSON setup message, hence `Codable`).
///
/// Every field is optional; a field left out is not limited. Enforcement is `CgroupLimiter`'s.
public struct ServerLimits: Sendable, Equatable, Codable {
    /// CPU quota in cores (fractional allowed: 0.5 is half of one core's time), > 0.
    public var cpus: Double?
    /// Memory limit in bytes (swap included: the server may not dodge it by swapping), > 0.
    public var memoryBytes: UInt64?
    /// CPUs the server may run on, in Linux list syntax such as `0-1` or `0,2`.
    public var cpuset: String?

    /// Creates limits; omitted fields are unlimited.
    public init(cpus: Double? = nil, memoryBytes: UInt64? = nil, cpuset: String? = nil) {
        self.cpus = cpus
        self.memoryBytes = memoryBytes
        self.cpuset = cpuset
    }

    /// True when nothing is limited.
    public var isEmpty: Bool { cpus == nil && memoryBytes == nil && cpuset == nil }

    /// The variables that tell a recipe's `run` about its limits, so it can size thread pools
    /// to the quota instead of the machine (a Go server reading GOMAXPROCS from the machine's
    /// core count would be throttled, not faster): `BARRAGE_CPUS` (cores, `0.5`, `2`),
    /// `BARRAGE_MEMORY_BYTES` and `BARRAGE_CPUSET`, each only when that limit is set.
    public var environment: [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        if let cpus { result.append(("BARRAGE_CPUS", Self.decimal(cpus))) }
        if let memoryBytes { result.append(("BARRAGE_MEMORY_BYTES", String(memoryBytes))) }
        if let cpuset { result.append(("BARRAGE_CPUSET", cpuset)) }
        return result
    }

    /// `2` rather than `2.0`, so shell scripts can compare integers.
    static func decimal(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
