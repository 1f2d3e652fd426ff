import Metrics

/// What a load generator counts, split into "since load started" (progress) and "inside the
/// measurement window" (results). Only the window is reported as the result.
///
/// Every event carries the time it happened (ns, monotonic), so the window is also cut into
/// one-second intervals counted from the mark that opened it: the per-second time series.
/// Closed seconds leave (`takeClosedIntervals`) as the generator sends them on; what stays is
/// the seconds still open and one running histogram of those taken, so the memory held does
/// not grow with the window's length.
public struct WindowCounters: Sendable {
    /// The window's state.
    public enum Window: Equatable, Sendable {
        /// Before the first mark: nothing is recorded as a result.
        case warmup
        /// Between the marks, since `openedNs`.
        case open(openedNs: UInt64)
        /// After the second mark: frozen.
        case closed
    }

    /// Length of one interval of the time series.
    public static let intervalNs: UInt64 = 1_000_000_000

    public private(set) var window: Window = .warmup
    /// Successful requests since load started.
    public private(set) var totalRequests: UInt64 = 0
    /// Failed requests since load started.
    public private(set) var totalErrors: UInt64 = 0
    /// Inside the window.
    public private(set) var requests: UInt64 = 0
    /// Streaming calls that ended well inside the window (their messages are the requests).
    public private(set) var streams: UInt64 = 0
    public private(set) var errors: [String: UInt64] = [:]
    /// Failed requests since load started, by kind: the progress line's most common failure.
    public private(set) var totalErrorsByKind: [String: UInt64] = [:]
    /// One server message (`grpc-message`) per error kind, the first seen since load started:
    /// why calls fail, in the server's words. Bounded: one short text per kind.
    public private(set) var errorMessages: [String: String] = [:]
    /// Latency of the window's successful requests: the intervals' histograms added. Derived,
    /// not kept beside them, so each call records one histogram on the hot path, not two.
    public var histogram: LatencyHistogram {
        intervals.reduce(into: takenHistogram) { $0.add($1.histogram) }
    }
    /// Inside the window, per second since it opened (a second with nothing in it is empty),
    /// from second `firstHeldSecond` on: the seconds not yet taken.
    public private(set) var intervals: [IntervalCounts] = []
    /// Failures by kind of each of `intervals`.
    private var intervalErrors: [[String: UInt64]] = []
    /// The second `intervals[0]` stands for.
    public private(set) var firstHeldSecond = 0
    /// The histograms of the seconds already taken, added.
    private var takenHistogram = LatencyHistogram()
    /// Inside the window: open-loop sends the generator itself made ≥ 1 ms late while a
    /// stream was free (its CPU or timers fell behind).
    public private(set) var lateSends: UInt64 = 0
    /// Inside the window: open-loop sends that came due while every stream of their
    /// connection was busy and waited for one (queueing the server caused).
    public private(set) var queuedSends: UInt64 = 0
    /// Inside the window: connections established (replacements of retired ones, reconnects).
    public private(set) var connectionsOpened: UInt64 = 0
    /// Set-up time of the connections established inside the window, from the connect's start
    /// to the end of the handshake (gRPC: the server's SETTINGS), µs.
    public private(set) var connectHistogram = LatencyHistogram()
    /// Inside the window: the stretches this thread had calls outstanding and heard nothing
    /// from the server, its loop awake (see `SilenceWatch`), in order.
    public private(set) var pauses: [PauseSpan] = []
    /// Stretches kept at most per window, so a server that pauses every few milliseconds for
    /// hours cannot grow a generator's memory without bound.
    public static let maximumPauses = 100_000

    /// Calls still outstanding when the window closed, and the age of the oldest, µs.
    public private(set) var unfinished: UInt64 = 0
    public private(set) var unfinishedOldestUs: UInt64 = 0

    public init() {}

    /// What was outstanding as the window closes (called just before `mark(.close)`).
    public mutating func unfinishedAtClose(count: UInt64, oldestAgeUs: UInt64) {
        guard case .open = window else { return }
        unfinished = count
        unfinishedOldestUs = oldestAgeUs
    }

    /// One successful request with its latency, completed at `nowNs`.
    @inline(__always)
    public mutating func success(latencyMicroseconds: UInt64, nowNs: UInt64) {
        totalRequests &+= 1
        guard case .open(let opened) = window else { return }
        requests &+= 1
        let index = interval(at: nowNs, openedNs: opened)
        intervals[index].requests &+= 1
        intervals[index].histogram.record(microseconds: latencyMicroseconds)
    }

    /// One streaming call ended well (counted in the window).
    public mutating func streamEnded() {
        if case .open = window { streams &+= 1 }
    }

    /// One failed request of `kind`, failed at `nowNs`.
    public mutating func failure(_ kind: String, nowNs: UInt64) {
        totalErrors &+= 1
        totalErrorsByKind[kind, default: 0] &+= 1
        guard case .open(let opened) = window else { return }
        errors[kind, default: 0] += 1
        let index = interval(at: nowNs, openedNs: opened)
        intervals[index].errors &+= 1
        intervalErrors[index][kind, default: 0] += 1
    }

    /// The server's words for a failure of `kind`, kept if it is the first of its kind.
    public mutating func sample(_ message: String, for kind: String) {
        if errorMessages[kind] == nil { errorMessages[kind] = message }
    }

