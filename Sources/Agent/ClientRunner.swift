import Load
import Metrics
import UV
import Wire

/// The client worker's job: connect its share, run load when told, and report the window.
final class ClientRunner {
    private let setup: ClientSetup
    private let generator: EchoLoadGenerator
    private let progressTimer: Timer
    private var windowStartMs: UInt64 = 0
    private var windowEndMs: UInt64 = 0
    private var cpuAtStart = 0.0
    private var cpuInWindow = 0.0

    init(loop: Loop, setup: ClientSetup) throws {
        self.setup = setup
        generator = try EchoLoadGenerator(loop: loop, parameters: .init(
            targetHost: setup.targetHost, targetPort: setup.targetPort, connections: setup.connections,
            payloadBytes: setup.payloadBytes, ratePerSecond: setup.ratePerSecond,
            requestTimeoutMs: setup.requestTimeoutMs, connectTimeoutMs: setup.connectTimeoutMs))
        progressTimer = try Timer(loop: loop)
    }

    /// Connects; reports ready, or failed when not one connection could be made.
    func connect(ready: @escaping (ReadyReport) -> Void, failed: @escaping (String) -> Void) {
        generator.connect { [unowned self, setup] established, failures in
            self.connectFailures = failures
            if established == 0 {
                let reasons = failures.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
                failed("no connection to \(setup.targetHost):\(setup.targetPort) could be made (\(reasons))")
            } else {
                ready(ReadyReport(connectionsEstablished: established, connectFailures: failures))
            }
        }
    }

    /// Starts load, and progress reports once a second.
    func start(progress: @escaping (ProgressReport) -> Void) {
        generator.start()
        try? progressTimer.start(after: 1000, repeat: 1000) { [unowned self] in
            progress(ProgressReport(requests: self.generator.counters.totalRequests,
                                    errors: self.generator.counters.totalErrors,
                                    connectionsUp: self.generator.connectionsUp))
        }
    }

    func mark(index: Int) {
        generator.mark(index: index)
        let now = Loop.hrtime() / 1_000_000
        if index == 1 {
            windowStartMs = now
            cpuAtStart = ProcessUsage.cpuSeconds()
        } else {
            windowEndMs = now
            cpuInWindow = ProcessUsage.cpuSeconds() - cpuAtStart
        }
    }

    /// Stops load; the window's result.
    func stop() -> ClientNodeResult {
        progressTimer.stop()
        generator.stop()
        let counters = generator.counters
        return ClientNodeResult(
            node: setup.node, host: setup.host, connectionsAsked: setup.connections,
            connectionsEstablished: setup.connections - connectFailureCount, connectFailures: connectFailures,
            threads: 1, window: MeasurementWindow(startMs: windowStartMs, endMs: windowEndMs),
            requests: counters.requests, errors: counters.errors, histogram: counters.histogram,
            cpuSeconds: cpuInWindow, rssPeakBytes: ProcessUsage.peakRSSBytes())
    }

    private var connectFailures: [String: UInt64] = [:]
    private var connectFailureCount: Int { Int(connectFailures.values.reduce(0, +)) }
}
