import Glibc
import Testing
import UV

@testable import Load

/// The memory nghttp2's client sessions get: with the request table off, each session's
/// encoder ring comes from pages set aside for it, goes back when the session is deleted, and
/// is never touched while calls run (so it is never resident).
@Suite struct SessionMemoryTests {
    /// Pages of `pages` that are resident now (mincore).
    private func residentPages(_ pages: UnsafeRawBufferPointer) -> Int {
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        var vector = [UInt8](repeating: 0, count: (pages.count + pageSize - 1) / pageSize)
        #expect(mincore(UnsafeMutableRawPointer(mutating: pages.baseAddress!), pages.count, &vector) == 0)
        return vector.filter { $0 & 1 != 0 }.count
    }

    @Test func eachSessionTakesOneRingAndGivesItBack() {
        let options = GRPCClientSessionOptions(concurrency: 1, requestHeaderTableBytes: 0, connections: 3)
        let template = GRPCRequestTemplate(call: .unary, authority: "127.0.0.1:1", payloadBytes: 16)
        let recorder = OutcomeRecorder()
        var sessions: [GRPCClientConnection] = (0..<3).map {
            GRPCClientConnection(index: $0, template: template, options: options, concurrency: 1, delegate: recorder)!
        }
        // nghttp2 allocates the encoder's ring first among a session's 1 KiB blocks: exactly one
        // of them per session lands in the set-aside pages.
        #expect(options.sessionMemory.ringsOut == 3)
        sessions.removeLast()
        #expect(options.sessionMemory.ringsOut == 2)
        sessions.append(GRPCClientConnection(index: 3, template: template, options: options, concurrency: 1, delegate: recorder)!)
        #expect(options.sessionMemory.ringsOut == 3)
        sessions.removeAll()
        #expect(options.sessionMemory.ringsOut == 0)
    }

    @Test func callsNeverTouchTheSetAsideRings() throws {
        let options = GRPCClientSessionOptions(concurrency: 4, requestHeaderTableBytes: 0, connections: 1)
        let pair = InMemoryPair(concurrency: 4, sessionOptions: options)
        pair.handshake()
        for round in 1...20 {
            for _ in 0..<4 { #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())) }
            pair.pump()
            #expect(pair.recorder.successes == round * 4)
        }
        let pages = try #require(options.sessionMemory.ringPages)
        #expect(options.sessionMemory.ringsOut == 1)
        #expect(residentPages(pages) == 0)
    }

    @Test func callsReuseTheBlocksOfTheCallsBefore() {
        let options = GRPCClientSessionOptions(concurrency: 4, requestHeaderTableBytes: 4_096, connections: 1)
        let pair = InMemoryPair(concurrency: 4, sessionOptions: options)
        pair.handshake()
        func round() {
            for _ in 0..<4 { #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime())) }
            pair.pump()
        }
        round()
        // nghttp2's per-call blocks (streams, frames, header arrays) came from the pool...
        let slabs = options.sessionMemory.poolSlabs
        #expect(slabs > 0)
        // ...and later calls take the same ones back instead of growing it.
        for _ in 1...50 { round() }
        #expect(pair.recorder.successes == 51 * 4)
        #expect(options.sessionMemory.poolSlabs == slabs)
    }

    @Test func withTheRequestTableOnNothingIsSetAside() {
        let options = GRPCClientSessionOptions(concurrency: 1, requestHeaderTableBytes: 4_096, connections: 100)
        let pair = InMemoryPair(sessionOptions: options)
        pair.handshake()
        #expect(pair.client.submit(startNs: Loop.hrtime(), nowNs: Loop.hrtime()))
        pair.pump()
        #expect(pair.recorder.successes == 1)
        #expect(options.sessionMemory.ringPages == nil)
        #expect(options.sessionMemory.ringsOut == 0)
    }
}

@Suite struct RequestHeaderTableTests {
    @Test func aTableUpToAThousandConnectionsNoneAbove() {
        #expect(GRPCClientSessionOptions.requestHeaderTableBytes(connections: 1) == 4_096)
        #expect(GRPCClientSessionOptions.requestHeaderTableBytes(connections: 100) == 4_096)
        #expect(GRPCClientSessionOptions.requestHeaderTableBytes(connections: 1_000) == 4_096)
        #expect(GRPCClientSessionOptions.requestHeaderTableBytes(connections: 1_001) == 0)
        #expect(GRPCClientSessionOptions.requestHeaderTableBytes(connections: 10_000) == 0)
    }
}