    /// The most common failure since load started, with its server message when one came.
    public var topError: ErrorSample? { ErrorSample.mostCommon(totalErrorsByKind, messages: errorMessages) }

    /// One open-loop send the generator made late with a stream free (counted in the window).
    public mutating func lateSend() {
        if case .open = window { lateSends &+= 1 }
    }

    /// One open-loop send that waited for a busy connection (counted in the window).
    public mutating func queuedSend() {
        if case .open = window { queuedSends &+= 1 }
    }

    /// One connection established after `setupNs` of connecting (counted in the window).
    public mutating func connected(setupNs: UInt64) {
        guard case .open = window else { return }
        connectionsOpened &+= 1
        connectHistogram.record(microseconds: setupNs / 1000)
    }

    /// A stretch of silence from `startNs` to `endNs`: kept when at least `minimumNs` of it lies
    /// inside the window, clipped to the window's opening.
    public mutating func silence(startNs: UInt64, endNs: UInt64, minimumNs: UInt64) {
        guard case .open(let opened) = window, pauses.count < Self.maximumPauses else { return }
        let start = max(startNs, opened)
        guard endNs > start, endNs - start >= minimumNs else { return }
        pauses.append(PauseSpan(startUs: (start - opened) / 1000, endUs: (endNs - opened) / 1000))
    }

    /// The index in `intervals` of the second `nowNs` falls in, growing the series to hold it.
    /// An event stamped before the mark (a callback that read the clock just before it) counts
    /// in the first second; one stamped in a second already taken counts in the oldest held.
    @inline(__always)
    private mutating func interval(at nowNs: UInt64, openedNs: UInt64) -> Int {
        let second = nowNs > openedNs ? Int((nowNs - openedNs) / Self.intervalNs) : 0
        let index = Swift.max(0, second - firstHeldSecond)
        if index >= intervals.count { hold(upTo: index) }
        return index
    }

    private mutating func hold(upTo index: Int) {
        let more = index + 1 - intervals.count
        intervals.append(contentsOf: repeatElement(IntervalCounts(), count: more))
        intervalErrors.append(contentsOf: repeatElement([:], count: more))
    }

    /// Hands over every second of the window that ended before `nowNs` (all held seconds once
    /// the window has closed, or with `nowNs` nil), empty ones included, oldest first; their
    /// histograms stay only in the window's running sum.
    public mutating func takeClosedIntervals(nowNs: UInt64?) -> [ClientInterval] {
        let count: Int
        switch (window, nowNs) {
        case (.warmup, _): return []
        case (.open(let opened), .some(let now)):
            let current = now > opened ? Int((now - opened) / Self.intervalNs) : 0
            count = current - firstHeldSecond
            if count > intervals.count { hold(upTo: count - 1) }
        case (.open, .none), (.closed, _):
            count = intervals.count
        }
        guard count > 0 else { return [] }
        var taken: [ClientInterval] = []
        taken.reserveCapacity(count)
        for offset in 0..<count {
            takenHistogram.add(intervals[offset].histogram)
            taken.append(
                ClientInterval(second: firstHeldSecond + offset, counts: intervals[offset], errorsByKind: intervalErrors[offset]))
        }
        intervals.removeFirst(count)
        intervalErrors.removeFirst(count)
        firstHeldSecond += count
        return taken
    }

    /// Opens or closes the window at `nowNs`.
    public mutating func mark(_ edge: WindowMark, nowNs: UInt64) {
        switch edge {
        case .open:
            window = .open(openedNs: nowNs)
            requests = 0
            streams = 0
            errors = [:]
            intervals = []
            intervalErrors = []
            firstHeldSecond = 0
            takenHistogram = LatencyHistogram()
            lateSends = 0
            queuedSends = 0
            unfinished = 0
            unfinishedOldestUs = 0
            connectionsOpened = 0
            connectHistogram = LatencyHistogram()
            pauses = []
        case .close:
            if case .open = window { window = .closed }
        }
    }

    /// Adds another thread's counters (same window edges); held intervals add by number (both
    /// must hold the same seconds), taken ones through the running histogram. Pauses do
    /// not add: a server pause is what every thread saw, so the runner intersects them
    /// (`PauseSpan.common`).
    public mutating func add(_ other: WindowCounters) {
        totalRequests &+= other.totalRequests
        totalErrors &+= other.totalErrors
        requests &+= other.requests
        streams &+= other.streams
        errors.merge(other.errors, uniquingKeysWith: +)
        takenHistogram.add(other.takenHistogram)
        totalErrorsByKind.merge(other.totalErrorsByKind, uniquingKeysWith: +)
        errorMessages.merge(other.errorMessages) { mine, _ in mine }
        IntervalCounts.add(other.intervals, into: &intervals)
        if intervalErrors.count < intervals.count {
            intervalErrors.append(contentsOf: repeatElement([:], count: intervals.count - intervalErrors.count))
        }
        for (index, kinds) in other.intervalErrors.enumerated() {
            intervalErrors[index].merge(kinds, uniquingKeysWith: +)
        }
        lateSends &+= other.lateSends
        queuedSends &+= other.queuedSends
        unfinished &+= other.unfinished
        unfinishedOldestUs = Swift.max(unfinishedOldestUs, other.unfinishedOldestUs)
        connectionsOpened &+= other.connectionsOpened
        connectHistogram.add(other.connectHistogram)
    }
}
