import Control
import Glibc
import Metrics
import Serve
import UV
import Wire

/// `barrage worker`: a server or client worker driven over stdin/stdout by the coordinator.
///
/// Its stdout carries only control frames (logs go to stderr, which the coordinator sends to
/// `logs/`). When the control channel closes — the coordinator ended, was killed, or is done
/// with it — the worker kills everything it started and exits.
public final class WorkerAgent {
    private enum Role {
        case waiting
        case server(ServerRunner, node: String, host: String)
        case client(ClientRunner)
    }

    private let loop: Loop
    private let channel: ControlChannel<CoordinatorMessage, WorkerMessage>
    private let selfExecutable: String
    private var role: Role = .waiting
    private var exiting = false
    private let terminateSignal: Signal
    /// Checks that the coordinator is still there (any message counts); a server worker also
    /// sends its new samples on each tick.
    private let watchdog: Timer
    private var lastHeardMs: UInt64 = 0

    /// Silence after which the worker takes its coordinator for gone.
    static let silenceLimitMs: UInt64 = 10_000

    private init(loop: Loop, selfExecutable: String) throws {
        self.loop = loop
        self.selfExecutable = selfExecutable
        let input = try Pipe(loop: loop)
        try input.open(0)
        let output = try Pipe(loop: loop)
        try output.open(1)
        channel = ControlChannel(input: input, output: output)
        terminateSignal = try Signal(loop: loop)
        watchdog = try Timer(loop: loop)
    }

    /// Runs a worker until its control channel closes; returns the process exit code.
    public static func main(selfExecutable: String) -> Int32 {
        if isatty(0) != 0 || isatty(1) != 0 {
            StandardError.write(
                "barrage worker is started by `barrage launch` and speaks its control protocol on stdin/stdout; it is not meant to be run by hand\n"
            )
            return 2
        }
        ignoreSIGPIPE()
        ProcessPriority.restoreForWorker()
        do {
            let loop = try Loop()
            let agent = try WorkerAgent(loop: loop, selfExecutable: selfExecutable)
            try agent.run()
            loop.run()
            loop.closeAll()
            return 0
        } catch {
            StandardError.write("barrage worker: \(error)\n")
            return 1
        }
    }

    private func run() throws {
        // The coordinator's SIGTERM (or a remote shell's hangup) means the same as a closed channel.
        try terminateSignal.start(SIGTERM) { [unowned self] _ in self.shutDown(reason: "SIGTERM") }
        lastHeardMs = loop.now
        try watchdog.start(after: 1000, repeat: 1000) { [unowned self] in
            if self.loop.now - self.lastHeardMs > Self.silenceLimitMs {
                self.shutDown(reason: "no word from the coordinator for \(Self.silenceLimitMs / 1000) s")
            } else if case .server(let runner, _, _) = self.role, !self.exiting {
                let samples = runner.takeSamples()
                if !samples.isEmpty { self.channel.send(.serverSamples(samples)) }
            }
        }
        try channel.start(
            onMessage: { [unowned self] message in
                self.lastHeardMs = self.loop.now
                self.receive(message)
            },
            onEnd: { [unowned self] end in
                switch end {
                case .closed: self.shutDown(reason: nil)
                case .broken(let why): self.shutDown(reason: why)
                }
            })
        channel.send(
            .hello(
                version: ControlCodec.protocolVersion, pid: getpid(),
                cores: max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))))
    }

    private func receive(_ message: CoordinatorMessage) {
        switch message {
        case .heartbeat:
            break
        case .setupServer(let setup):
            guard case .waiting = role else { return refuse(message) }
            startServer(setup)
        case .setupClient(let setup):
            guard case .waiting = role else { return refuse(message) }
            startClient(setup)
        case .start:
            guard case .client(let runner) = role else { return refuse(message) }
            runner.start(
                progress: { [unowned self] progress in self.channel.send(.progress(progress)) },
                interval: { [unowned self] interval in self.channel.send(.interval(interval)) })
        case .mark(let edge):
            switch role {
            case .client(let runner):
                runner.mark(edge) { [unowned self] in self.channel.send(.marked(edge)) }
            case .server(let runner, _, _):
                runner.mark(edge)
                channel.send(.marked(edge))
            case .waiting:
                refuse(message)
            }
        case .stop:
            switch role {
            case .client(let runner):
                runner.stop { [unowned self] result in self.channel.send(.clientResult(result)) }
            case .server(let runner, let node, let host):
                channel.send(.serverResult(Self.serverResult(runner, node: node, host: host)))
                runner.terminate {}
            case .waiting:
                refuse(message)
            }
        }
    }

    /// A message this worker's state has no answer to: the coordinator and this worker disagree.
    private func refuse(_ message: CoordinatorMessage) {
        channel.send(.failed(reason: "unexpected control message \(message) for this worker's state"))
    }

    private func startServer(_ setup: ServerSetup) {
        StandardError.write("barrage worker \(getpid()): server for \(setup.system) on \(setup.host)\n")
        do {
            let runner = try ServerRunner(
                loop: loop, setup: setup, selfExecutable: selfExecutable,
                callbacks: .init(
                    ready: { [unowned self] report in self.channel.send(.serverReady(report)) },
                    failed: { [unowned self] reason in
                        // What was sampled up to the failure still tells (an OOM's peak above all).
                        if case .server(let runner, let node, let host) = self.role {
                            self.channel.send(.serverResult(Self.serverResult(runner, node: node, host: host)))
                        }
                        self.channel.send(.failed(reason: reason))
                    },
                    building: { [unowned self] in self.channel.send(.building(system: setup.system)) }))
            role = .server(runner, node: setup.node, host: setup.host)
            runner.start()
        } catch {
            channel.send(.failed(reason: "server setup: \(error)"))
        }
    }

    private func startClient(_ setup: ClientSetup) {
        StandardError.write(
            "barrage worker \(getpid()): \(setup.node), \(setup.connections) connections to \(setup.targetsDescription)\n")
        let limits = ResourceLimits.raiseOpenFilesToHardLimit()
        if UInt64(setup.connections) + 64 > limits.soft {
            channel.send(
                .failed(
                    reason:
                        "\(setup.connections) connections need \(setup.connections + 64) open files; the limit here is \(limits.soft) (hard \(limits.hard))"
                ))
            return
        }
        do {
            let runner = try ClientRunner(loop: loop, setup: setup)
            role = .client(runner)
            runner.connect(
                ready: { [unowned self] report in self.channel.send(.clientReady(report)) },
                failed: { [unowned self] reason in self.channel.send(.failed(reason: reason)) })
        } catch {
            channel.send(.failed(reason: "client setup: \(error)"))
        }
    }

    /// What the server sampled, with the host it ran on.
    private static func serverResult(_ runner: ServerRunner, node: String, host: String) -> ServerNodeResult {
        var result = runner.result(node: node, host: host)
        result.hostFacts = HostProbe.facts(name: host)
        return result
    }

    /// Kills what this worker started, flushes what it still had to say, and ends the loop.
    private func shutDown(reason: String?) {
        guard !exiting else { return }
        exiting = true
        if let reason { StandardError.write("barrage worker \(getpid()): shutting down: \(reason)\n") }
        let finish = { [unowned self] in
            self.channel.whenFlushed {
                self.watchdog.close()
                self.channel.close()
                self.terminateSignal.close()
                self.loop.stop()
            }
        }
        switch role {
        case .waiting:
            finish()
        case .client(let runner):
            runner.shutDown()
            finish()
        case .server(let runner, _, _):
            runner.terminate(completion: finish)
        }
    }
}
