/// One line of a chart: a system (or a run) and its points.
public struct ChartSeries: Sendable, Equatable {
    /// What the legend calls it.
    public var name: String
    /// Its stroke colour, a CSS colour: the same system has the same colour in every chart.
    public var colour: String
    /// An SVG `stroke-dasharray` ("6 4"), to tell lines of the same colour apart (other
    /// runs, other repeats); nil for a solid line.
    public var dash: String?
    /// Dash patterns for the second, third, … line of one colour.
    public static let dashes = ["6 4", "2 3", "10 3 2 3", "1 5"]

    /// Its points, drawn in the order given.
    public var points: [ChartPoint]
    /// Marks the legend adds after the name (the table's `*`, `late`); the line keeps the name alone.
    public var marks: String?

    /// A series; see each property.
    public init(name: String, colour: String, dash: String? = nil, marks: String? = nil, points: [ChartPoint]) {
        self.name = name
        self.marks = marks
        self.colour = colour
        self.dash = dash
        self.points = points
    }

    /// The name and its marks, as the legend reads.
    var legendText: String { marks.map { "\(name) \($0)" } ?? name }
}
