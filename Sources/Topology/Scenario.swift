/// One named workload of a topology's `scenarios` list; a topology with a plain `workload`
/// has a single scenario without a name.
public struct Scenario: Sendable, Equatable {
    /// `[a-z0-9-]+`, unique in the topology; nil for a topology's plain `workload`.
    public var name: String?
    /// What the clients send in this scenario.
    public var workload: Workload

    /// Creates a scenario.
    public init(name: String?, workload: Workload) {
        self.name = name
        self.workload = workload
    }
}
