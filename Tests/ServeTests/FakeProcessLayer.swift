import Glibc
import Metrics
import TLSSettings
import Topology
import VirtualTimeSupport
import Wire
import WorkerCore

@testable import Serve

/// A `ProcessLayer` in virtual time: nothing is spawned, processes follow a script, and the
/// clock jumps from one due event to the next, so a 20 s ready timeout runs in microseconds
/// and every time a test reads is exact.
final class FakeProcessLayer: ProcessLayer {
    /// How a scripted process behaves.
    struct Script {
        /// When it starts accepting TCP connections, ms after its spawn; nil: never.
        var listensAfterMs: UInt64?
        /// When it exits by itself, ms after its spawn, and how; nil: it runs until signalled.
        var exits: (afterMs: UInt64, status: ExitStatus)?
        /// Its last stderr line when it ends.
        var lastLine: String?
        /// It ignores SIGTERM (only SIGKILL ends it).
        var ignoresSIGTERM = false
        /// How long it takes to exit after SIGTERM.
        var termExitMs: UInt64 = 30
    }

    /// One spawned process.
    final class Child: LayerChild {
        let pid: Int32
        let command: ServerCommand
        let script: Script
        let spawnedMs: UInt64
        let onExit: (ExitStatus) -> Void
        var exitedMs: UInt64?
        var finished = false
        var endedWith: ExitStatus?

        init(pid: Int32, command: ServerCommand, script: Script, spawnedMs: UInt64, onExit: @escaping (ExitStatus) -> Void) {
            self.pid = pid
            self.command = command
            self.script = script
            self.spawnedMs = spawnedMs
            self.onExit = onExit
        }

        var lastLine: String? { finished ? script.lastLine : nil }
        var alive: Bool { exitedMs == nil }
        func finish() { finished = true }
    }

    /// A fake cell cgroup.
    final class Cgroup: LayerCgroup {
        let directories = ["/sys/fs/cgroup/barrage/fake"]
        let summary = "fake limits"
        var oomKillCount: UInt64 = 0
        var peak: UInt64 = 300 << 20
        var removed = false
        func oomKills() -> UInt64? { oomKillCount }
        func memoryPeakBytes() -> UInt64? { removed ? nil : peak }
        func remove() throws(ServerLayerError) { removed = true }
    }

    /// One timer or probe answer, armed in the layer's virtual time.
    final class Event: LayerTimer, LayerProbe {
        unowned let layer: FakeProcessLayer
        let step: VirtualScheduler.Event

        init(layer: FakeProcessLayer) {
            self.layer = layer
            step = layer.time.makeEvent()
        }

        func start(after milliseconds: UInt64, repeat: UInt64, _ fire: @escaping () -> Void) throws {
            layer.time.arm(step, after: milliseconds, repeat: `repeat`, fire)
        }

        func stop() { layer.time.cancel(step) }
        func close() { layer.time.cancel(step) }
    }

    /// Picks each spawned command's script: the build's, then the system's.
    var scripts: (ServerCommand) -> Script
    /// The layer's clock: spawns, exits, probes and timers all happen in it.
    let time = VirtualScheduler()
    var nowMs: UInt64 { time.nowMs }
    private var nextPID: Int32 = 1000
    private(set) var children: [Child] = []
    /// Every signal sent: when, to which group, which.
    private(set) var signals: [(ms: UInt64, group: Int32, signal: Int32)] = []
    private(set) var probes: [UInt64] = []
    private(set) var logLines: [String] = []
    var executable = true
    var cgroup: Cgroup?
    var rssBytes: UInt64 = 40 << 20
    var hostCores = 4

    init(scripts: @escaping (ServerCommand) -> Script) {
        self.scripts = scripts
    }

    func sampleClockMs() -> UInt64 { nowMs }

    func makeTimer() throws -> any LayerTimer { Event(layer: self) }

    func inheritedEnvironment() -> [(String, String)] { [("PATH", "/usr/bin"), ("HTTPS_PROXY", "http://proxy")] }

    func isExecutable(_ path: String) -> Bool { executable }

    func spawn(_ command: ServerCommand, onExit: @escaping (ExitStatus) -> Void) throws -> any LayerChild {
        nextPID += 1
        let child = Child(pid: nextPID, command: command, script: scripts(command), spawnedMs: nowMs, onExit: onExit)
        children.append(child)
        if let exits = child.script.exits {
            after(exits.afterMs) { [unowned self] in self.exit(child, exits.status) }
        }
        return child
    }

    func signalGroup(_ group: Int32, _ signal: Int32) {
        signals.append((nowMs, group, signal))
        guard let child = children.first(where: { $0.pid == group }), child.alive else { return }
        if signal == SIGKILL {
            after(1) { [unowned self] in self.exit(child, .signaled(SIGKILL)) }
        } else if signal == SIGTERM, !child.script.ignoresSIGTERM {
            after(child.script.termExitMs) { [unowned self] in self.exit(child, .signaled(SIGTERM)) }
        }
    }

    func probe(host: String, port: Int, done: @escaping (Bool) -> Void) throws -> any LayerProbe {
        probes.append(nowMs)
        let listening = children.contains { child in
            child.alive && child.command.environment["BARRAGE_PORT"] == String(port)
                && child.script.listensAfterMs.map { child.spawnedMs + $0 <= nowMs } == true
        }
        // A refused connect answers at once, an accepted one after the handshake: both later.
        let answer = Event(layer: self)
        try answer.start(after: 1, repeat: 0) { done(listening) }
        return answer
    }

    func freePort(host: String) throws -> Int { 41_000 }

    func sample(root: Int32, timeMs: UInt64) -> ResourceSample? {
        guard children.contains(where: { $0.pid == root && $0.alive }) else { return nil }
        return ResourceSample(timeMs: timeMs, cpuSeconds: Double(timeMs) / 1000, rssBytes: rssBytes, threads: 2)
    }

    func makeCgroup(cellID: String, limits: Limits) throws(ServerLayerError) -> any LayerCgroup {
        guard let cgroup else { throw ServerLayerError(description: "no cgroup here") }
        return cgroup
    }

    func versions(from source: VersionsSource) -> [String: String] { ["fake": "1"] }

    func writeTLSFiles(_ certificate: IssuedCertificate) throws -> (files: ServerTLSFiles, remove: () -> Void) {
        (ServerTLSFiles(certificate: "/tmp/fake/server.pem", key: "/tmp/fake/server.key"), {})
    }

    func log(_ line: String) { logLines.append(line) }

    /// Fires due events in time order until `done()` holds or `limitMs` of virtual time pass;
    /// true when `done()` held.
    @discardableResult
    func run(until done: () -> Bool, limitMs: UInt64 = 120_000) -> Bool {
        time.run(until: done, limitMs: limitMs)
    }

    /// Runs `limitMs` of virtual time.
    func run(forMs limitMs: UInt64) { time.run(forMs: limitMs) }

    private func after(_ milliseconds: UInt64, _ fire: @escaping () -> Void) { time.after(milliseconds, fire) }

    private func exit(_ child: Child, _ status: ExitStatus) {
        guard child.alive else { return }
        child.exitedMs = nowMs
        child.endedWith = status
        child.onExit(status)
    }
}
