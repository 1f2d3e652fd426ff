import Foundation

/// A line chart as a self-contained SVG element: title, legend, both axes with ticks,
/// grid lines and labels, one `<path class="series">` per series with its points.
///
/// Pure and deterministic: the same chart always gives the same text.
public struct SVGLineChart: Sendable {
    /// The heading above the plot.
    public var title: String
    /// The horizontal axis.
    public var xAxis: ChartAxis
    /// The vertical axis.
    public var yAxis: ChartAxis
    /// The lines, drawn in this order (the last on top).
    public var series: [ChartSeries]
    /// Stretches of the x axis shaded under the lines (server pauses on a time series).
    public var bands: [Band] = []
    /// Drawing size in SVG units; the element scales to its container's width.
    public var width: Double = 600
    /// Drawing height in SVG units.
    public var height: Double = 360

    /// A chart; see each property.
    public init(title: String, xAxis: ChartAxis, yAxis: ChartAxis, series: [ChartSeries]) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
    }

    /// A shaded stretch of the x axis, the full height of the plot, with a tooltip.
    public struct Band: Sendable, Equatable {
        public var fromX: Double
        public var toX: Double
        public var colour: String
        public var note: String

        public init(fromX: Double, toX: Double, colour: String, note: String) {
            self.fromX = fromX
            self.toX = toX
            self.colour = colour
            self.note = note
        }
    }

    /// Left margin: room for y tick labels and the rotated y title.
    static let left = 74.0
    static let right = 34.0
    static let bottom = 48.0
    /// Series with more points than this are drawn without markers: 31 to 51 spectrum points
    /// would blur into a bead chain, and the line alone reads better.
    static let markerLimit = 24
    /// Approximate width of one character at the 12 px label size, for laying out the legend.
    static let characterWidth = 6.8

    /// The points a log axis can place (positive) and any axis can (finite).
    func plottable(_ point: ChartPoint) -> Bool {
        point.x.isFinite && point.y.isFinite && (xAxis.scale == .linear || point.x > 0)
            && (yAxis.scale == .linear || point.y > 0)
    }

    /// Legend rows: each entry's series index and its x offset, wrapped to the width.
    func legendRows() -> [[(index: Int, x: Double)]] {
        var rows: [[(index: Int, x: Double)]] = [[]]
        var x = Self.left
        for (index, entry) in series.enumerated() {
            let entryWidth = 30 + Double(entry.legendText.count) * Self.characterWidth + 16
            if x + entryWidth > width - Self.right, !rows[rows.count - 1].isEmpty {
                rows.append([])
                x = Self.left
            }
            rows[rows.count - 1].append((index, x))
            x += entryWidth
        }
        return rows
    }

    /// Approximate width of one character of the 14 px bold title.
    static let titleCharacterWidth = 8.2

    /// The title over the plot; one too long for it starts at the left edge, and one too long
    /// even there is squeezed to the width (a clipped title hides which cells the chart shows).
    func titleText() -> String {
        let estimated = Double(title.count) * Self.titleCharacterWidth
        let x = estimated <= width - Self.left - Self.right ? Self.left : 8
        let fit =
            estimated > width - x - 8
            ? " textLength=\"\(Int(width - x - 8))\" lengthAdjust=\"spacingAndGlyphs\"" : ""
        return "<text class=\"chart-title\" x=\"\(Int(x))\" y=\"20\"\(fit)>\(HTMLText.escape(title))</text>"
    }

    /// The chart as one `<svg>` element.
    public func render() -> String {
        let legend = legendRows()
        let top = 34 + Double(legend.count) * 18 + 8
        let plotWidth = width - Self.left - Self.right
        let plotHeight = height - top - Self.bottom
        let points = series.flatMap(\.points).filter(plottable)
        let xTicks = xAxis.ticks(points.map(\.x).min() ?? (xAxis.scale == .log ? 1 : 0), points.map(\.x).max() ?? 1)
        let yTicks = yAxis.ticks(points.map(\.y).min() ?? (yAxis.scale == .log ? 1 : 0), points.map(\.y).max() ?? 1)
        func position(_ value: Double, _ ticks: AxisTicks, _ scale: AxisScale) -> Double {
            switch scale {
            case .linear:
                return ticks.upper > ticks.lower ? (value - ticks.lower) / (ticks.upper - ticks.lower) : 0.5
            case .log:
                let low = Foundation.log10(ticks.lower), high = Foundation.log10(ticks.upper)
                return high > low ? (Foundation.log10(value) - low) / (high - low) : 0.5
            }
        }
        func px(_ x: Double) -> String { HTMLText.coordinate(Self.left + position(x, xTicks, xAxis.scale) * plotWidth) }
        func py(_ y: Double) -> String { HTMLText.coordinate(top + (1 - position(y, yTicks, yAxis.scale)) * plotHeight) }
        let plotRight = HTMLText.coordinate(Self.left + plotWidth)
        let plotBottom = HTMLText.coordinate(top + plotHeight)

        var svg =
            "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\""
            + " role=\"img\" aria-label=\"\(HTMLText.escape(title))\">"
        svg += "<title>\(HTMLText.escape(title))</title>"
        svg += titleText()
        for (rowIndex, row) in legend.enumerated() {
            let y = 40 + Double(rowIndex) * 18
            for entry in row {
                let item = series[entry.index]
                svg += "<g class=\"legend-item\">"
                svg +=
                    "<line x1=\"\(HTMLText.coordinate(entry.x))\" y1=\"\(HTMLText.coordinate(y - 4))\""
                    + " x2=\"\(HTMLText.coordinate(entry.x + 24))\" y2=\"\(HTMLText.coordinate(y - 4))\""
                    + " stroke=\"\(item.colour)\" stroke-width=\"3\"\(item.dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>"
                svg +=
                    "<text x=\"\(HTMLText.coordinate(entry.x + 30))\" y=\"\(HTMLText.coordinate(y))\">"
                    + "\(HTMLText.escape(item.legendText))</text></g>"
            }
        }
        // Grid and tick labels.
        svg += "<g class=\"grid\">"
        for tick in yTicks.values {
            svg += "<line x1=\"\(Int(Self.left))\" y1=\"\(py(tick))\" x2=\"\(plotRight)\" y2=\"\(py(tick))\"/>"
        }
        for tick in xTicks.values {
            svg += "<line x1=\"\(px(tick))\" y1=\"\(HTMLText.coordinate(top))\" x2=\"\(px(tick))\" y2=\"\(plotBottom)\"/>"
        }
        svg += "</g><g class=\"axis\">"
        svg += "<line x1=\"\(Int(Self.left))\" y1=\"\(plotBottom)\" x2=\"\(plotRight)\" y2=\"\(plotBottom)\"/>"
        svg += "<line x1=\"\(Int(Self.left))\" y1=\"\(HTMLText.coordinate(top))\" x2=\"\(Int(Self.left))\" y2=\"\(plotBottom)\"/>"
        for tick in yTicks.values {
            svg +=
                "<text class=\"tick y\" x=\"\(Int(Self.left - 6))\" y=\"\(py(tick))\" dy=\"4\" text-anchor=\"end\">"
                + "\(HTMLText.escape(yAxis.label(at: tick)))</text>"
        }
        for tick in xTicks.values {
            svg +=
                "<text class=\"tick x\" x=\"\(px(tick))\" y=\"\(HTMLText.coordinate(top + plotHeight + 16))\""
                + " text-anchor=\"middle\">\(HTMLText.escape(xAxis.label(at: tick)))</text>"
        }
        svg +=
            "<text class=\"axis-label\" x=\"\(HTMLText.coordinate(Self.left + plotWidth / 2))\""
            + " y=\"\(HTMLText.coordinate(height - 8))\" text-anchor=\"middle\">\(HTMLText.escape(xAxis.label))</text>"
        let middle = HTMLText.coordinate(top + plotHeight / 2)
        svg +=
            "<text class=\"axis-label\" x=\"14\" y=\"\(middle)\" text-anchor=\"middle\""
            + " transform=\"rotate(-90 14 \(middle))\">\(HTMLText.escape(yAxis.label))</text></g>"
        // Bands under the lines: at least a pixel wide, so a short pause still shows.
        for band in bands where band.fromX.isFinite && band.toX.isFinite && band.toX >= band.fromX {
            let from = Self.left + position(band.fromX, xTicks, xAxis.scale) * plotWidth
            let to = Self.left + position(band.toX, xTicks, xAxis.scale) * plotWidth
            svg +=
                "<rect class=\"band\" x=\"\(HTMLText.coordinate(from))\" y=\"\(HTMLText.coordinate(top))\""
                + " width=\"\(HTMLText.coordinate(max(to - from, 1)))\" height=\"\(HTMLText.coordinate(plotHeight))\""
                + " fill=\"\(band.colour)\" fill-opacity=\"0.2\"><title>\(HTMLText.escape(band.note))</title></rect>"
        }
        // The lines last, over the grid.
        for item in series {
            let shown = item.points.filter(plottable)
            let path = shown.enumerated().map { index, point in (index == 0 ? "M" : "L") + px(point.x) + " " + py(point.y) }
                .joined(separator: " ")
            svg += "<g class=\"series-group\">"
            svg +=
                "<path class=\"series\" data-series=\"\(HTMLText.escape(item.name))\" d=\"\(path)\" fill=\"none\""
                + " stroke=\"\(item.colour)\" stroke-width=\"2\"\(item.dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>"
            // Markers only where they stay apart: a dense series reads as a line.
            if shown.count <= Self.markerLimit {
                for point in shown {
                    svg += "<circle cx=\"\(px(point.x))\" cy=\"\(py(point.y))\" r=\"3\" fill=\"\(item.colour)\">"
                    if let note = point.note { svg += "<title>\(HTMLText.escape(note))</title>" }
                    svg += "</circle>"
                }
            }
            svg += "</g>"
        }
        if points.isEmpty {
            svg +=
                "<text class=\"empty\" x=\"\(HTMLText.coordinate(Self.left + plotWidth / 2))\" y=\"\(middle)\""
                + " text-anchor=\"middle\">no data</text>"
        }
        return svg + "</svg>"
    }
}
