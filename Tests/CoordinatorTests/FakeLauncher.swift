import Metrics
import Topology
import UV
import Wire

@testable import Coordinator

/// Workers that answer the driver as real ones would, in virtual time, from a script: each
/// says hello with its host's cores, reports ready, marks, and reports figures on `stop`.
final class FakeLauncher: WorkerLauncher {
    /// A worker that dies: `node` in the cell whose id is `cell`, when it gets `trigger`.
    struct Death {
        var cell: String
        var node: String
        var trigger: CoordinatorMessage
    }

    private let clock: VirtualClock
    private let cores: [String: Int]
    private let deaths: [Death]
    /// Every setup sent, in order.
    private(set) var serverSetups: [ServerSetup] = []
    private(set) var clientSetups: [ClientSetup] = []
    /// Nodes launched, as `cell-log-folder/node`.
    private(set) var launched: [String] = []
    /// Workers whose process has not exited yet.
    private(set) var running: Set<String> = []

    /// `cores` by host name (default 2).
    init(clock: VirtualClock, cores: [String: Int] = [:], deaths: [Death] = []) {
        self.clock = clock
        self.cores = cores
        self.deaths = deaths
    }

    func launch(node: String, host: Host, logPath: String, events: WorkerEvents) throws -> any WorkerHandle {
        // logs/<cell>/<node>.log names the cell.
        let cell = logPath.split(separator: "/").dropLast().last.map(String.init) ?? ""
        let key = "\(cell)/\(node)"
        launched.append(key)
        running.insert(key)
        let worker = FakeWorker(launcher: self, key: key, cell: cell, node: node, host: host.name, events: events)
        later { events.message(.hello(version: ControlCodec.protocolVersion, pid: 100, cores: self.cores[host.name] ?? 2)) }
        return worker
    }

    fileprivate func later(_ step: @escaping () -> Void) {
        clock.after(1, step)
    }

    fileprivate func record(_ message: CoordinatorMessage) {
        switch message {
        case .setupServer(let setup): serverSetups.append(setup)
        case .setupClient(let setup): clientSetups.append(setup)
        default: break
        }
    }

    fileprivate func dies(cell: String, node: String, on message: CoordinatorMessage) -> Bool {
        deaths.contains { $0.cell == cell && $0.node == node && $0.trigger == message }
    }

    fileprivate func exited(_ key: String) {
        running.remove(key)
    }

    fileprivate var now: UInt64 { clock.nowMs }
}

/// One scripted worker.
private final class FakeWorker: WorkerHandle {
    let launcher: FakeLauncher
    let key: String
    let cell: String
    let node: String
    let host: String
    let events: WorkerEvents
    var alive = true
    var open = true
    var client: ClientSetup?
    var windowStart: UInt64 = 0
    var windowEnd: UInt64 = 0

    init(launcher: FakeLauncher, key: String, cell: String, node: String, host: String, events: WorkerEvents) {
        self.launcher = launcher
        self.key = key
        self.cell = cell
        self.node = node
        self.host = host
        self.events = events
    }

    func send(_ message: CoordinatorMessage) {
        guard alive, open else { return }
        launcher.record(message)
        if launcher.dies(cell: cell, node: node, on: message) {
            exit(.signaled(9))
            return
        }
        switch message {
        case .setupServer(let setup):
            answer(
                .serverReady(
                    ServerReadyReport(port: 9000 + (Int(setup.node.split(separator: "-").last ?? "") ?? 0), serverProcessGroup: 0)
                ))
        case .setupClient(let setup):
            client = setup
            answer(.clientReady(ClientReadyReport(connectionsEstablished: setup.connections, connectFailures: [:])))
        case .mark(let edge):
            switch edge {
            case .open: windowStart = launcher.now
            case .close: windowEnd = launcher.now
            }
            answer(.marked(edge))
        case .stop:
            if let client {
                // 100 requests per connection per second of window: figures that obey the clock.
                let requests = UInt64(client.connections) * (windowEnd - windowStart) / 10
                answer(
                    .clientResult(
                        ClientNodeResult(
                            node: node, host: host, connectionsAsked: client.connections,
                            connectionsEstablished: client.connections, connectFailures: [:], threads: client.threads,
                            window: MeasurementWindow(startMs: windowStart, endMs: windowEnd), requests: requests, errors: [:],
                            histogram: LatencyHistogram(), cpuSeconds: 0.01, rssPeakBytes: 1 << 20)))
            } else {
                let samples = [
                    ResourceSample(timeMs: windowStart, cpuSeconds: 1, rssBytes: 10 << 20, threads: 2),
                    ResourceSample(timeMs: windowEnd, cpuSeconds: 1.5, rssBytes: 12 << 20, threads: 2)
                ]
                answer(
                    .serverResult(
                        ServerNodeResult(
                            node: node, host: host, samples: samples,
                            window: MeasurementWindow(startMs: windowStart, endMs: windowEnd))))
            }
        case .start, .heartbeat:
            break
        }
    }

    func answer(_ message: WorkerMessage) {
        launcher.later { [self] in
            guard alive, open else { return }
            events.message(message)
        }
    }

    func exit(_ status: ExitStatus) {
        guard alive else { return }
        alive = false
        launcher.later { [self] in
            launcher.exited(key)
            events.exited(status)
        }
    }

    func closeControl() {
        guard open else { return }
        open = false
        exit(.exited(0))
    }

    func kill(_ signal: Int32) {
        exit(.signaled(signal))
    }

    func release() {
        open = false
    }
}
