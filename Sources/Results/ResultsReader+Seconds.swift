import Foundation
import Metrics
import Report

extension ResultsReader {
    /// How to read a client's seconds in cell folder `folder`: those its node file holds (files
    /// from before seconds left the worker), else its interval log, one second at a time.
    public static func secondsOf(folder: String) -> (ClientNodeResult) -> AnyIterator<IntervalCounts> {
        secondsOf(folder: folder, refused: nil)
    }

    /// `secondsOf(folder:)`, noting in `refused` the lines of each log read to its end that
    /// could not be used.
    static func secondsOf(folder: String, refused: RefusedLines?) -> (ClientNodeResult) -> AnyIterator<IntervalCounts> {
        { client in
            if !client.intervals.isEmpty { return AnyIterator(client.intervals.makeIterator()) }
            let file = IntervalLog.fileName(node: client.node)
            var reader = SecondsReader(path: "\(folder)/\(file)")
            return AnyIterator {
                if let second = reader.next() { return second.counts }
                refused?.note(reader.refusedLines, file: file)
                return nil
            }
        }
    }

    /// A client's result rebuilt from its interval log alone, for a worker whose result never
    /// came (the run was interrupted, the worker or the coordinator died): the seconds that
    /// reached the coordinator, added; its window is those seconds. Nil without a log.
    public static func clientFromLog(folder: String, node: String, host: String? = nil) -> ClientNodeResult? {
        clientFromLog(folder: folder, node: node, host: host, refused: nil)
    }

    /// `clientFromLog`, noting in `refused` the log's lines that could not be used.
    static func clientFromLog(folder: String, node: String, host: String?, refused: RefusedLines?) -> ClientNodeResult? {
        let path = "\(folder)/\(IntervalLog.fileName(node: node))"
        guard let file = LineFile(path: path) else { return nil }
        var parser = IntervalLog.Parser()
        var logHost = host
        var seconds = 0
        var requests: UInt64 = 0
        var errors: [String: UInt64] = [:]
        var histogram = LatencyHistogram()
        var pastTheBounds = 0
        defer { refused?.note(parser.refusedLines + pastTheBounds, file: IntervalLog.fileName(node: node)) }
        while let line = file.next() {
            if logHost == nil, let named = IntervalLog.host(inHeader: line) { logHost = named }
            guard let interval = parser.feed(line) else { continue }
            // Each second is bounded (IntervalLog.Parser); a log that repeats seconds past the
            // window's bounds is damaged: a second that would take the sums past them is refused.
            let calls = interval.counts.requests + interval.counts.histogram.count
            guard requests + histogram.count + calls <= FigureBounds.maximumCount else {
                pastTheBounds += 1
                continue
            }
            seconds = max(seconds, interval.second + 1)
            requests += interval.counts.requests
            errors.merge(interval.errorsByKind, uniquingKeysWith: { Swift.min($0 + $1, FigureBounds.maximumCount) })
            histogram.add(interval.counts.histogram)
        }
        return ClientNodeResult(
            node: node, host: logHost ?? "?", connectionsAsked: 0, connectionsEstablished: 0, connectFailures: [:],
            threads: 0, window: MeasurementWindow(startMs: 0, endMs: UInt64(seconds) * 1000), requests: requests,
            errors: errors, histogram: histogram, cpuSeconds: 0, rssPeakBytes: 0)
    }

    /// The client nodes with an interval log in `folder`.
    static func loggedClients(folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            .compactMap(IntervalLog.node(ofFileName:))
    }

    /// The samples a server sent as it ran, from `<node>.samples.jsonl` (empty without one).
    public static func streamedSamples(folder: String, node: String) -> [ResourceSample] {
        guard let file = LineFile(path: "\(folder)/\(SampleLog.fileName(node: node))") else { return [] }
        let decoder = JSONDecoder()
        var samples: [ResourceSample] = []
        while let line = file.next() {
            if let sample = try? decoder.decode(ResourceSample.self, from: Data(line.utf8)) { samples.append(sample) }
        }
        return samples
    }

    /// The server nodes with a sample log in `folder`.
    static func loggedServers(folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            .filter { $0.hasSuffix(".samples.jsonl") }.map { String($0.dropLast(14)) }
    }

    /// A cell's client and server results completed from what streamed to disk: a result that
    /// came gets the seconds and samples sent before it; a node whose result never came is
    /// rebuilt from its logs. Servers without a result have no window.
    public static func completed(
        folder: String, clients: [ClientNodeResult], servers: [ServerNodeResult]
    ) -> (clients: [ClientNodeResult], servers: [ServerNodeResult]) {
        completed(folder: folder, clients: clients, servers: servers, refused: nil)
    }

    /// `completed`, noting in `refused` the lines of the logs read that could not be used.
    static func completed(
        folder: String, clients: [ClientNodeResult], servers: [ServerNodeResult], refused: RefusedLines?
    ) -> (clients: [ClientNodeResult], servers: [ServerNodeResult]) {
        var clients = clients
        let known = Set(clients.map(\.node))
        for node in loggedClients(folder: folder) where !known.contains(node) {
            if let rebuilt = clientFromLog(folder: folder, node: node, host: nil, refused: refused) {
                clients.append(rebuilt)
            }
        }
        var servers = servers
        for index in servers.indices {
            servers[index].samples = streamedSamples(folder: folder, node: servers[index].node) + servers[index].samples
        }
        let knownServers = Set(servers.map(\.node))
        for node in loggedServers(folder: folder) where !knownServers.contains(node) {
            servers.append(
                ServerNodeResult(node: node, host: "?", samples: streamedSamples(folder: folder, node: node), window: nil))
        }
        return (clients, servers)
    }
}
