import Load
import Metrics

/// The words a client worker and `barrage load` use for what they measured: rounded figures,
/// error kinds by count, and connect failures a user can act on. Pure, so it is unit-tested.
public enum LoadSummaryText {
    /// `barrage load`'s one summary line for `result`, `connectionsAsked` being what it tried.
    public static func line(_ result: ClientNodeResult, connectionsAsked: Int) -> String {
        let seconds = result.window.seconds
        let latency = LatencySummary(result.histogram)
        let rate = seconds > 0 ? Double(result.requests) / seconds : 0
        let cpu = seconds > 0 ? result.cpuSeconds / seconds * 100 : 0
        // Stream calls count their messages (latency per message), and streams beside them.
        let counted =
            result.streams.map { streams in
                "messages/s \(decimal(rate, digits: 1)) · messages \(grouped(result.requests)) "
                    + "· streams/s \(decimal(seconds > 0 ? Double(streams) / seconds : 0, digits: 1)) · streams \(grouped(streams))"
            } ?? "requests/s \(decimal(rate, digits: 1)) · requests \(grouped(result.requests))"
        return "\(counted) · \(errors(result.errors)) "
            + "· connections \(result.connectionsEstablished)/\(connectionsAsked) · latency mean \(duration(microseconds: latency.mean)) "
            + "min \(duration(microseconds: Double(latency.min))) p50 \(duration(microseconds: Double(latency.p50))) "
            + "p99 \(duration(microseconds: Double(latency.p99))) max \(duration(microseconds: Double(latency.max))) "
            + "· cpu \(decimal(cpu, digits: 1)) % · peak RSS \(mebibytes(result.rssPeakBytes)) "
            + "· queued sends \(grouped(result.queuedSends)) · late sends \(grouped(result.lateSends))"
            + (result.connectionsOpened > 0
                ? " · connections opened \(grouped(result.connectionsOpened)) · connect p50 "
                    + "\(duration(microseconds: Double(result.connectHistogram.value(atPercentile: 50)))) "
                    + "p99 \(duration(microseconds: Double(result.connectHistogram.value(atPercentile: 99))))" : "")
            + " · \(pauses(result))"
            + (ErrorSample.mostCommon(result.errors, messages: result.errorMessages).map { " · most: \($0.text)" } ?? "")
    }

    /// "pauses 0 ≥ 10ms", or "pauses 4 ≥ 10ms (longest 149.20ms)": the server's silences every
    /// load thread saw.
    static func pauses(_ result: ClientNodeResult) -> String {
        let threshold = "≥ \(result.pauseThresholdMs ?? 0)ms"
        guard let longest = result.pauses.map(\.lengthUs).max() else { return "pauses 0 \(threshold)" }
        return "pauses \(grouped(UInt64(result.pauses.count))) \(threshold) (longest \(duration(microseconds: Double(longest))))"
    }

    /// "errors 0", or "errors 3 (timeout 2, connection 1)": kinds by count, most first.
    public static func errors(_ kinds: [String: UInt64]) -> String {
        let total = kinds.values.reduce(0, +)
        guard total > 0 else { return "errors 0" }
        return "errors \(grouped(total)) (\(byCount(kinds).map { "\($0.key) \(grouped($0.value))" }.joined(separator: ", ")))"
    }

    /// Why not one connection to `target` could be made, from the reasons counted while
    /// connecting: a server that accepted TCP but never sent HTTP/2 SETTINGS is named as such.
    public static func noConnection(to target: String, failures: [String: UInt64], connectTimeoutMs: UInt64) -> String {
        let settings = failures[LoadGenerator.noSettingsReason] ?? 0
        if settings > 0, settings == failures.values.reduce(0, +) {
            return "connected to \(target), but no HTTP/2 SETTINGS within \(seconds(connectTimeoutMs)) "
                + "(\(grouped(settings)) of \(grouped(settings)) connections)"
        }
        return "no connection to \(target) could be made (\(reasons(failures, connectTimeoutMs: connectTimeoutMs)))"
    }

    /// Connect failures as "ECONNREFUSED ×3, connected but no HTTP/2 SETTINGS within 10 s ×2".
    public static func reasons(_ failures: [String: UInt64], connectTimeoutMs: UInt64) -> String {
        byCount(failures).map { reason, count in
            let name =
                reason == LoadGenerator.noSettingsReason
                ? "connected but no HTTP/2 SETTINGS within \(seconds(connectTimeoutMs))" : reason
            return "\(name) ×\(grouped(count))"
        }.joined(separator: ", ")
    }

    private static func byCount(_ counts: [String: UInt64]) -> [(key: String, value: UInt64)] {
        counts.filter { $0.value > 0 }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
    }

    /// "10 s", "0.15 s".
    static func seconds(_ milliseconds: UInt64) -> String {
        milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(decimal(Double(milliseconds) / 1000, digits: 2, trim: true)) s"
    }

    /// "812µs", "1.74ms", "2.05s".
    static func duration(microseconds value: Double) -> String {
        if value < 1000 { return "\(decimal(value, digits: 0))µs" }
        if value < 1_000_000 { return "\(decimal(value / 1000, digits: 2))ms" }
        return "\(decimal(value / 1_000_000, digits: 2))s"
    }

    /// "15.3 MiB".
    static func mebibytes(_ bytes: UInt64) -> String {
        "\(decimal(Double(bytes) / 1_048_576, digits: 1)) MiB"
    }

    /// An integer with thousands separators: "103,350".
    static func grouped(_ value: UInt64) -> String {
        var digits = Array(String(value))
        var index = digits.count - 3
        while index > 0 {
            digits.insert(",", at: index)
            index -= 3
        }
        return String(digits)
    }

    /// `value` rounded to `digits` decimals, the integer part grouped: "10,305.1"; `trim`
    /// drops trailing zeros ("0.15", not "0.150").
    static func decimal(_ value: Double, digits: Int, trim: Bool = false) -> String {
        guard value.isFinite else { return "-" }
        let scale = (0..<digits).reduce(1.0) { product, _ in product * 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = UInt64(scaled / scale)
        let fraction = UInt64(scaled - Double(whole) * scale)
        var text = (value < 0 && scaled > 0 ? "-" : "") + grouped(whole)
        if digits > 0 {
            var decimals = String(fraction)
            decimals = String(repeating: "0", count: max(0, digits - decimals.count)) + decimals
            if trim { while decimals.hasSuffix("0") { decimals.removeLast() } }
            if !decimals.isEmpty { text += "." + decimals }
        }
        return text
    }
}
