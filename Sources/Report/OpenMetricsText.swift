import Foundation
import Metrics

/// The live figures of a run in the OpenMetrics text format (what `launch --metrics` serves,
/// for Prometheus and Grafana): per cell, labelled `cell` and `system`, the calls, failures
/// by kind, latency quantiles and the server's CPU and RSS; `# EOF` at the end.
///
/// Pure. The running cell's quantiles are over its last `LiveCell.recentSeconds` whole
/// seconds, its counts over the window so far; a finished cell keeps its final figures.
public enum OpenMetricsText {
    /// The HTTP content type of the text.
    public static let contentType = "application/openmetrics-text; version=1.0.0; charset=utf-8"

    /// The quantiles given for each cell.
    static let quantiles: [(label: String, percentile: Double)] = [("0.5", 50), ("0.9", 90), ("0.99", 99), ("0.999", 99.9)]

    /// The text for the finished `cells` and the running `live` one.
    public static func render(cells: [CellSummary], live: LiveCell?) -> String {
        var requests: [String] = []
        var errors: [String] = []
        var latency: [String] = []
        var cpu: [String] = []
        var rss: [String] = []
        var running: [String] = []
        func add(
            id: String, system: String, calls: UInt64, failures: [String: UInt64], quantile: (Double) -> UInt64,
            sumSeconds: Double, cores: Double?, rssBytes: UInt64?, isRunning: Bool
        ) {
            let labels = "cell=\"\(escape(id))\",system=\"\(escape(system))\""
            requests.append("barrage_requests_total{\(labels)} \(calls)")
            for (kind, count) in failures.sorted(by: { $0.key < $1.key }) {
                errors.append("barrage_errors_total{\(labels),kind=\"\(escape(kind))\"} \(count)")
            }
            for (label, percentile) in quantiles {
                latency.append("barrage_latency_seconds{\(labels),quantile=\"\(label)\"} \(seconds(quantile(percentile)))")
            }
            latency.append("barrage_latency_seconds_sum{\(labels)} \(sumSeconds)")
            latency.append("barrage_latency_seconds_count{\(labels)} \(calls)")
            if let cores { cpu.append("barrage_server_cpu_cores{\(labels)} \(cores)") }
            if let rssBytes { rss.append("barrage_server_rss_bytes{\(labels)} \(rssBytes)") }
            running.append("barrage_cell_running{\(labels)} \(isRunning ? 1 : 0)")
        }
        for cell in cells {
            let summary = cell.latency
            add(
                id: cell.id, system: cell.system, calls: cell.requests, failures: cell.errorsByKind,
                quantile: { percentile in
                    switch percentile {
                    case 50: summary.p50
                    case 90: summary.p90
                    case 99: summary.p99
                    default: summary.p999
                    }
                }, sumSeconds: summary.mean * Double(cell.requests) / 1_000_000, cores: cell.server.map { $0.cpuPercent / 100 },
                rssBytes: cell.server?.rssSustainedBytes, isRunning: false)
        }
        if let live {
            let recent = live.recentHistogram
            add(
                id: live.id, system: live.system, calls: live.requests, failures: live.errorsByKind,
                quantile: { recent.value(atPercentile: $0) },
                sumSeconds: live.histogram.mean * Double(live.histogram.count) / 1_000_000, cores: live.serverCPUCores,
                rssBytes: live.serverRSSBytes, isRunning: true)
        }
        var text = ""
        func family(_ name: String, _ type: String, unit: String? = nil, _ help: String, _ lines: [String]) {
            text += "# TYPE \(name) \(type)\n"
            if let unit { text += "# UNIT \(name) \(unit)\n" }
            text += "# HELP \(name) \(help)\n"
            for line in lines { text += line + "\n" }
        }
        family("barrage_requests", "counter", "Successful calls in the cell's measurement window so far.", requests)
        family("barrage_errors", "counter", "Failed calls in the cell's measurement window so far, by kind.", errors)
        family(
            "barrage_latency_seconds", "summary", unit: "seconds",
            "Latency of successful calls: quantiles over the running cell's last \(LiveCell.recentSeconds) s"
                + " (a finished cell's whole window); sum and count over the window.", latency)
        family(
            "barrage_server_cpu_cores", "gauge",
            "CPU of the system under test, cores (running cell: its latest samples; finished: the window).", cpu)
        family(
            "barrage_server_rss_bytes", "gauge", unit: "bytes",
            "RSS of the system under test (running cell: latest; finished: sustained over the window).", rss)
        family("barrage_cell_running", "gauge", "1 while the cell's window runs.", running)
        return text + "# EOF\n"
    }

    private static func seconds(_ microseconds: UInt64) -> Double { Double(microseconds) / 1_000_000 }

    /// A label value: backslash, double quote and newline escaped.
    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
