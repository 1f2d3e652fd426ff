/// One point of a chart series, in the data's own units.
public struct ChartPoint: Sendable, Equatable {
    /// Position along the x axis.
    public var x: Double
    /// Position along the y axis.
    public var y: Double
    /// What a reader hovering the point sees (an SVG `<title>`); nil for none.
    public var note: String?

    /// A point; see each property.
    public init(x: Double, y: Double, note: String? = nil) {
        self.x = x
        self.y = y
        self.note = note
    }
}
