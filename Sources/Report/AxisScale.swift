/// How a chart axis maps values to positions.
public enum AxisScale: Sendable, Equatable {
    /// Equal distances for equal differences.
    case linear
    /// Equal distances for equal ratios (base 10); only positive values can be placed.
    case log
}
