import Metrics

/// The charts of a report, built from a run's cells (and, for the spectra, the merged
/// histograms of its node files): pure values the HTML page lays out.
public enum ReportCharts {
    /// A chart with what the page needs to place it.
    public struct Entry: Sendable {
        /// Which section it belongs to: "spectrum", "scaling" or "timeseries".
        public var kind: String
        /// The cell group or curve set it shows: the heading above its row of charts.
        public var group: String
        /// The chart itself.
        public var chart: SVGLineChart
    }

    /// Cells grouped by their key without the system (one group per scenario × connections ×
    /// cpus × …), in the order the groups first ran; each group's systems in run order.
    static func groups(_ cells: [CellSummary]) -> [(key: CellKey, systems: [(system: String, cells: [CellSummary])])] {
        var order: [CellKey] = []
        var members: [CellKey: [CellSummary]] = [:]
        for cell in cells {
            let key = CellKey(cell).without(["system"])
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(cell)
        }
        return order.map { key in
            let own = members[key] ?? []
            var systems: [String] = []
            for cell in own where !systems.contains(cell.system) { systems.append(cell.system) }
            return (key, systems.map { system in (system, own.filter { $0.system == system }) })
        }
    }

    /// One spectrum per cell group: each system's line from the sum of the histograms of
    /// its ok repeats (`histograms` by cell id: every client of the cell added). A group
    /// where no system has a histogram gets no chart.
    public static func spectra(
        _ cells: [CellSummary], histograms: [String: LatencyHistogram],
        palette: SystemPalette
    ) -> [Entry] {
        groups(cells).compactMap { group in
            let series = group.systems.compactMap { system, cells -> ChartSeries? in
                var merged = LatencyHistogram()
                for cell in cells where cell.status == .ok { if let histogram = histograms[cell.id] { merged.add(histogram) } }
                let spectrum = PercentileSpectrum(merged)
                guard !spectrum.points.isEmpty else { return nil }
                // The table's marks, so a line measured by a saturated generator is read as such.
                let marks = ComparisonColumn.marks(CellGroup(system: system, connections: cells[0].connections, cells: cells))
                return ChartSeries(
                    name: system, colour: palette.colour(system), marks: marks.isEmpty ? nil : marks,
                    points: spectrum.points.map { point in
                        ChartPoint(
                            x: point.position, y: Double(point.microseconds),
                            note: "\(system): p\(PercentileSpectrum.percentileLabel(position: point.position).dropLast())"
                                + " \(FigureFormat.latency(microseconds: point.microseconds))")
                    })
            }
            guard !series.isEmpty else { return nil }
            let chart = SVGLineChart(
                title: "Latency\(perMessage(group.systems.flatMap(\.cells))) by percentile — \(group.key.heading)",
                xAxis: ChartAxis(
                    label: "percentile (log scale of 1/(1−q))", scale: .log,
                    format: PercentileSpectrum.percentileLabel(position:)),
                yAxis: latencyAxis("latency", series), series: series)
            return Entry(kind: "spectrum", group: group.key.heading, chart: chart)
        }
    }

    /// " per message" when every one of `cells` counts the messages of stream calls, so the
    /// chart says what its latency is; "" otherwise (a mixed group keeps the table's counts column).
    static func perMessage(_ cells: [CellSummary]) -> String {
        !cells.isEmpty && cells.allSatisfy(\.countsMessages) ? " per message" : ""
    }

