import Control
import Glibc
import Metrics
import Serve
import UV
import Wire
import WorkerCore

/// The worker agent's real ports on a libuv loop: the control channel on stdin/stdout,
/// SIGTERM, the agent's tick, and the real runners.
final class LoopWorkerPorts: WorkerPorts {
    private let loop: Loop
    private let channel: ControlChannel<CoordinatorMessage, WorkerMessage>
    private let selfExecutable: String
    private let terminateSignal: Signal
    private let ticker: Timer

    init(loop: Loop, selfExecutable: String) throws {
        self.loop = loop
        self.selfExecutable = selfExecutable
        let input = try Pipe(loop: loop)
        try input.open(0)
        let output = try Pipe(loop: loop)
        try output.open(1)
        channel = ControlChannel(input: input, output: output)
        terminateSignal = try Signal(loop: loop)
        ticker = try Timer(loop: loop)
    }

    /// Feeds `agent` its events: SIGTERM, a tick every `tickMs`, the channel's messages and
    /// end; then tells it it began.
    func start(_ agent: WorkerAgent, tickMs: UInt64) throws {
        // The coordinator's SIGTERM (or a remote shell's hangup) means the same as a closed channel.
        try terminateSignal.start(SIGTERM) { _ in agent.handle(.terminated) }
        try ticker.start(after: tickMs, repeat: tickMs) { [unowned self] in agent.handle(.tick(nowMs: self.loop.now)) }
        try channel.start(
            onMessage: { [unowned self] message in agent.handle(.received(message, nowMs: self.loop.now)) },
            onEnd: { end in
                switch end {
                case .closed: agent.handle(.channelEnded(nil))
                case .broken(let why): agent.handle(.channelEnded(why))
                }
            })
        agent.handle(.began(pid: getpid(), cores: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), nowMs: loop.now))
    }

    func send(_ message: WorkerMessage) {
        channel.send(message)
    }

    func log(_ line: String) {
        StandardError.write("barrage worker \(getpid()): \(line)\n")
    }

    func raiseOpenFiles() -> (soft: UInt64, hard: UInt64) {
        let limits = ResourceLimits.raiseOpenFilesToHardLimit()
        return (limits.soft, limits.hard)
    }

    func makeServer(
        _ setup: ServerSetup, ready: @escaping (ServerReadyReport) -> Void, failed: @escaping (String) -> Void,
        building: @escaping () -> Void
    ) throws -> any ServerRole {
        try ServerRunner(
            loop: loop, setup: setup, selfExecutable: selfExecutable,
            callbacks: .init(ready: ready, failed: failed, building: building))
    }

    func makeClient(_ setup: ClientSetup) throws -> any ClientRole {
        try ClientRunner(loop: loop, setup: setup)
    }

    func hostFacts(name: String) -> HostFacts {
        HostProbe.facts(name: name)
    }

    func exit() {
        channel.whenFlushed { [unowned self] in
            self.ticker.close()
            self.channel.close()
            self.terminateSignal.close()
            self.loop.stop()
        }
    }
}
