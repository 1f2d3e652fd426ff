import Testing

@testable import Report

@Suite struct SVGLineChartTests {
    static func chart(_ series: [ChartSeries], xScale: AxisScale = .linear) -> SVGLineChart {
        SVGLineChart(
            title: "Throughput <all>", xAxis: ChartAxis(label: "connections", scale: xScale, format: ChartLabels.number),
            yAxis: ChartAxis(label: "requests per second", format: ChartLabels.number), series: series)
    }

    static func count(_ text: String, _ needle: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test func onePathPerSeriesWithItsColourAndPoints() {
        let svg = Self.chart(
            [
                ChartSeries(
                    name: "builtin", colour: "#0072B2", points: [ChartPoint(x: 10, y: 8_000), ChartPoint(x: 50, y: 14_000)]),
                ChartSeries(
                    name: "grpc-go", colour: "#D55E00", dash: "6 4",
                    points: [ChartPoint(x: 10, y: 9_000, note: "grpc-go at 10"), ChartPoint(x: 50, y: 7_500)])
            ], xScale: .log
        ).render()
        #expect(svg.hasPrefix("<svg class=\"chart\""))
        #expect(svg.hasSuffix("</svg>"))
        #expect(Self.count(svg, "<path class=\"series\"") == 2)
        #expect(svg.contains("data-series=\"builtin\""))
        #expect(svg.contains("stroke=\"#D55E00\" stroke-width=\"2\" stroke-dasharray=\"6 4\""))
        #expect(Self.count(svg, "<circle") == 4)
        #expect(svg.contains("<title>grpc-go at 10</title>"))
        // Escaped title, both axis labels, the y ticks of 0…15,000.
        #expect(svg.contains("Throughput &lt;all&gt;"))
        #expect(svg.contains(">connections</text>") && svg.contains(">requests per second</text>"))
        #expect(svg.contains(">15,000</text>") && svg.contains(">0</text>"))
        // Log x from 10 to 100: 10 sits at the left edge of the plot, 100 at the right.
        #expect(svg.contains("<text class=\"tick x\" x=\"74\""))
        #expect(svg.contains("<text class=\"tick x\" x=\"566\""))
        // The higher value is drawn higher (smaller y): builtin's line rises.
        let path = svg.components(separatedBy: "data-series=\"builtin\" d=\"")[1].prefix { $0 != "\"" }
        let ys = path.split(separator: " ").enumerated().filter { $0.offset % 2 == 1 }.compactMap { Double($0.element) }
        #expect(ys.count == 2 && ys[1] < ys[0])
    }

    @Test func pointsALogAxisCannotPlaceAreLeftOutAndAnEmptyChartSaysSo() {
        let svg = Self.chart(
            [
                ChartSeries(
                    name: "a", colour: "#000000",
                    points: [ChartPoint(x: 0, y: 1), ChartPoint(x: 10, y: 2), ChartPoint(x: 100, y: .nan)])
            ],
            xScale: .log
        ).render()
        #expect(Self.count(svg, "<circle") == 1)
        let empty = Self.chart([ChartSeries(name: "a", colour: "#000000", points: [])]).render()
        #expect(empty.contains(">no data</text>"))
        #expect(Self.count(empty, "<path class=\"series\"") == 1)
    }

    @Test func aLongLegendWrapsAndPushesThePlotDown() {
        let many = (1...8).map {
            ChartSeries(name: "a-rather-long-system-name-\($0)", colour: "#000000", points: [ChartPoint(x: 1, y: 1)])
        }
        let chart = Self.chart(many)
        #expect(chart.legendRows().count > 1)
        #expect(chart.legendRows().flatMap { $0 }.count == 8)
        #expect(chart.legendRows().allSatisfy { row in row.allSatisfy { $0.x < chart.width } })
    }

    @Test func aLongTitleStartsAtTheEdgeAndOneTooLongThereIsSqueezedToTheWidth() {
        func title(_ text: String) -> String {
            let svg = SVGLineChart(
                title: text, xAxis: ChartAxis(label: "x", format: ChartLabels.number),
                yAxis: ChartAxis(label: "y", format: ChartLabels.number),
                series: [ChartSeries(name: "a", colour: "#000000", points: [ChartPoint(x: 1, y: 1)])]
            ).render()
            return svg.components(separatedBy: "<text class=\"chart-title\"")[1].components(separatedBy: ">")[0]
        }
        // Short: over the plot, as drawn.
        #expect(title("Server RSS — 10 connections") == " x=\"74\" y=\"20\"")
        // 61 characters (~500 units) do not fit the 492 over the plot but do from the edge.
        #expect(title(String(repeating: "m", count: 61)) == " x=\"8\" y=\"20\"")
        // 80 do not fit even there: squeezed to the chart's 600 less both edges, never clipped.
        #expect(
            title(String(repeating: "m", count: 80)) == " x=\"8\" y=\"20\" textLength=\"584\" lengthAdjust=\"spacingAndGlyphs\"")
    }

    @Test func anAxisOfWholeUnitsHasNoTickBetweenThem() {
        let seconds = ChartAxis(label: "seconds", wholeUnits: true, format: ChartLabels.number)
        #expect(seconds.ticks(0, 2).values == [0, 1, 2])
        #expect(ChartAxis(label: "x", format: ChartLabels.number).ticks(0, 2).values == [0, 0.5, 1, 1.5, 2])
        #expect(seconds.ticks(0, 9).values == [0, 2, 4, 6, 8, 10])
    }
}
