import Dispatch
import Load
import Synchronization
import Testing
import UV

@testable import Agent

/// What the load thread's replies and its server's rounds leave for the test, from any thread.
private final class Seen: Sendable {
    /// The thread, for the server's round to post to once it exists.
    let thread = Mutex<LoadThread?>(nil)
    /// The calls completed when the thread stopped.
    let requestsAtStop = Mutex<UInt64?>(nil)
    /// Signalled by the connected and the stopped reply.
    let replied = DispatchSemaphore(value: 0)
}

/// Commands reach a load thread that is busy with its connections within one connection event,
/// not after a round of all of them.
@Suite struct LoadThreadTests {
    init() { ignoreSIGPIPE() }

    /// Every connection of the thread is ready at once (a server answering in rounds) when the
    /// stop is posted: the thread stops after the one read it is in, instead of completing and
    /// re-sending the whole round first (its wake-up's descriptor becomes ready behind them).
    /// Stopping there closes every connection, the one whose read is running too; the exit
    /// posted with it ends the thread from the same point.
    @Test func aStopPostedWhileEveryConnectionIsReadyTakesEffectWithinOneRead() throws {
        let connections = 200
        let requestBytes = 32
        let seen = Seen()
        let replied = seen.replied
        let loadThread = try LoadThread(
            index: 0,
            makeGenerator: { loop in
                let server = try RoundEchoServer(loop: loop, connections: connections, requestBytes: requestBytes) { round in
                    // Round 2's echoes are all on their way: the client's next poll holds every
                    // connection, and the stop's wake-up after them.
                    guard round == 2 else { return }
                    seen.thread.withLock { $0?.send(.stop) }
                    seen.thread.withLock { $0?.send(.exit) }
                }
                return try LoadGenerator(
                    loop: loop,
                    parameters: LoadGenerator.Parameters(
                        targetHost: "127.0.0.1", targetPort: server.port, connections: connections,
                        payloadBytes: requestBytes, protocolKind: .tcpEcho, ratePerSecond: nil,
                        requestTimeoutMs: 5_000, connectTimeoutMs: 5_000))
            },
            reply: { _, reply in
                switch reply {
                case .connected:
                    replied.signal()
                case .stopped(let counters):
                    seen.requestsAtStop.withLock { $0 = counters.totalRequests }
                    replied.signal()
                default:
                    break
                }
            })
        seen.thread.withLock { $0 = loadThread }
        loadThread.send(.connect)
        #expect(replied.wait(timeout: .now() + 10) == .success, "connected")
        loadThread.send(.start)
        #expect(replied.wait(timeout: .now() + 10) == .success, "stopped")
        // Round 1 completed every connection's call; of round 2 only the read the stop came in.
        let requests = try #require(seen.requestsAtStop.withLock { $0 })
        #expect(requests >= UInt64(connections) && requests <= UInt64(connections + 1), "calls at the stop: \(requests)")
    }
}
