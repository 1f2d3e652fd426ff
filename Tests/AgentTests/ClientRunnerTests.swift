import Metrics
import Testing
import Topology
import UV
import UVTestSupport
import Wire

@testable import Agent

private func setup(
    port: Int, protocolKind: WorkloadProtocol = .tcpEcho, connections: Int, threads: Int,
    connectTimeoutMs: UInt64 = 2_000
) -> ClientSetup {
    ClientSetup(
        node: "client-1", host: "local", targets: [ServerEndpoint(host: "127.0.0.1", port: port)], protocolKind: protocolKind,
        call: .unary, payloadBytes: 32, connections: connections, concurrency: 1, threads: threads,
        ratePerSecond: nil, requestTimeoutMs: 2_000, connectTimeoutMs: connectTimeoutMs)
}

/// The client runner and its load threads against a real server on loopback: threads are
/// started, connect, send, mark the window and stop, all through their mailboxes.
@Suite struct ClientRunnerTests {
    init() { ignoreSIGPIPE() }

    @Test func threadsSendAndTheMarksCutTheWindow() throws {
        let loop = try Loop()
        defer { loop.closeAll() }
        let server = try EchoTestServer(loop: loop)
        let connections = 6
        let runner = try ClientRunner(loop: loop, setup: setup(port: server.port, connections: connections, threads: 3))
        // Echoes the server had sent when each mark was asked for and when it was done.
        var echoes: (openAsked: Int, openDone: Int, closeAsked: Int, closeDone: Int) = (0, 0, 0, 0)
        var ready: ClientReadyReport?
        var result: ClientNodeResult?
        var openAfterStop = -1
        var failure: String?
        let perRequest = 32
        var seconds: [ClientInterval] = []
        runner.connect(
            ready: { report in
                ready = report
                runner.start(progress: { _ in }, interval: { seconds.append($0) })
                after(150, on: loop) {
                    echoes.openAsked = server.echoedBytes / perRequest
                    runner.mark(.open) {
                        echoes.openDone = server.echoedBytes / perRequest
                        after(300, on: loop) {
                            echoes.closeAsked = server.echoedBytes / perRequest
                            runner.mark(.close) {
                                echoes.closeDone = server.echoedBytes / perRequest
                                // Load goes on after the window: none of it may count.
                                after(150, on: loop) {
                                    runner.stop { stopped in
                                        result = stopped
                                        // Stopping closed every connection: the server sees them go.
                                        after(200, on: loop) {
                                            openAfterStop = server.openConnections
                                            runner.shutDown()
                                            server.close()
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            },
            failed: { reason in
                failure = reason
                runner.shutDown()
                server.close()
            })
        try runLoop(loop, timeout: 10_000)
        #expect(failure == nil)
        #expect(ready?.connectionsEstablished == connections)
        #expect(server.accepted == connections, "every thread connected its share")
        let window = try #require(result)
        #expect(window.threads == 3)
        #expect(window.connectionsEstablished == connections)
        #expect(window.errors.isEmpty)
        #expect(window.histogram.count == window.requests)
        #expect(window.window.endMs >= window.window.startMs + 300)
        // The seconds left before the result, each once, and add up to the window; the result keeps none.
        #expect(window.intervals.isEmpty)
        #expect(seconds.map(\.second) == Array(0..<seconds.count))
        #expect(seconds.map(\.counts.requests).reduce(0, +) == window.requests)
        #expect(seconds.map(\.counts.histogram.count).reduce(0, +) == window.histogram.count)
        // Counted in the window: what completed between the threads' marks. An echo in flight
        // (one per connection) may straddle a mark either way, and a thread may handle its
        // mark one loop iteration after the bytes beside it (one more per connection).
        let slack = UInt64(2 * connections)
        #expect(window.requests > 0)
        #expect(
            window.requests <= UInt64(echoes.closeDone - echoes.openAsked) + slack,
            "window \(window.requests), echoes \(echoes)")
        #expect(
            window.requests + slack >= UInt64(max(0, echoes.closeAsked - echoes.openDone)),
            "window \(window.requests), echoes \(echoes)")
        #expect(
            UInt64(server.echoedBytes / perRequest) > window.requests + slack,
            "warmup and the time after the window sent more that did not count")
        #expect(openAfterStop == 0, "stop closed every connection")
    }

    @Test func noServerFailsNamingTheReason() throws {
        let loop = try Loop()
        defer { loop.closeAll() }
        // A port just freed: nothing listens there.
        let probe = try TCP(loop: loop)
        try probe.bind(host: "127.0.0.1", port: 0)
        let port = try #require(probe.localPort)
        probe.close()
        let runner = try ClientRunner(loop: loop, setup: setup(port: port, connections: 4, threads: 2))
        var failure: String?
        runner.connect(
            ready: { _ in runner.shutDown() },
            failed: { reason in
                failure = reason
                runner.shutDown()
            })
        try runLoop(loop, timeout: 5_000)
        #expect(failure == "no connection to 127.0.0.1:\(port) could be made (ECONNREFUSED ×4)")
    }

    @Test func aListenerThatNeverSpeaksHTTP2FailsForWantOfSettings() throws {
        let loop = try Loop()
        defer { loop.closeAll() }
        let server = try EchoTestServer(loop: loop, speaks: false)
        let runner = try ClientRunner(
            loop: loop, setup: setup(port: server.port, protocolKind: .grpc, connections: 3, threads: 2, connectTimeoutMs: 300))
        var failure: String?
        let started = Loop.hrtime()
        var elapsedMs: UInt64 = 0
        runner.connect(
            ready: { _ in
                runner.shutDown()
                server.close()
            },
            failed: { reason in
                elapsedMs = (Loop.hrtime() - started) / 1_000_000
                failure = reason
                runner.shutDown()
                server.close()
            })
        try runLoop(loop, timeout: 5_000)
        #expect(failure == "connected to 127.0.0.1:\(server.port), but no HTTP/2 SETTINGS within 0.3 s (3 of 3 connections)")
        #expect(server.accepted == 3)
        #expect(elapsedMs >= 300, "not before the timeout")
    }
}
