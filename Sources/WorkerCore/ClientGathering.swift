import Metrics
import Wire

/// The client worker's decisions over its load threads' answers: when every thread has
/// answered a request (connect, mark, stop), what the worker then says, and when a second of
/// the window is complete across threads (each second leaves once, whole). The executor
/// (`ClientRunner`) sends the requests and carries the steps out; this holds no thread.
public struct ClientGathering: Sendable {
    /// The request the threads are answering; each is answered once by every thread.
    public enum Request: Sendable, Equatable {
        case none
        case connecting
        case marking(WindowMark)
        case stopping
    }

    /// What the worker does on an answer.
    public enum Step: Sendable, Equatable {
        /// Every thread connected and some connection is up.
        case ready(ClientReadyReport)
        /// Every thread answered and not one connection is up: the failures, by reason.
        case noConnection(failures: [String: UInt64])
        /// Every thread marked the edge.
        case marked(WindowMark)
        /// A second every thread has handed over, added up.
        case interval(ClientInterval)
        /// Every thread stopped (the last seconds went out before): the pauses every thread
        /// with connections saw, by thread.
        case stopped(pausesByThread: [[PauseSpan]])
    }

    /// Connections per thread.
    public let shares: [Int]
    public private(set) var request: Request = .none
    private var answered: Set<Int> = []
    /// Connections up after connecting, over every thread.
    public private(set) var established = 0
    /// Connect failures by reason, over every thread.
    public private(set) var connectFailures: [String: UInt64] = [:]
    /// Each thread's latest running totals.
    private var latestProgress: [Int: ProgressReport] = [:]
    /// Seconds some threads have handed over, with how many have.
    private var partialSeconds: [Int: (interval: ClientInterval, threads: Int)] = [:]
    private var pausesByThread: [Int: [PauseSpan]] = [:]

    public init(shares: [Int]) {
        self.shares = shares
    }

    /// The threads are asked `request`: each answers it once.
    public mutating func ask(_ request: Request) {
        self.request = request
        answered = []
        if request == .stopping { pausesByThread = [:] }
    }

    /// The worker's running totals: every thread's latest added; nil until one has answered.
    public var progress: ProgressReport? {
        let reports = latestProgress.values
        guard !reports.isEmpty else { return nil }
        return ProgressReport(
            requests: reports.reduce(0) { $0 + $1.requests }, errors: reports.reduce(0) { $0 + $1.errors },
            connectionsUp: reports.reduce(0) { $0 + $1.connectionsUp },
            topError: ErrorSample.combined(reports.compactMap(\.topError)))
    }

    /// Takes thread `index`'s answer; returns what the worker does now, in order. An answer to
    /// a request not asked (a late mark, a second stop) changes nothing.
    public mutating func take(_ report: ThreadReport, from index: Int) -> [Step] {
        switch (report, request) {
        case (.progress(let totals, let closed), _):
            latestProgress[index] = totals
            return gather(closed)
        case (.connected(let up, let failures), .connecting):
            established += up
            connectFailures.merge(failures, uniquingKeysWith: +)
            guard allAnswered(index) else { return [] }
            request = .none
            guard established > 0 else { return [.noConnection(failures: connectFailures)] }
            // Totals from here on count the load, not the connecting.
            latestProgress = [:]
            return [.ready(ClientReadyReport(connectionsEstablished: established, connectFailures: connectFailures))]
        case (.marked(let edge), .marking(let expected)) where edge == expected:
            guard allAnswered(index) else { return [] }
            request = .none
            return [.marked(edge)]
        case (.stopped(let closed, let pauses), .stopping):
            var steps = gather(closed)
            // A thread without connections heard nothing because it asked nothing.
            if shares.indices.contains(index), shares[index] > 0 { pausesByThread[index] = pauses }
            guard allAnswered(index) else { return steps }
            request = .none
            // The last seconds go out whole or not, ahead of the result.
            steps += partialSeconds.keys.sorted().map { .interval(partialSeconds[$0]!.interval) }
            partialSeconds = [:]
            steps.append(.stopped(pausesByThread: pausesByThread.sorted { $0.key < $1.key }.map(\.value)))
            return steps
        default:
            return []
        }
    }

    /// Adds threads' seconds; a second every thread has now handed over leaves.
    private mutating func gather(_ intervals: [ClientInterval]) -> [Step] {
        var steps: [Step] = []
        for interval in intervals {
            var entry = partialSeconds[interval.second] ?? (ClientInterval(second: interval.second, counts: IntervalCounts()), 0)
            entry.interval.add(interval)
            entry.threads += 1
            if entry.threads == shares.count {
                partialSeconds[interval.second] = nil
                steps.append(.interval(entry.interval))
            } else {
                partialSeconds[interval.second] = entry
            }
        }
        return steps
    }

    private mutating func allAnswered(_ index: Int) -> Bool {
        answered.insert(index)
        return answered.count == shares.count
    }
}
