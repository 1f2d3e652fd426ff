import Wire

/// The worker agent's decisions, pure: which coordinator message has an answer in which
/// state, the open-files budget of a client, when the worker ends itself (the channel closed
/// or broke, SIGTERM, or the coordinator silent for `timeouts.silenceMs`) and in which order
/// (children first, then the channel flushed). `WorkerAgent` carries the actions out; time
/// comes in with the events, so tests drive it in virtual time.
public struct AgentMachine: Sendable {
    /// Open files a client worker keeps beside its connections (the channel, the loop's own,
    /// stdio, the threads' wake-ups).
    public static let spareFiles: UInt64 = 64

    public private(set) var state: AgentState = .waiting
    public let timeouts: AgentTimeouts
    /// When the coordinator last said something (or the agent began).
    private var lastHeardMs: UInt64 = 0

    public init(timeouts: AgentTimeouts = AgentTimeouts()) {
        self.timeouts = timeouts
    }

    /// Takes one event; returns what to do, in order.
    public mutating func handle(_ event: AgentEvent) -> [AgentAction] {
        switch event {
        case .began(let pid, let cores, let nowMs):
            lastHeardMs = nowMs
            return [.send(.hello(version: ControlCodec.protocolVersion, pid: pid, cores: max(1, cores)))]
        case .received(let message, let nowMs):
            lastHeardMs = nowMs
            return receive(message)
        case .tick(let nowMs):
            if case .ending = state { return [] }
            if nowMs - min(nowMs, lastHeardMs) > timeouts.silenceMs {
                return shutDown(reason: "no word from the coordinator for \(timeouts.silenceMs / 1000) s")
            }
            if case .server = state { return [.sendServerSamples] }
            return []
        case .openFiles(let soft, let hard):
            guard case .openingFiles(let setup) = state else { return [] }
            let needed = UInt64(max(0, setup.connections)) + Self.spareFiles
            guard needed <= soft else {
                state = .waiting
                return [
                    .send(
                        .failed(
                            reason:
                                "\(setup.connections) connections need \(needed) open files; the limit here is \(soft) (hard \(hard))"
                        ))
                ]
            }
            state = .client(node: setup.node)
            return [.startClient(setup)]
        case .setupFailed(let reason):
            let role: String
            switch state {
            case .server: role = "server"
            case .client: role = "client"
            default: return []
            }
            state = .waiting
            return [.send(.failed(reason: "\(role) setup: \(reason)"))]
        case .runnerSaid(let message):
            if case .ending = state { return [] }
            return [.send(message)]
        case .serverFailed(let reason):
            guard case .server = state else { return [] }
            // What was sampled up to the failure still tells (an OOM's peak above all).
            return [.sendServerResult, .send(.failed(reason: reason))]
        case .channelEnded(let reason):
            return shutDown(reason: reason)
        case .terminated:
            return shutDown(reason: "SIGTERM")
        case .childrenEnded:
            guard case .ending = state else { return [] }
            return [.exit]
        }
    }

    private mutating func receive(_ message: CoordinatorMessage) -> [AgentAction] {
        switch (message, state) {
        case (.heartbeat, _), (_, .ending):
            return []
        case (.setupServer(let setup), .waiting):
            state = .server(node: setup.node, host: setup.host)
            return [.log("server for \(setup.system) on \(setup.host)"), .startServer(setup)]
        case (.setupClient(let setup), .waiting):
            state = .openingFiles(setup)
            return [.log("\(setup.node), \(setup.connections) connections to \(setup.targetsDescription)"), .raiseOpenFiles]
        case (.start, .client):
            return [.startLoad]
        case (.mark(let edge), .client):
            return [.mark(edge)]
        case (.mark(let edge), .server):
            return [.mark(edge), .send(.marked(edge))]
        case (.stop, .client):
            return [.stopClient]
        case (.stop, .server):
            return [.sendServerResult, .stopServer(graceMs: timeouts.serverGraceMs)]
        default:
            // The coordinator and this worker disagree; say so, and let the coordinator decide.
            return [
                .send(
                    .failed(
                        reason:
                            "unexpected control message \(Self.name(of: message)) for this worker's state (\(state.description))")
                )
            ]
        }
    }

    /// The message's name, with a mark's edge: a refusal need not repeat a whole setup.
    static func name(of message: CoordinatorMessage) -> String {
        switch message {
        case .setupServer: "setupServer"
        case .setupClient: "setupClient"
        case .start: "start"
        case .mark(let edge): "mark(\(edge))"
        case .stop: "stop"
        case .heartbeat: "heartbeat"
        }
    }

    /// Ends what was started, then the worker; once, whatever asks first.
    private mutating func shutDown(reason: String?) -> [AgentAction] {
        let started: Bool
        switch state {
        case .ending: return []
        case .waiting, .openingFiles: started = false
        case .client, .server: started = true
        }
        state = .ending
        let log = reason.map { [AgentAction.log("shutting down: \($0)")] } ?? []
        return log + (started ? [.endChildren(graceMs: timeouts.serverGraceMs)] : [.exit])
    }
}
