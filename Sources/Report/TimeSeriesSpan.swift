/// How a long window's seconds are drawn: at most `maximumPoints` points a line, each span of
/// consecutive seconds drawn as one point. Only the drawing is aggregated; summary.json and the
/// node files keep every second.
///
/// A 24-hour window has 86,400 seconds a line and four charts a cell group: drawn one point a
/// second, report.html would carry millions of SVG points no browser lays out at a glance, and
/// no screen has the pixels to show them apart.
enum TimeSeriesSpan {
    /// Points a line draws at most; a window up to this many seconds is drawn second by second.
    static let maximumPoints = 720

    /// What a span's point shows.
    enum Figure {
        /// The span's highest second: a latency spike, a CPU or memory peak stays visible.
        case highest
        /// The span's mean: requests per second averaged over the span.
        case mean

        func of(_ values: [Double]) -> Double {
            switch self {
            case .highest: return values.max() ?? 0
            case .mean: return values.reduce(0, +) / Double(max(values.count, 1))
            }
        }

        /// How a point's note names it ("highest second", "mean").
        var word: String {
            switch self {
            case .highest: return "highest second"
            case .mean: return "mean"
            }
        }
    }

    /// The index ranges, in order, that cover `count` seconds in at most `maximumPoints` spans
    /// of equal length (the last may be shorter).
    static func drawn(_ count: Int) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let length = (count + maximumPoints - 1) / maximumPoints
        return stride(from: 0, to: count, by: length).map { $0..<min($0 + length, count) }
    }
}
