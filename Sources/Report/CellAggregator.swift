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
    /// and read once (percentiles are never averaged), and no server file gives zero
    /// server figures; an external target's cell (`record.target`) has none at all. Status and error come from `record` unchanged. `bottleneck` is
    /// `Bottleneck.judge` on these figures; `timeseries` is `TimeSeriesBuilder`'s.
    ///
    /// `servers` are the cell's replicas' files ("server", or "server-1" … "server-N"), in
    /// any order: `server` holds their sums (see `serverFigures`), `servers` each one's when
    /// the plan started more than one, and the bottleneck is judged on the busiest replica
    /// against its own allowance (one replica at its limit holds its share of the load back
    /// even when the others idle).
    ///
    /// `secondsOf` reads a client's seconds for the time series (see `TimeSeriesBuilder`).
    public static func summarize(
        record: CellRecord, servers: [ServerNodeResult], clients: [ClientNodeResult],
        secondsOf: (ClientNodeResult) -> AnyIterator<IntervalCounts> = { AnyIterator($0.intervals.makeIterator()) }
    ) -> CellSummary {
        var histogram = LatencyHistogram()
        var errorsByKind: [String: UInt64] = [:]
        var connect = LatencyHistogram()
        var errorMessages: [String: String] = [:]
        for client in clients {
            histogram.add(client.histogram)
            connect.add(client.connectHistogram)
            errorsByKind.merge(client.errors, uniquingKeysWith: +)
            errorMessages.merge(client.errorMessages) { mine, _ in mine }
        }
        let duration = clients.isEmpty ? 0 : clients.map(\.window.seconds).reduce(0, +) / Double(clients.count)
        let servers = servers.sorted { replicaNumber($0.node) < replicaNumber($1.node) }
        let replicas = servers.map(replicaFigures)
        let hosts = Dictionary(grouping: clients, by: \.host)
            .map { host, workers in hostFigures(host, workers) }
            .sorted { $0.host < $1.host }
        let established = hosts.map(\.connectionsEstablished).reduce(0, +)
        let saturated = hosts.contains(where: \.saturated)
        let busiest = replicas.max { ($0.allowanceShare ?? 0) < ($1.allowanceShare ?? 0) }
        let bottleneck = Bottleneck.judge(
            serverCPUPercent: busiest?.cpuPercent ?? 0, serverAllowanceCores: busiest?.cpuAllowanceCores,
            clientSaturated: saturated, hostIdleFractions: hosts.compactMap { $0.cpuIdlePercent.map { $0 / 100 } },
            serverSampled: record.target == nil)
        var summary = CellSummary(
            id: record.id, system: record.system, connections: record.connections,
            repeatIndex: record.repeatIndex, status: record.status, error: record.error,
            durationSeconds: duration,
            requests: clients.map(\.requests).reduce(0, +),
            errors: errorsByKind.values.reduce(0, +),
            errorsByKind: errorsByKind,
            requestsPerSecond: clients.map { perSecond(Double($0.requests), $0.window) }.reduce(0, +),
            latency: LatencySummary(histogram),
            server: record.target == nil ? serverFigures(servers, replicas, established: established) : nil,
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
            timeseries: TimeSeriesBuilder.series(clients: clients, servers: servers, secondsOf: secondsOf))
        summary.scenario = record.scenario
        summary.target = record.target
        // Only the kinds the window counted: a message seen in the warmup explains nothing here.
        summary.errorMessages = errorMessages.filter { errorsByKind[$0.key, default: 0] > 0 }
        summary.replicas = record.replicas ?? max(1, servers.count)
        if summary.replicas > 1 { summary.servers = replicas }
        summary.connectionsOpened = clients.map(\.connectionsOpened).reduce(0, +)
        summary.connect = ConnectFigures(connect)
        summary.pauses = PauseFigures.merged(clients)
        summary.unfinished = clients.map(\.unfinished).reduce(0, +)
        summary.unfinishedOldestUs = clients.map(\.unfinishedOldestUs).max() ?? 0
        let streaming = clients.filter { $0.streams != nil }
        if !streaming.isEmpty {
            summary.streams = streaming.compactMap(\.streams).reduce(0, +)
            summary.streamsPerSecond = streaming.map { perSecond(Double($0.streams ?? 0), $0.window) }.reduce(0, +)
        }
        summary.cpus = record.cpus
        summary.tls = record.tls ?? false
        summary.ratePerSecond = record.ratePerSecond
        if let slo = record.slo {
            // Unfinished calls weigh as `SLOVerdict.evaluate` says.
            let verdict = SLOVerdict.evaluate(
                slo, latency: summary.latency, requests: summary.requests, errors: summary.errors,
                unfinished: summary.unfinished, unfinishedOldestUs: summary.unfinishedOldestUs)
            summary.sloMet = verdict.isMet
            summary.sloMisses = verdict.misses
        }
        return summary
    }

    /// (sustained RSS − idle RSS) ÷ connections established, rounded, at least 0; with
    /// replicas, of their sums (every replica's connections are in `established`).
    ///
    /// Nil when it cannot be known: no server file, a replica without idle RSS, without a
    /// window (its sustained RSS would then be a 0 placeholder), or no connection up. Clamped
    /// at 0 because the allocator may return memory between the first accept and the window;
    /// a negative cost per connection would be noise, not a saving.
    static func memoryPerConnection(
        _ servers: [ServerNodeResult], sustainedBytes: UInt64,
        established: Int
    ) -> UInt64? {
        guard !servers.isEmpty, established > 0, servers.allSatisfy({ $0.window != nil }),
            let idle = sum(servers.map(\.idleRssBytes))
        else { return nil }
        let grown = sustainedBytes > idle ? sustainedBytes - idle : 0
        let connections = UInt64(established)
        return (grown + connections / 2) / connections
    }

    /// The cell's `server`: the replicas' figures summed (CPU, RSS peak and sustained,
    /// threads, idle RSS, cgroup peak, CPU allowance). A sum that some replica cannot give
    /// (its idle RSS or allowance unknown) is nil rather than a sum of the rest, which would
    /// pass for the whole. No replica gives zero figures.
    static func serverFigures(
        _ servers: [ServerNodeResult], _ replicas: [ReplicaFigures],
        established: Int
    ) -> ServerFigures {
        let resources = servers.map { ResourceFigures(samples: $0.samples, window: $0.window) }
        let sustained = replicas.map(\.rssSustainedBytes).reduce(0, +)
        let readings = resources.map(\.cpuPercent)
        let clamped = replicas.map(\.cpuPercent)
        return ServerFigures(
            ResourceFigures(
                cpuPercent: clamped.reduce(0, +), rssPeakBytes: replicas.map(\.rssPeakBytes).reduce(0, +),
                rssSustainedBytes: sustained, threadsPeak: resources.map(\.threadsPeak).reduce(0, +)),
            idleRssBytes: servers.isEmpty ? nil : sum(servers.map(\.idleRssBytes)),
            memoryPerConnectionBytes: memoryPerConnection(servers, sustainedBytes: sustained, established: established),
            cgroupMemoryPeakBytes: servers.isEmpty ? nil : sum(servers.map(\.cgroupMemoryPeakBytes)),
            cpuAllowanceCores: servers.isEmpty ? nil : sum(servers.map(\.cpuAllowanceCores)),
            cpuPercentUnclamped: readings == clamped ? nil : readings.reduce(0, +))
    }

    /// One replica's figures, its CPU clamped (see `clampedCPU`).
    static func replicaFigures(_ server: ServerNodeResult) -> ReplicaFigures {
        let resources = ResourceFigures(samples: server.samples, window: server.window)
        return ReplicaFigures(
            node: server.node, host: server.host,
            cpuPercent: clampedCPU(resources.cpuPercent, allowanceCores: server.cpuAllowanceCores),
            rssPeakBytes: resources.rssPeakBytes, rssSustainedBytes: resources.rssSustainedBytes,
            cpuAllowanceCores: server.cpuAllowanceCores)
    }

    /// How far above its allowance a server's CPU reading may be and still be sampling error.
    static let clampTolerance = 0.02

    /// `percent` clamped to `allowanceCores` × 100 when it is above it by at most 2 %.
    ///
    /// A process tree cannot use more CPU than its cgroup grants, but the reading can show
    /// it: the samples (10 Hz) and the window's marks do not fall on the quota's periods, so
    /// a server held at 1 core reads 100.1 %. Above 2 % the reading is not clamped: that is
    /// no sampling error but a limit that did not hold, and must show.
    static func clampedCPU(_ percent: Double, allowanceCores: Double?) -> Double {
        guard let cores = allowanceCores, cores > 0 else { return percent }
        let ceiling = cores * 100
        return percent > ceiling && percent <= ceiling * (1 + clampTolerance) ? ceiling : percent
    }

    /// The sum of `values`; nil when any is nil.
    static func sum<Value: AdditiveArithmetic>(_ values: [Value?]) -> Value? {
        var total = Value.zero
        for value in values {
            guard let value else { return nil }
            total += value
        }
        return total
    }

    /// A replica's place in the cell: 3 for "server-3", 1 for a lone "server"; names of
    /// another shape last, so the order is always defined.
    static func replicaNumber(_ node: String) -> Int {
        if node == "server" { return 1 }
        guard node.hasPrefix("server-"), let number = Int(node.dropFirst("server-".count)) else { return Int.max }
        return number
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
