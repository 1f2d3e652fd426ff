/// One axis of a chart: its label (with the unit), its scale and how its ticks read.
public struct ChartAxis: Sendable {
    /// The axis title, unit included: "p99 latency (ms)".
    public var label: String
    /// Linear or log.
    public var scale: AxisScale
    /// Whether a linear axis must include 0: amounts (req/s, bytes) read wrongly from a cut axis.
    public var fromZero: Bool
    /// Data units per unit the label names (1,024 for KiB of byte data): ticks fall on
    /// round values of the unit shown, not of the data's.
    public var divisor: Double
    /// Whether only whole values of the label's unit get a tick: a count of seconds has no
    /// point at 0.5, so a tick there would suggest one.
    public var wholeUnits: Bool
    /// A tick value, in the label's unit, as its label reads.
    public var format: @Sendable (Double) -> String

    /// An axis; see each property.
    public init(
        label: String, scale: AxisScale = .linear, fromZero: Bool = true, divisor: Double = 1,
        wholeUnits: Bool = false, format: @escaping @Sendable (Double) -> String
    ) {
        self.label = label
        self.scale = scale
        self.fromZero = fromZero
        self.divisor = divisor
        self.wholeUnits = wholeUnits
        self.format = format
    }

    /// The ticks, in data units, for data spanning `low...high` on this axis.
    public func ticks(_ low: Double, _ high: Double) -> AxisTicks {
        let shown: AxisTicks
        switch scale {
        case .linear: shown = AxisTicks.linear(fromZero ? min(0, low / divisor) : low / divisor, high / divisor)
        case .log: shown = AxisTicks.log(low / divisor, high / divisor)
        }
        let values = wholeUnits && scale == .linear ? shown.values.filter { $0 == $0.rounded() } : shown.values
        return AxisTicks(lower: shown.lower * divisor, upper: shown.upper * divisor, values: values.map { $0 * divisor })
    }

    /// The label of a tick at `value` (data units).
    public func label(at value: Double) -> String { format(value / divisor) }
}
