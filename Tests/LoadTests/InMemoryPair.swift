import HTTP2
import UV

@testable import Load

/// Records every outcome a `GRPCClientConnection` reports.
final class OutcomeRecorder: LoadSessionDelegate {
    private(set) var outcomes: [CallOutcome] = []
    private(set) var latenciesNs: [UInt64] = []
    /// The server messages reported, with the error kind they came with.
    private(set) var statusMessages: [String] = []

    func sessionStatusMessage(_ message: String, for outcome: CallOutcome) {
        statusMessages.append("\(outcome.errorKind ?? "ok"): \(message)")
    }

    func sessionFinishedCall(_ outcome: CallOutcome, latencyNs: UInt64) {
        outcomes.append(outcome)
        latenciesNs.append(latencyNs)
    }

    /// Streaming calls that ended well.
    private(set) var streams = 0

    func sessionFinishedStream() { streams += 1 }

    var successes: Int { outcomes.filter { $0 == .success }.count }
    var errorKinds: [String] { outcomes.compactMap(\.errorKind) }
}

/// A client connection wired to a `TestGRPCServer` in memory: no sockets, every byte moved by
/// hand, so a test controls exactly how the server's bytes are cut.
final class InMemoryPair {
    let recorder = OutcomeRecorder()
    let server: TestGRPCServer
    let template: GRPCRequestTemplate
    let gzip = GzipInflater()
    let client: GRPCClientConnection

    init(
        call: GRPCCall = .unary, concurrency: Int = 1, payloadBytes: Int = 16, serverMaxStreams: UInt32 = 1000,
        serverSettings: [(UInt32, UInt32)] = [],
        callOptions: GRPCCallOptions = .init(),
        behavior: @escaping (Int32) -> TestServerBehavior = { _ in .echo }
    ) {
        server = TestGRPCServer(maxConcurrentStreams: serverMaxStreams, settings: serverSettings, behavior: behavior)
        template = GRPCRequestTemplate(
            call: call, authority: "127.0.0.1:50051", payloadBytes: payloadBytes, options: callOptions)
        client = GRPCClientConnection(
            index: 0, template: template, gzip: gzip,
            concurrency: concurrency, delegate: recorder)!
    }

    /// Everything the client has to send right now.
    func clientOutput() -> [UInt8] {
        var buffer = ByteBuffer()
        _ = client.produceOutput(into: &buffer, limit: Int.max)
        return Array(buffer.readable)
    }

    /// Moves the client's pending bytes to the server; returns how many moved.
    @discardableResult
    func sendClientOutput() -> Int {
        let bytes = clientOutput()
        bytes.withUnsafeBytes { _ = server.receive($0) }
        return bytes.count
    }

    /// Delivers `bytes` from the server to the client in the pieces `cuts` gives.
    func deliver(_ bytes: [UInt8], cutAt cuts: [Int] = []) {
        var start = 0
        for cut in cuts + [bytes.count] where cut >= start {
            bytes[start..<cut].withUnsafeBytes { _ = client.receive($0) }
            start = cut
        }
    }

    /// Moves bytes both ways until neither side has anything to say (bounded).
    func pump(rounds: Int = 50) {
        for _ in 0..<rounds {
            let sent = sendClientOutput()
            let answer = server.takeOutput()
            deliver(answer)
            if sent == 0, answer.isEmpty { return }
        }
    }

    /// Exchanges prefaces and SETTINGS until the client is ready.
    func handshake() {
        pump()
    }
}
