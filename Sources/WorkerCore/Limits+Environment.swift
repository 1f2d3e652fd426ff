import Topology

extension Limits {
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
