import Metrics
import Topology

/// Whether a cell's figures hold an SLO, and each bound they broke, in words.
public enum SLOVerdict: Sendable, Equatable {
    /// Every bound held.
    case met
    /// These bounds broke, in the SLO's order: `p99 71.2ms > 50ms`, `errors 0.52% > 0.1%`.
    case missed([String])

    /// True for `met`.
    public var isMet: Bool { self == .met }

    /// The misses; empty when met.
    public var misses: [String] {
        if case .missed(let misses) = self { return misses }
        return []
    }

    /// Judges figures against `slo`. With no request completed the latency bounds count as
    /// broken: an empty histogram reads 0 µs, which would pass for fast.
    ///
    /// Calls still outstanding when the window closed (`unfinished`, the oldest
    /// `unfinishedOldestUs` old) are in no histogram. They break a latency bound only when
    /// the oldest is already past it: then every one of them is taken to lie beyond it (the
    /// most they can weigh), and the bound misses when they outnumber the share the
    /// percentile leaves above it. Younger ones are merely in flight (a closed loop always
    /// leaves one per stream), so they are neither slow nor errors; a window in which
    /// calls went out and none came back misses every bound.
    public static func evaluate(
        _ slo: SLO, latency: LatencySummary, requests: UInt64, errors: UInt64,
        unfinished: UInt64 = 0, unfinishedOldestUs: UInt64 = 0
    ) -> SLOVerdict {
        var misses: [String] = []
        let outstanding = unfinished > 0 ? " (\(unfinished) unfinished, the oldest \(latencyText(unfinishedOldestUs)))" : ""
        for bound in slo.bounds {
            switch bound {
            case .latency(let percentile, let maximum):
                guard requests > 0 else {
                    misses.append("\(percentile.rawValue): no request completed\(outstanding)")
                    continue
                }
                let measured = value(of: percentile, in: latency)
                if measured > maximum {
                    misses.append("\(percentile.rawValue) \(latencyText(measured)) > \(latencyText(maximum))")
                } else if unfinished > 0 && unfinishedOldestUs > maximum
                    && Double(unfinished) > (1 - percentile.fraction) * (Double(requests) + Double(unfinished))
                {
                    misses.append(
                        "\(percentile.rawValue) > \(latencyText(maximum)): \(unfinished) calls unfinished at the close,"
                            + " the oldest \(latencyText(unfinishedOldestUs))")
                }
            case .errors(let maximumPercent):
                let calls = requests + errors
                guard calls > 0 || unfinished == 0 else {
                    misses.append("errors: no call completed\(outstanding)")
                    continue
                }
                let percent = calls > 0 ? Double(errors) / Double(calls) * 100 : 0
                if percent > maximumPercent {
                    misses.append("errors \(percentText(percent)) > \(percentText(maximumPercent))")
                }
            }
        }
        return misses.isEmpty ? .met : .missed(misses)
    }

    /// The percentile's figure in microseconds.
    static func value(of percentile: LatencyPercentile, in latency: LatencySummary) -> UInt64 {
        switch percentile {
        case .p50: latency.p50
        case .p90: latency.p90
        case .p95: latency.p95
        case .p99: latency.p99
        case .p999: latency.p999
        }
    }

    /// "812µs", "71.2ms", "1.25s": short, as people write bounds.
    static func latencyText(_ microseconds: UInt64) -> String {
        switch microseconds {
        case ..<1_000: return "\(microseconds)µs"
        case ..<1_000_000: return trimmed(Double(microseconds) / 1_000, decimals: 1) + "ms"
        default: return trimmed(Double(microseconds) / 1_000_000, decimals: 2) + "s"
        }
    }

    /// "0.52%", "5%".
    static func percentText(_ percent: Double) -> String {
        trimmed(percent, decimals: percent < 1 ? 2 : 1) + "%"
    }

    /// `value` with at most `decimals` places and no trailing zeros: 50.0 → "50", 71.25 → "71.3".
    static func trimmed(_ value: Double, decimals: Int) -> String {
        var text = FigureFormat.decimal(value, decimals: decimals)
        guard text.contains(".") else { return text }
        while text.last == "0" { text.removeLast() }
        if text.last == "." { text.removeLast() }
        return text
    }
}
