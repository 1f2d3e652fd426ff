import Synchronization
import Testing
import UV
import UVTestSupport

@testable import BuiltinServer

@Suite struct BuiltinLoopServerTests {
    @Test func servesUnaryAndStreamOverTCP() throws {
        ignoreSIGPIPE()
        let loop = try Loop()
        defer { loop.closeAll() }
        let server = try BuiltinLoopServer.grpc(loop: loop, host: "127.0.0.1", port: 0)
        let port = try #require(server.port)

        let unaryMessage = payload(Array("over the wire".utf8))
        let streamMessages = (0..<3).map { payload(Array("stream \($0)".utf8)) }
        var unary: H2TestClient.Call?
        var stream: H2TestClient.Call?
        let client = try SocketH2Client(loop: loop, port: port) { client, error in
            #expect(error == nil)
            unary = client.h2.start(path: "/bench.Echo/Unary", chunks: [grpcFrame(unaryMessage)])
            stream = client.h2.start(path: "/bench.Echo/Stream", chunks: streamMessages.map { grpcFrame($0) })
            client.flush()
        }
        client.onProgress = { [unowned client] in
            guard let unary, let stream, unary.closed, stream.closed else { return }
            client.close()
            server.close()
        }
        try runLoop(loop)
        #expect(unary?.messages == [unaryMessage])
        #expect(unary?.grpcStatus == 0)
        #expect(stream?.messages == streamMessages)
        #expect(stream?.grpcStatus == 0)
        #expect(server.acceptedConnections == 1)
        #expect(server.openConnections == 0)
    }

    @Test func aClientThatStopsReadingGetsEverythingOnceItReadsAgain() throws {
        ignoreSIGPIPE()
        let loop = try Loop()
        defer { loop.closeAll() }
        // Windows big enough that the client can send 16 MiB without hearing back, so the
        // server's writes must back up: partial writes, queued output, paused reading.
        var settings = GRPCServerSettings()
        settings.streamWindow = 32 << 20
        settings.connectionWindow = 32 << 20
        let server = try BuiltinLoopServer.grpc(loop: loop, host: "127.0.0.1", port: 0, settings: settings)
        let port = try #require(server.port)
        let message = payload(Array(repeating: 0xA5, count: 64 * 1024))
        let count = 256
        var call: H2TestClient.Call?
        let resume = try Timer(loop: loop)
        let client = try SocketH2Client(loop: loop, port: port) { _, error in #expect(error == nil) }
        client.onProgress = { [unowned client] in
            if call == nil {
                // The server's SETTINGS are in: send everything, then stop reading for a while.
                call = client.h2.start(path: "/bench.Echo/Stream", chunks: Array(repeating: grpcFrame(message), count: count))
                client.flush()
                client.pauseReading()
                try? resume.start(after: 300) { client.resumeReading() }
            } else if let call, call.closed {
                client.close()
                server.close()
                resume.close()
            }
        }
        try runLoop(loop, timeout: 8_000)
        #expect(call?.messages.count == count)
        #expect(call?.messages.allSatisfy { $0 == message } == true)
        #expect(call?.grpcStatus == 0)
    }

    @Test func closingTheServerSaysGoAwayToOpenConnections() throws {
        ignoreSIGPIPE()
        let loop = try Loop()
        defer { loop.closeAll() }
        let server = try BuiltinLoopServer.grpc(loop: loop, host: "127.0.0.1", port: 0)
        let port = try #require(server.port)
        let client = try SocketH2Client(loop: loop, port: port) { client, error in
            #expect(error == nil)
            client.h2.start(path: "/bench.Echo/Unary", chunks: [grpcFrame(payload([1]))])
            client.flush()
        }
        client.onProgress = { [unowned client] in
            if client.h2.calls.values.allSatisfy(\.closed) && server.openConnections > 0 {
                server.close()  // with the connection idle and open
            }
            if client.ended { client.close() }
        }
        try runLoop(loop)
        #expect(client.h2.goAway)
        #expect(client.ended)
    }

    @Test func twoThreadsShareThePortAndBothAccept() throws {
        ignoreSIGPIPE()
        let servers = Mutex<[ServerBox]>([])
        let threads = try MultiLoopServer(count: 2, port: 0) { loop, port, reusePort in
            #expect(reusePort)
            let server = try BuiltinLoopServer.grpc(loop: loop, host: "127.0.0.1", port: port, reusePort: reusePort)
            servers.withLock { $0.append(ServerBox(server: server)) }
            return server
        }
        defer { threads.stop() }
        #expect(threads.port > 0)

        // Many connections with distinct source ports: the kernel's reuseport hash spreads
        // them, so with 40 the chance that one listener gets none is 2^-39.
        let loop = try Loop()
        defer { loop.closeAll() }
        let connections = 40
        var finished = 0
        var clients: [SocketH2Client] = []
        for index in 0..<connections {
            let message = payload(Array("connection \(index)".utf8))
            var call: H2TestClient.Call?
            let client = try SocketH2Client(loop: loop, port: threads.port) { client, error in
                #expect(error == nil)
                call = client.h2.start(path: "/bench.Echo/Unary", chunks: [grpcFrame(message)])
                client.flush()
            }
            client.onProgress = { [unowned client] in
                guard let call, call.closed else { return }
                #expect(call.messages == [message])
                #expect(call.grpcStatus == 0)
                client.close()
                finished += 1
            }
            clients.append(client)
        }
        try runLoop(loop)
        #expect(finished == connections)

        threads.stop()  // joined: the servers' counters are safe to read now
        let accepted = servers.withLock { $0.map(\.server.acceptedConnections) }
        #expect(accepted.count == 2)
        #expect(accepted.reduce(0, +) == connections)
        #expect(accepted.allSatisfy { $0 > 0 }, "accepted per thread: \(accepted)")
    }

    @Test func tcpEchoRunsOnThreadsToo() throws {
        ignoreSIGPIPE()
        let threads = try MultiLoopServer(count: 2, port: 0) { loop, port, reusePort in
            try BuiltinLoopServer.tcpEcho(loop: loop, host: "127.0.0.1", port: port, reusePort: reusePort)
        }
        defer { threads.stop() }
        let loop = try Loop()
        defer { loop.closeAll() }
        var echoed: [UInt8] = []
        let client = try TCP(loop: loop)
        try client.connect(host: "127.0.0.1", port: threads.port) { error in
            #expect(error == nil)
            try? client.startReading(
                onData: { bytes in
                    echoed.append(contentsOf: bytes)
                    if echoed.count >= 5 { client.close() }
                },
                onEnd: { _ in client.close() })
            client.write(Array("hello".utf8))
        }
        try runLoop(loop)
        #expect(echoed == Array("hello".utf8))
    }

    @Test func aTakenPortFailsTheStartWithTheError() throws {
        let loop = try Loop()
        defer { loop.closeAll() }
        let blocker = try BuiltinLoopServer.grpc(loop: loop, host: "127.0.0.1", port: 0)
        let port = try #require(blocker.port)
        #expect(throws: UVError.self) {
            _ = try MultiLoopServer(count: 1, port: port) { loop, port, reusePort in
                try BuiltinLoopServer.grpc(loop: loop, host: "127.0.0.1", port: port, reusePort: reusePort)
            }
        }
        blocker.close()
    }
}

/// Hands a server created on a server thread to the test thread, which reads it only after
/// the threads were joined.
struct ServerBox: @unchecked Sendable {
    let server: BuiltinLoopServer
}
