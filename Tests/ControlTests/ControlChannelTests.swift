import Control
import Glibc
import Metrics
import Testing
import UV
import UVTestSupport
import Wire

/// Both ends of a worker's control channel over a real socket pair on one loop: each side
/// reads only its own direction's messages.
@Suite struct ControlChannelTests {
    /// Two connected pipes: the coordinator's end and the worker's.
    static func socketPair(_ loop: Loop) throws -> (coordinator: Pipe, worker: Pipe) {
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw UVError(code: -errno, operation: "socketpair")
        }
        let coordinator = try Pipe(loop: loop)
        try coordinator.open(fds[0])
        let worker = try Pipe(loop: loop)
        try worker.open(fds[1])
        return (coordinator, worker)
    }

    @Test func messagesTravelBothWaysInOrderAndClosingEndsThePeer() throws {
        let loop = try Loop()
        let (a, b) = try Self.socketPair(loop)
        let coordinator = ControlChannel<WorkerMessage, CoordinatorMessage>(input: a, output: a)
        let worker = ControlChannel<CoordinatorMessage, WorkerMessage>(input: b, output: b)
        var atWorker: [CoordinatorMessage] = []
        var atCoordinator: [WorkerMessage] = []
        var coordinatorEnd: ControlChannelEnd?
        try worker.start(
            onMessage: { message in
                atWorker.append(message)
                if message == .mark(.open) { worker.send(.marked(.open)) }
                if message == .stop {
                    worker.send(.failed(reason: "done"))
                    worker.whenFlushed { worker.close() }
                }
            }, onEnd: { _ in })
        try coordinator.start(
            onMessage: { atCoordinator.append($0) },
            onEnd: { end in
                coordinatorEnd = end
                coordinator.close()
            })
        worker.send(.hello(version: ControlCodec.protocolVersion, pid: 7, cores: 2))
        for message: CoordinatorMessage in [.heartbeat, .start, .mark(.open), .stop] { coordinator.send(message) }
        try runLoop(loop)
        #expect(atWorker == [.heartbeat, .start, .mark(.open), .stop])
        #expect(
            atCoordinator == [
                .hello(version: ControlCodec.protocolVersion, pid: 7, cores: 2), .marked(.open), .failed(reason: "done")
            ])
        #expect(coordinatorEnd == .closed)
        loop.closeAll()
    }

    /// A worker whose peer speaks the worker's own direction (two workers wired together, say)
    /// stops reading and says why, instead of acting on a misread message.
    @Test func aFrameOfTheWrongDirectionBreaksTheChannelNamingIt() throws {
        let loop = try Loop()
        let (a, b) = try Self.socketPair(loop)
        let confused = ControlChannel<CoordinatorMessage, WorkerMessage>(input: a, output: a)
        let worker = ControlChannel<CoordinatorMessage, WorkerMessage>(input: b, output: b)
        var received: [CoordinatorMessage] = []
        var end: ControlChannelEnd?
        try worker.start(
            onMessage: { received.append($0) },
            onEnd: { reason in
                end = reason
                worker.close()
                confused.close()
            })
        try confused.start(onMessage: { _ in }, onEnd: { _ in })
        confused.send(.marked(.close))
        try runLoop(loop)
        #expect(received.isEmpty)
        #expect(
            end
                == .broken(
                    "unreadable control message: 'marked' is a worker → coordinator message, received where coordinator → worker messages travel"
                ))
        loop.closeAll()
    }
}
