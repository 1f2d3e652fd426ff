import Metrics

/// Merges what every node of a cell measured into that cell's figures.
public enum CellAggregator {
    /// A client worker counts as saturated at this share of its threads' CPU time.
    static let saturationShare = 0.9

    /// Merges one cell's raw node files into its summary. Pure; the same function serves
    /// `barrage launch` and `barrage report`.
    ///
    /// Only the measurement windows count. Each client's rate is taken over its own window
    /// (the hosts' clocks differ, so windows are never mixed), latency histograms are added
    /// and read once (percentiles are never averaged), and a missing server gives zero
    /// server figures. Status and error come from `record` unchanged. `bottleneck` is
    /// `Bottleneck.judge` on these figures; `timeseries` is `TimeSeriesBuilder`'s.
    public static func summarize(record: CellRecord, server: ServerNodeResult?, clients: [ClientNodeResult]) -> CellSummary {
        var histogram = LatencyHistogram()
        var errorsByKind: [String: UInt64] = [:]
        for client in clients {
            histogram.add(client.histogram)
            errorsByKind.merge(client.errors, uniquingKeysWith: +)
        }
        let duration = clients.isEmpty ? 0 : clients.map(\.window.seconds).reduce(0, +) / Double(clients.count)
        let resources = server.map { ResourceFigures(samples: $0.samples, window: $0.window) }
            ?? ResourceFigures(cpuPercent: 0, rssPeakBytes: 0, rssSustainedBytes: 0, threadsPeak: 0)
        let hosts = Dictionary(grouping: clients, by: \.host)
            .map { host, workers in hostFigures(host, workers) }
            .sorted { $0.host < $1.host }
        let established = hosts.map(\.connectionsEstablished).reduce(0, +)
        let saturated = hosts.contains(where: \.saturated)
        let bottleneck = Bottleneck.judge(
            serverCPUPercent: resources.cpuPercent, serverAllowanceCores: server?.cpuAllowanceCores,
            clientSaturated: saturated, hostIdleFractions: hosts.compactMap { $0.cpuIdlePercent.map { $0 / 100 } })
        var summary = CellSummary(
            id: record.id, system: record.system, connections: record.connections,
            repeatIndex: record.repeatIndex, status: record.status, error: record.error,
            durationSeconds: duration,
            requests: clients.map(\.requests).reduce(0, +),
            errors: errorsByKind.values.reduce(0, +),
            errorsByKind: errorsByKind,
            requestsPerSecond: clients.map { perSecond(Double($0.requests), $0.window) }.reduce(0, +),
            latency: LatencySummary(histogram),
            server: ServerFigures(
                resources, idleRssBytes: server?.idleRssBytes,
                memoryPerConnectionBytes: memoryPerConnection(server, resources, established: established),
                cgroupMemoryPeakBytes: server?.cgroupMemoryPeakBytes, cpuAllowanceCores: server?.cpuAllowanceCores),
            clients: ClientFigures(
                // The plan's count, not the files found: a worker that died still ran.
                workers: record.clientWorkers,
                connectionsEstablished: established,
                cpuPercent: hosts.map(\.cpuPercent).reduce(0, +),
                rssPeakBytes: hosts.map(\.rssPeakBytes).max() ?? 0,
                saturated: saturated,
                hosts: hosts,
                lateSends: hosts.map(\.lateSends).reduce(0, +),
                queuedSends: hosts.map(\.queuedSends).reduce(0, +)),
            bottleneck: bottleneck,
            timeseries: TimeSeriesBuilder.series(clients: clients, server: server))
        summary.scenario = record.scenario
        summary.cpus = record.cpus
        summary.ratePerSecond = record.ratePerSecond
        if let slo = record.slo {
            let verdict = SLOVerdict.evaluate(slo, latency: summary.latency, requests: summary.requests, errors: summary.errors)
            summary.sloMet = verdict.isMet
            summary.sloMisses = verdict.misses
        }
        return summary
    }

    /// (sustained RSS − idle RSS) ÷ connections established, rounded, at least 0.
    ///
    /// Nil when it cannot be known: no server file, no idle RSS in it, no window (the
    /// sustained RSS would then be a 0 placeholder), or no connection up. Clamped at 0
    /// because the allocator may return memory between the first accept and the window;
    /// a negative cost per connection would be noise, not a saving.
    static func memoryPerConnection(_ server: ServerNodeResult?, _ resources: ResourceFigures,
                                    established: Int) -> UInt64? {
        guard let server, let idle = server.idleRssBytes, server.window != nil, established > 0 else { return nil }
        let grown = resources.rssSustainedBytes > idle ? resources.rssSustainedBytes - idle : 0
        let connections = UInt64(established)
        return (grown + connections / 2) / connections
    }

    /// The figures of the client workers that ran on `host`.
    static func hostFigures(_ host: String, _ workers: [ClientNodeResult]) -> ClientHostFigures {
        ClientHostFigures(
            host: host,
            workers: workers.count,
            connectionsEstablished: workers.map(\.connectionsEstablished).reduce(0, +),
            requests: workers.map(\.requests).reduce(0, +),
            cpuPercent: workers.map { perSecond($0.cpuSeconds, $0.window) * 100 }.reduce(0, +),
            rssPeakBytes: workers.map(\.rssPeakBytes).max() ?? 0,
            saturated: workers.contains(where: isSaturated),
            lateSends: workers.map(\.lateSends).reduce(0, +),
            queuedSends: workers.map(\.queuedSends).reduce(0, +),
            cpuIdlePercent: meanIdlePercent(workers))
    }

    /// The mean of the workers' readings of their host's idle CPU, %; nil when none has one.
    ///
    /// The workers of one host read the same /proc/stat over windows that nearly coincide, so
    /// their readings agree but for the milliseconds between marks; the mean smooths those.
    static func meanIdlePercent(_ workers: [ClientNodeResult]) -> Double? {
        let readings = workers.compactMap(\.hostIdleFraction)
        guard !readings.isEmpty else { return nil }
        return readings.reduce(0, +) / Double(readings.count) * 100
    }

    /// A worker is saturated when its CPU over the window reaches 90 % of its threads.
    static func isSaturated(_ worker: ClientNodeResult) -> Bool {
        // A worker runs at least one thread, even if its file says 0.
        perSecond(worker.cpuSeconds, worker.window) >= saturationShare * Double(max(1, worker.threads))
    }

    /// `amount` per second of `window`; 0 for an empty window rather than infinity.
    static func perSecond(_ amount: Double, _ window: MeasurementWindow) -> Double {
        window.seconds > 0 ? amount / window.seconds : 0
    }
}
