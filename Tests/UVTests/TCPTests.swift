import Testing
import UVTestSupport

@testable import UV

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct TCPTests {
    @Test func echoesOneMiBThroughPartialReads() throws {
        ignoreSIGPIPE()
        let loop = try Loop()
        defer { loop.closeAll() }
        let (server, port) = try makeServer(loop) { connection in
            do {
                try connection.startReading(
                    onData: { bytes in connection.write(Array(bytes)) },  // copy: bytes are reused
                    onEnd: { _ in connection.close() })
            } catch {
                Issue.record("server read failed: \(error)")
            }
        }

        let size = 1 << 20
        let payload = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 1)
        defer { payload.deallocate() }
        for index in 0..<size { payload[index] = UInt8(truncatingIfNeeded: index &* 31 &+ index >> 9) }

        var received: [UInt8] = []
        received.reserveCapacity(size)
        var reads = 0
        var writeCompletions = 0
        let client = try TCP(loop: loop)
        try client.connect(host: "127.0.0.1", port: port) { error in
            #expect(error == nil)
            try? client.setNoDelay(true)
            client.write(UnsafeRawBufferPointer(payload)) { error in
                #expect(error == nil)
                writeCompletions += 1
            }
            do {
                try client.startReading(
                    onData: { bytes in
                        reads += 1
                        received.append(contentsOf: bytes)
                        if received.count >= size {
                            client.close()
                            server.close()
                        }
                    },
                    onEnd: { error in Issue.record("client stream ended early: \(String(describing: error))") })
            } catch {
                Issue.record("client read failed: \(error)")
            }
        }
        try runLoop(loop)
        #expect(writeCompletions == 1)
        #expect(received.count == size)
        #expect(received.elementsEqual(payload))
        #expect(reads > 1, "1 MiB should arrive in several reads")
    }

    @Test func refusedConnectionIsReportedThroughTheCallback() throws {
        let loop = try Loop()
        defer { loop.closeAll() }
        // A bound but not listening socket: its port is ours, so nothing else can listen there.
        let blocker = try TCP(loop: loop)
        try blocker.bind(host: "127.0.0.1", port: 0)
        let port = try #require(blocker.localPort)

        var result: UVError?
        var completions = 0
        let client = try TCP(loop: loop)
        try client.connect(host: "localhost", port: port) { error in
            completions += 1
            result = error
            client.close()
            blocker.close()
        }
        try runLoop(loop)
        #expect(completions == 1)
        #expect(result?.name == "ECONNREFUSED")
        #expect(result?.operation == "uv_tcp_connect")
    }

    @Test func nonNumericHostThrowsAndNeverCallsBack() throws {
        let loop = try Loop()
        defer { loop.closeAll() }
        let client = try TCP(loop: loop)
        #expect(throws: UVError.self) {
            try client.connect(host: "example.invalid", port: 80) { _ in Issue.record("must not run") }
        }
        client.close()
        try runLoop(loop)
    }

    @Test func writeThenCloseCompletesEachWriteExactlyOnce() throws {
        ignoreSIGPIPE()
        let loop = try Loop()
        defer { loop.closeAll() }
        var accepted: TCP?
        let (server, port) = try makeServer(loop) { accepted = $0 }  // never reads

        // Far more than loopback socket buffers hold, so the write is still queued at close().
        let size = 32 << 20
        let big = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 1)
        big.initializeMemory(as: UInt8.self, repeating: 0x5a)
        defer { big.deallocate() }  // only after the loop: the write holds it until completion

        var bigCompletions = 0
        var bigError: UVError?
        var lateCompletions = 0
        var lateError: UVError?
        var closeReturned = false
        let client = try TCP(loop: loop)
        try client.connect(host: "127.0.0.1", port: port) { error in
            #expect(error == nil)
            let small: [UInt8] = Array("hello".utf8)
            let written = small.withUnsafeBytes { try? client.tryWrite($0) }
            #expect(written == 5)
            client.write(UnsafeRawBufferPointer(big)) { error in
                #expect(closeReturned, "completion must not run inside close()")
                bigCompletions += 1
                bigError = error
            }
            #expect(client.writeQueueSize > 0)
            client.close()
            client.close()  // second close: no-op
            closeReturned = true
            client.write(small) { error in  // after close: refused at once
                lateCompletions += 1
                lateError = error
            }
            #expect(lateCompletions == 1)
            server.close()
            accepted?.close()
        }
        try runLoop(loop)
        #expect(bigCompletions == 1)
        #expect(bigError?.name == "ECANCELED")
        #expect(lateCompletions == 1)
        #expect(lateError?.name == "EBADF")
    }

    @Test func steadyStateWritesReuseOneRequest() throws {
        ignoreSIGPIPE()
        let loop = try Loop()
        defer { loop.closeAll() }
        var total = 0
        let (server, port) = try makeServer(loop) { connection in
            try? connection.startReading(
                onData: { total += $0.count },
                onEnd: { _ in connection.close() })
        }
        let message: [UInt8] = Array(repeating: 7, count: 100)
        let client = try TCP(loop: loop)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: message.count, alignment: 1)
        buffer.copyBytes(from: message)
        defer { buffer.deallocate() }
        var remaining = 1_000
        func sendNext() {
            client.write(UnsafeRawBufferPointer(buffer)) { error in
                #expect(error == nil)
                remaining -= 1
                if remaining > 0 {
                    sendNext()
                } else {
                    #expect(client.pooledWriteRequests == 1)
                    client.shutdown { error in
                        #expect(error == nil)
                        client.close()
                        server.close()
                    }
                }
            }
        }
        try client.connect(host: "127.0.0.1", port: port) { error in
            #expect(error == nil)
            sendNext()
        }
        try runLoop(loop)
        #expect(remaining == 0)
        #expect(total == 100 * 1_000)
    }

    @Test func parsesNumericAddressesOnly() throws {
        #expect(try SocketAddress(host: "127.0.0.1", port: 80, operation: "t").family == AF_INET)
        #expect(try SocketAddress(host: "localhost", port: 80, operation: "t").family == AF_INET)
        #expect(try SocketAddress(host: "::1", port: 80, operation: "t").family == AF_INET6)
        #expect(try SocketAddress(host: "[::1]", port: 80, operation: "t").family == AF_INET6)
        #expect(throws: UVError.self) { try SocketAddress(host: "example.com", port: 80, operation: "t") }
        #expect(throws: UVError.self) { try SocketAddress(host: "127.0.0.1", port: 70_000, operation: "t") }
    }

    @Test func reusePortLetsTwoListenersShareAPort() throws {
        let loop = try Loop()
        defer { loop.closeAll() }
        let first = try TCP(loop: loop)
        try first.bind(host: "127.0.0.1", port: 0, reusePort: true)
        try first.listen { _ in }
        let port = try #require(first.localPort)
        let second = try TCP(loop: loop)
        try second.bind(host: "127.0.0.1", port: port, reusePort: true)
        try second.listen { _ in }
        #expect(second.localPort == port)

        // Without SO_REUSEPORT the same port is taken (libuv reports it from listen).
        let third = try TCP(loop: loop)
        #expect(throws: UVError.self) {
            try third.bind(host: "127.0.0.1", port: port)
            try third.listen { _ in }
        }
    }
}