    /// Three charts per scaling curve set: req/s, p99 and memory per connection against the
    /// swept dimension (the last left out when no point knows it); against replicas also the
    /// scaling efficiency, after p99.
    public static func scaling(_ sets: [ScalingSeries], palette: SystemPalette) -> [Entry] {
        sets.flatMap { set -> [Entry] in
            let group =
                set.fixed.heading == "all cells"
                ? "against \(set.dimension.axisLabel)"
                : "\(set.fixed.heading), against \(set.dimension.axisLabel)"
            // Plain and TLS are two values, not a range: no tick between them.
            let xAxis = ChartAxis(
                label: set.dimension.axisLabel, scale: set.dimension.scale, wholeUnits: set.dimension == .tls,
                format: set.dimension.format)
            func series(_ figure: (CellGroup) -> Double?, _ describe: @escaping (Double) -> String) -> [ChartSeries] {
                set.lines.map { line in
                    ChartSeries(
                        name: line.system, colour: palette.colour(line.system),
                        points: line.points.compactMap { point in
                            figure(point.cells).map { value in
                                ChartPoint(
                                    x: point.x, y: value,
                                    note: "\(line.system) at \(set.dimension.format(point.x)): \(describe(value))")
                            }
                        })
                }
            }
            let messages = perMessage(set.lines.flatMap { $0.points.flatMap(\.cells.cells) }) != ""
            let rate = series(
                { $0.spread(of: \.requestsPerSecond)?.median }, { FigureFormat.rate($0) + (messages ? " msg/s" : " req/s") })
            let p99 = series({ $0.latency(\.p99).map { Double($0.median) } }, { FigureFormat.latency(microseconds: UInt64($0)) })
            let memory = series(
                { $0.spread(ofKnown: { $0.server?.memoryPerConnectionBytes }).map { Double($0.median) } },
                { FigureFormat.bytes(UInt64($0)) })
            var entries = [
                Entry(
                    kind: "scaling", group: group,
                    chart: SVGLineChart(
                        title: "Throughput — \(group)", xAxis: xAxis,
                        yAxis: ChartAxis(
                            label: messages ? "messages per second" : "requests per second", format: ChartLabels.number),
                        series: rate)),
                Entry(
                    kind: "scaling", group: group,
                    chart: SVGLineChart(
                        title: (set.dimension == .rate ? "p99 latency against offered rate" : "p99 latency") + " — \(group)",
                        xAxis: xAxis, yAxis: latencyAxis("p99 latency", p99), series: p99))
            ]
            if set.dimension == .replicas {
                entries.append(
                    Entry(
                        kind: "scaling", group: group,
                        chart: SVGLineChart(
                            title: "Scaling efficiency — \(group)", xAxis: xAxis,
                            yAxis: ChartAxis(label: "efficiency (%, 100 = linear)", format: ChartLabels.number),
                            series: efficiency(set, palette: palette))))
            }
            if memory.contains(where: { !$0.points.isEmpty }) {
                entries.append(
                    Entry(
                        kind: "scaling", group: group,
                        chart: SVGLineChart(
                            title: "Server memory per connection — \(group)", xAxis: xAxis,
                            yAxis: bytesAxis("memory per connection", memory), series: memory)))
            }
            return entries
        }
    }

    /// Each system's scaling efficiency against replicas, % (see `ReplicaScaling`): 100 is
    /// linear, the line's fall is what each added replica fails to carry.
    static func efficiency(_ set: ScalingSeries, palette: SystemPalette) -> [ChartSeries] {
        let lines = ReplicaScaling.lines(of: set)
        return set.lines.map { line in
            let own = lines.first { $0.system == line.system }?.points ?? []
            return ChartSeries(
                name: line.system, colour: palette.colour(line.system),
                points: own.compactMap { point in
                    point.efficiency.map { value in
                        ChartPoint(
                            x: Double(point.replicas), y: value * 100,
                            note:
                                "\(line.system) at \(point.replicas): \(FigureFormat.decimal(value * 100, decimals: 0)) % efficient"
                        )
                    }
                })
        }
    }

    /// Four charts per cell group whose cells carry a time series: req/s, p99, server CPU
    /// and server RSS, second by second. One line per system from each ok repeat (repeats
    /// after the first dashed, each its own way, and named "system r2").
    public static func timeSeries(_ cells: [CellSummary], palette: SystemPalette) -> [Entry] {
        groups(cells).flatMap { group -> [Entry] in
            let runs = group.systems.flatMap { system, cells in
                // An interrupted cell's seconds are what it measured before the run stopped.
                cells.filter { $0.status != .failed && !$0.timeseries.isEmpty }.enumerated().map { index, cell in
                    (
                        system: system, name: index == 0 ? system : "\(system) r\(cell.repeatIndex)",
                        dash: index == 0 ? nil : ChartSeries.dashes[(index - 1) % ChartSeries.dashes.count],
                        points: cell.timeseries, pauses: cell.pauses
                    )
                }
            }
            guard !runs.isEmpty else { return [] }
            func series(
                _ figure: (TimeSeriesPoint) -> Double?, _ describe: @escaping (Double) -> String,
                _ span: TimeSeriesSpan.Figure = .highest
            ) -> [ChartSeries] {
                runs.map { run in
                    ChartSeries(
                        name: run.name, colour: palette.colour(run.system), dash: run.dash,
                        points: TimeSeriesSpan.drawn(run.points.count).compactMap { range in
                            let values = run.points[range].compactMap(figure)
                            guard !values.isEmpty else { return nil }
                            let first = run.points[range.lowerBound].tSeconds
                            let last = run.points[range.upperBound - 1].tSeconds
                            let y = span.of(values)
                            let when = first == last ? "at \(first) s" : "\(first)–\(last) s, \(span.word)"
                            return ChartPoint(x: Double(first), y: y, note: "\(run.name) \(when): \(describe(y))")
                        })
                }
            }
            let xAxis = ChartAxis(
                label: "seconds into the measurement window", wholeUnits: true,
                format: ChartLabels.number)
            let heading = group.key.heading
            // Server pauses every client saw, shaded where they fell.
            let bands = runs.flatMap { run in
                run.pauses.spans.map { span in
                    SVGLineChart.Band(
                        fromX: span.startMs / 1000, toX: span.endMs / 1000, colour: palette.colour(run.system),
                        note: "\(run.name): server pause of \(FigureFormat.decimal(span.endMs - span.startMs, decimals: 0)) ms "
                            + "at \(FigureFormat.decimal(span.startMs / 1000, decimals: 2)) s")
                }
            }
            let p99 = series(
                { $0.requests > 0 ? Double($0.p99Microseconds) : nil },
                { FigureFormat.latency(microseconds: UInt64($0)) })
            let rss = series({ $0.serverRSSBytes.map { Double($0) } }, { FigureFormat.bytes(UInt64($0)) })
            let messages = group.systems.allSatisfy { $0.cells.allSatisfy(\.countsMessages) }
            var requests = SVGLineChart(
                title: (messages ? "Messages" : "Requests") + " per second — \(heading)", xAxis: xAxis,
                yAxis: ChartAxis(label: messages ? "messages per second" : "requests per second", format: ChartLabels.number),
                series: series(
                    { Double($0.requests) }, { FigureFormat.count(UInt64($0)) + (messages ? " msg/s" : " req/s") }, .mean))
            requests.bands = bands
            var latency = SVGLineChart(
                title: "p99 latency\(perMessage(group.systems.flatMap(\.cells))) per second — \(heading)", xAxis: xAxis,
                yAxis: latencyAxis("p99 latency", p99), series: p99)
            latency.bands = bands
            return [
                Entry(kind: "timeseries", group: heading, chart: requests),
                Entry(kind: "timeseries", group: heading, chart: latency),
                Entry(
                    kind: "timeseries", group: heading,
                    chart: SVGLineChart(
                        title: "Server CPU — \(heading)", xAxis: xAxis,
                        yAxis: ChartAxis(label: "server CPU (% of one core)", format: ChartLabels.number),
                        series: series(\.serverCPUPercent, { FigureFormat.percent($0) + " %" }))),
                Entry(
                    kind: "timeseries", group: heading,
                    chart: SVGLineChart(
                        title: "Server RSS — \(heading)", xAxis: xAxis, yAxis: bytesAxis("server RSS", rss), series: rss))
            ]
        }
    }

