import Foundation
import Metrics

/// The text of `nodes/<cell>/<client>.hlog`: an HdrHistogram interval log (format 1.3), one
/// interval a second of the client's window, readable by HdrHistogram's own tools
/// (`HistogramLogReader`, `hdrh`, HdrHistogramVisualizer). Values are microseconds; the
/// `Interval_Max` column is in milliseconds. Each interval line follows a comment line
/// `#{"t":…,"requests":…,"errors":{…}}` with the second's counts (failures by kind are not
/// latencies); interval-log readers skip comment lines.
public enum IntervalLog {
    /// A client's file name in its cell's folder.
    public static func fileName(node: String) -> String { "\(node).hlog" }

    /// Where a capacity search moves a trial's log when the next trial starts: beside the kept
    /// one and readable by the same tools, but not read back as a node of the cell.
    static func setAsideFileName(node: String, trial: Int) -> String { "\(node).trial\(trial).hlog" }

    /// The client a cell folder's file is the kept log of; nil for other files and for the
    /// logs of earlier trials (node names hold no dot).
    static func node(ofFileName name: String) -> String? {
        guard name.hasSuffix(".hlog") else { return nil }
        let node = name.dropLast(5)
        return node.isEmpty || node.contains(".") ? nil : String(node)
    }

    /// The lines that start a log; `startEpochSeconds` is when the window opened.
    public static func header(node: String, host: String, cell: String, startEpochSeconds: Double) -> String {
        let start = String(format: "%.3f", startEpochSeconds)
        return """
            #[Barrage node \(node) host \(host) cell \(cell)]
            #[Latency of successful calls, µs; one interval a second of the window; \
            the #{…} line before each interval holds that second's requests and errors by kind]
            #[Histogram log format version 1.3]
            #[StartTime: \(start) (seconds since epoch)]
            "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"

            """
    }

    /// The two lines of one second.
    public static func lines(_ interval: ClientInterval) -> String {
        let counts = Counts(t: interval.second, requests: interval.counts.requests, errors: interval.errorsByKind)
        let json = (try? encoder.encode(counts)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let histogram = interval.counts.histogram
        let maxMs = String(format: "%.3f", Double(histogram.max) / 1000)
        return "#\(json)\n\(interval.second).000,1.000,\(maxMs),\(histogram.logEncoded)\n"
    }

    /// The host named on a log's `#[Barrage node … host …]` line.
    static func host(inHeader line: Substring) -> String? {
        guard line.hasPrefix("#[Barrage node ") else { return nil }
        let words = line.dropFirst(2).dropLast().split(separator: " ")
        guard words.count >= 5, words[3] == "host" else { return nil }
        return String(words[4])
    }

    /// Reads a log's lines in order and hands out each second it holds; see `SecondsReader`.
    struct Parser {
        private var pending: Counts?
        /// Lines that held data but could not be used: an interval or counts line that does not
        /// parse, lies past the bounds, or a counts line that no interval of its second followed.
        /// Comments, the legend and blank lines are not counted.
        private(set) var refusedLines = 0

        /// The second `line` completes, if it does; comment, legend and unreadable lines give nil.
        mutating func feed(_ line: Substring) -> ClientInterval? {
            if line.hasPrefix("#{") {
                if pending != nil { refusedLines += 1 }
                pending = try? decoder.decode(Counts.self, from: Data(line.dropFirst().utf8))
                if pending == nil { refusedLines += 1 }
                return nil
            }
            guard !line.hasPrefix("#"), !line.hasPrefix("\""), !line.hasPrefix("Tag="),
                line.contains(where: { !$0.isWhitespace })
            else { return nil }
            let fields = line.split(separator: ",", maxSplits: 3)
            guard fields.count == 4, let start = Double(fields[0]), start.isFinite,
                (0..<Double(IntervalLog.seconds)).contains(start.rounded()),
                let histogram = LatencyHistogram(logEncoded: fields[3].trimmingCharacters(in: .whitespaces)),
                IntervalLog.fits(histogram)
            else {
                // Its counts line, if any, is lost with it.
                refusedLines += pending == nil ? 1 : 2
                pending = nil
                return nil
            }
            let second = Int(start.rounded())
            let counts = pending.flatMap { $0.t == second ? $0 : nil }
            if pending != nil, counts == nil { refusedLines += 1 }
            pending = nil
            let errors = counts?.errors ?? [:]
            // A damaged line's counts are refused, not summed: past these a day's sums could overflow.
            guard (counts?.requests ?? 0) <= IntervalLog.perSecond, errors.count <= 64,
                errors.values.allSatisfy({ $0 <= IntervalLog.perSecond })
            else {
                // The counts line and its interval line.
                refusedLines += 2
                return nil
            }
            return ClientInterval(
                second: second,
                counts: IntervalCounts(
                    requests: counts?.requests ?? histogram.count, errors: errors.values.reduce(0, +), histogram: histogram),
                errorsByKind: errors)
        }
    }

    /// Seconds a log may hold: the longest window `FigureBounds` allows.
    static let seconds = Int(FigureBounds.maximumWindowMs / 1000)
    /// The most one second may count, so that every second of the longest window adds up
    /// below `FigureBounds.maximumCount`.
    static let perSecond = FigureBounds.maximumCount / UInt64(seconds)

    /// A second's histogram within the bounds: its count, and its latencies added (at most
    /// count × max) within the window's share of `FigureBounds.maximumLatencySumMicroseconds`.
    static func fits(_ histogram: LatencyHistogram) -> Bool {
        let (sum, overflow) = histogram.count.multipliedReportingOverflow(by: histogram.max)
        return histogram.count <= perSecond && !overflow
            && sum <= FigureBounds.maximumLatencySumMicroseconds / UInt64(seconds)
    }

    struct Counts: Codable {
        var t: Int
        var requests: UInt64
        var errors: [String: UInt64]
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
    private static let decoder = JSONDecoder()
}
