/// One line of a chart: a system (or a run) and its points.
public struct ChartSeries: Sendable, Equatable {
    /// What the legend calls it.
    public var name: String
    /// Its stroke colour, a CSS colour: the same system has the same colour in every chart.
    public var colour: String
    /// Dashed, to tell a second line of the same colour apart (another run, another repeat).
    public var dashed: Bool
    /// Its points, drawn in the order given.
    public var points: [ChartPoint]

    /// A series; see each property.
    public init(name: String, colour: String, dashed: Bool = false, points: [ChartPoint]) {
        self.name = name
        self.colour = colour
        self.dashed = dashed
        self.points = points
    }
}
