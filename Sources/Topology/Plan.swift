/// Everything a run will do, in order, derived from a topology by `Planner`.
public struct Plan: Sendable, Equatable {
    /// The topology this plan was made from.
    public var topology: Topology
    /// The cells in run order.
    public var cells: [CellPlan]
    /// Things worth knowing before running, in words (e.g. uneven connection splits).
    public var notes: [String]

    /// Creates a plan.
    public init(topology: Topology, cells: [CellPlan], notes: [String]) {
        self.topology = topology
        self.cells = cells
        self.notes = notes
    }
}
