import Glibc
import Metrics
import Report
import UV
import Wire

/// Live progress on stderr: one line rewritten in place on a terminal, a plain line every
/// few seconds otherwise, nothing when quiet.
struct ProgressPrinter {
    private let quiet: Bool
    private let cellCount: Int
    private let isTerminal = isatty(2) != 0
    private var cellNumber = 0
    private var label = ""
    private var connections = 0
    private var warmupSeconds = 0.0
    private var measureSeconds = 0.0
    private var phaseLabel = ""
    private var phaseStartNs: UInt64 = 0
    private var clients: [String: ProgressReport] = [:]
    private var lastRequests: UInt64 = 0
    private var lastTickNs: UInt64 = 0
    private var ticks = 0
    private var lineShown = false

    init(quiet: Bool, cellCount: Int) {
        self.quiet = quiet
        self.cellCount = cellCount
    }

    mutating func cellStarted(number: Int, label: String, connections: Int, warmupSeconds: Double, measureSeconds: Double) {
        cellNumber = number
        self.label = label
        self.connections = connections
        self.warmupSeconds = warmupSeconds
        self.measureSeconds = measureSeconds
        clients = [:]
        lastRequests = 0
        lastTickNs = Loop.hrtime()
        phaseLabel = ""
    }

    /// Notes the phase; a change restarts its clock.
    mutating func phase(_ label: String) {
        guard label != phaseLabel else { return }
        phaseLabel = label
        phaseStartNs = Loop.hrtime()
    }

    mutating func clientReported(node: String, _ report: ProgressReport) {
        clients[node] = report
    }

    /// Called once a second.
    mutating func tick(phase: String) {
        self.phase(phase)
        let now = Loop.hrtime()
        // Saturating: the counts are a worker's word, bounded on the wire but added here.
        let requests = clients.values.reduce(UInt64(0)) { Self.saturating($0, $1.requests) }
        let seconds = Double(now - lastTickNs) / 1e9
        let rate = seconds > 0 && requests >= lastRequests ? Double(requests - lastRequests) / seconds : 0
        lastRequests = requests
        lastTickNs = now
        ticks += 1
        guard !quiet else { return }
        let planned: Double? = phaseLabel == "warmup" ? warmupSeconds : phaseLabel == "measuring" ? measureSeconds : nil
        let line = ProgressLine(
            cellNumber: cellNumber, cellCount: cellCount, cellLabel: label, phase: phaseLabel,
            elapsedSeconds: Double(now - phaseStartNs) / 1e9, plannedSeconds: planned,
            requestsPerSecond: clients.isEmpty ? nil : rate,
            connectionsUp: clients.isEmpty ? nil : clients.values.reduce(0) { $0 + $1.connectionsUp },
            connectionsPlanned: connections, errors: clients.values.reduce(UInt64(0)) { Self.saturating($0, $1.errors) },
            topError: ErrorSample.combined(clients.values.compactMap(\.topError)))
        if isTerminal {
            StandardError.write("\r\u{1B}[K" + line.text)
            lineShown = true
        } else if ticks % 2 == 0 {
            StandardError.write(line.text + "\n")
        }
    }

    /// `a + b`, or the largest count when that overflows.
    static func saturating(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }

    mutating func cellEnded(_ cell: CellSummary) {
        guard !quiet else { return }
        clearLine()
        var text = "[\(cellNumber)/\(cellCount)] \(label): \(cell.status.rawValue)"
        if cell.status == .ok || cell.requests > 0 {
            text += " · \(ProgressLine.whole(cell.requestsPerSecond)) req/s · p99 \(cell.latency.p99) µs · \(cell.errors) errors"
            // Said as the cell ends, so a long run shows early that its figures measure the generator.
            if cell.bottleneck != .none { text += " · limit \(cell.bottleneck.rawValue)" }
        }
        if let error = cell.error { text += " — \(error)" }
        StandardError.write(text + "\n")
    }

    /// One line of its own (a capacity trial's verdict), above the live line.
    mutating func note(_ text: String) {
        guard !quiet else { return }
        clearLine()
        StandardError.write(text + "\n")
    }

    mutating func finished() {
        guard !quiet else { return }
        clearLine()
    }

    private mutating func clearLine() {
        if lineShown {
            StandardError.write("\r\u{1B}[K")
            lineShown = false
        }
    }

}