    /// One chart per capacity search (per scenario × connections × cpus × replicas): each
    /// system's trials, p99 against the offered rate, as the search tried them.
    static func capacity(_ entries: [CapacityEntry], palette: SystemPalette) -> [Entry] {
        var order: [String] = []
        var byHeading: [String: [CapacityEntry]] = [:]
        for entry in entries {
            if byHeading[entry.heading] == nil { order.append(entry.heading) }
            byHeading[entry.heading, default: []].append(entry)
        }
        return order.compactMap { heading in
            let series = (byHeading[heading] ?? []).map { entry in
                ChartSeries(
                    name: entry.system, colour: palette.colour(entry.system),
                    points: entry.trials
                        .sorted { $0.ratePerSecond < $1.ratePerSecond }
                        .map { trial in
                            let verdict = !trial.valid ? "invalid (generator fell behind)" : trial.met ? "met" : "missed"
                            return ChartPoint(
                                x: trial.ratePerSecond, y: Double(trial.p99Microseconds),
                                note: "\(entry.system) at \(FigureFormat.rate(trial.ratePerSecond)) req/s: p99 "
                                    + "\(FigureFormat.latency(microseconds: trial.p99Microseconds)), \(verdict)")
                        })
            }
            guard series.contains(where: { !$0.points.isEmpty }) else { return nil }
            return Entry(
                kind: "capacity", group: heading,
                chart: SVGLineChart(
                    title: "Capacity search: p99 against offered rate — \(heading)",
                    xAxis: ChartAxis(label: "offered rate (req/s)", scale: .log, format: ChartLabels.number),
                    yAxis: latencyAxis("p99 latency", series), series: series))
        }
    }

    /// A latency axis in the unit that suits its largest value (µs, ms or s): log when the
    /// values span more than 20×, where a linear one would flatten the fast systems onto the
    /// floor; linear from 0 otherwise.
    static func latencyAxis(_ name: String, _ series: [ChartSeries]) -> ChartAxis {
        let values = series.flatMap(\.points).map(\.y).filter { $0 > 0 }
        let spread = (values.max() ?? 1) / (values.min() ?? 1)
        let (unit, divisor) = ChartLabels.latencyUnit(largest: values.max() ?? 0)
        return ChartAxis(
            label: "\(name) (\(unit))", scale: spread > 20 ? .log : .linear, divisor: divisor,
            format: ChartLabels.number)
    }

    /// A size axis from 0 in the binary unit that suits its largest value.
    static func bytesAxis(_ name: String, _ series: [ChartSeries]) -> ChartAxis {
        let (unit, divisor) = ChartLabels.bytesUnit(largest: series.flatMap(\.points).map(\.y).max() ?? 0)
        return ChartAxis(label: "\(name) (\(unit))", divisor: divisor, format: ChartLabels.number)
    }
}
