import Testing
import UVTestSupport

@testable import UV

@Suite struct SharedReadBufferTests {
    /// Three clients reading interleaved echoes through the loop's one read buffer each get
    /// exactly their own bytes.
    @Test func streamsSharingTheLoopBufferEachReadTheirOwnBytes() throws {
        ignoreSIGPIPE()
        let loop = try Loop()
        defer { loop.closeAll() }
        let (server, port) = try makeServer(loop) { connection in
            connection.sharesLoopReadBuffer = true
            try? connection.startReading(
                onData: { bytes in connection.write(Array(bytes)) },
                onEnd: { _ in connection.close() })
        }
        let size = 300_000
        var done = 0
        for client in 0..<3 {
            let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* (client + 3)) }
            var received: [UInt8] = []
            let tcp = try TCP(loop: loop)
            tcp.sharesLoopReadBuffer = true
            try tcp.connect(host: "127.0.0.1", port: port) { error in
                #expect(error == nil)
                tcp.write(payload)
                try? tcp.startReading(
                    onData: { bytes in
                        received.append(contentsOf: bytes)
                        if received.count >= size {
                            #expect(received == payload, "client \(client) got someone else's bytes")
                            tcp.close()
                            done += 1
                            if done == 3 { server.close() }
                        }
                    }, onEnd: { _ in tcp.close() })
            }
        }
        try runLoop(loop)
        #expect(done == 3)
        #expect(loop.sharedReadBuffer.count == Stream.defaultReadBufferSize)
    }
}
