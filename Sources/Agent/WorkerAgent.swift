import Metrics
import Wire
import WorkerCore

/// `barrage worker`: a server or client worker driven over stdin/stdout by the coordinator.
///
/// The executor of `AgentMachine`: every event (a message, a tick, a runner's answer, the
/// channel's end) goes to the machine, and the agent carries out the actions it returns
/// through its `WorkerPorts`. Its stdout carries only control frames (logs go to stderr, which
/// the coordinator sends to `logs/`). When the control channel closes — the coordinator ended,
/// was killed, or is done with it — the worker kills everything it started and exits.
public final class WorkerAgent {
    /// What the agent started.
    private enum Role {
        case none
        case server(any ServerRole, node: String, host: String)
        case client(any ClientRole)
    }

    private var machine: AgentMachine
    private let ports: any WorkerPorts
    private var role: Role = .none

    init(ports: any WorkerPorts, timeouts: AgentTimeouts = AgentTimeouts()) {
        self.ports = ports
        machine = AgentMachine(timeouts: timeouts)
    }

    /// Takes one event and carries out what the machine decides.
    func handle(_ event: AgentEvent) {
        for action in machine.handle(event) { perform(action) }
    }

    private func perform(_ action: AgentAction) {
        switch action {
        case .send(let message):
            ports.send(message)
        case .log(let line):
            ports.log(line)
        case .raiseOpenFiles:
            let limits = ports.raiseOpenFiles()
            handle(.openFiles(soft: limits.soft, hard: limits.hard))
        case .startServer(let setup):
            startServer(setup)
        case .startClient(let setup):
            startClient(setup)
        case .startLoad:
            guard case .client(let runner) = role else { return }
            runner.start(
                progress: { [unowned self] in self.handle(.runnerSaid(.progress($0))) },
                interval: { [unowned self] in self.handle(.runnerSaid(.interval($0))) })
        case .mark(let edge):
            switch role {
            case .client(let runner): runner.mark(edge) { [unowned self] in self.handle(.runnerSaid(.marked(edge))) }
            case .server(let runner, _, _): runner.mark(edge)
            case .none: break
            }
        case .stopClient:
            guard case .client(let runner) = role else { return }
            runner.stop { [unowned self] in self.handle(.runnerSaid(.clientResult($0))) }
        case .sendServerResult:
            guard case .server(let runner, let node, let host) = role else { return }
            var result = runner.result(node: node, host: host)
            result.hostFacts = ports.hostFacts(name: host)
            ports.send(.serverResult(result))
        case .sendServerSamples:
            guard case .server(let runner, _, _) = role else { return }
            let samples = runner.takeSamples()
            if !samples.isEmpty { ports.send(.serverSamples(samples)) }
        case .stopServer(let graceMs):
            guard case .server(let runner, _, _) = role else { return }
            runner.terminate(graceMs: graceMs) {}
        case .endChildren(let graceMs):
            switch role {
            case .none:
                handle(.childrenEnded)
            case .client(let runner):
                runner.shutDown()
                handle(.childrenEnded)
            case .server(let runner, _, _):
                runner.terminate(graceMs: graceMs) { [unowned self] in self.handle(.childrenEnded) }
            }
        case .exit:
            ports.exit()
        }
    }

    private func startServer(_ setup: ServerSetup) {
        do {
            let runner = try ports.makeServer(
                setup, ready: { [unowned self] in self.handle(.runnerSaid(.serverReady($0))) },
                failed: { [unowned self] in self.handle(.serverFailed($0)) },
                building: { [unowned self] in self.handle(.runnerSaid(.building(system: setup.system))) })
            role = .server(runner, node: setup.node, host: setup.host)
            runner.start()
        } catch {
            handle(.setupFailed("\(error)"))
        }
    }

    private func startClient(_ setup: ClientSetup) {
        do {
            let runner = try ports.makeClient(setup)
            role = .client(runner)
            runner.connect(
                ready: { [unowned self] in self.handle(.runnerSaid(.clientReady($0))) },
                failed: { [unowned self] in self.handle(.runnerSaid(.failed(reason: $0))) })
        } catch {
            handle(.setupFailed("\(error)"))
        }
    }
}
