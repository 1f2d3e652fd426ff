/// The workload's `slo`: bounds every measured cell must hold. A gate on fixed-rate and `max`
/// workloads, the target of `rate: search`.
public struct SLO: Sendable, Equatable, Codable {
    /// The bounds in file order; never empty in a parsed topology.
    public var bounds: [SLOBound]

    /// Creates an SLO.
    public init(bounds: [SLOBound]) {
        self.bounds = bounds
    }
}
