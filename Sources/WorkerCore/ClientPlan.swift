import ProtoSchema
import Topology
import Wire

/// What a client worker does with its setup, decided once before any thread starts: each load
/// thread's share of the connections and of the open-loop rate (exact, `ConnectionSplit`), the
/// number of its first connection and so where it starts in the targets, and whether the node
/// file counts streams.
public struct ClientPlan: Sendable {
    /// One load thread's part: a thread may get no connections (fewer connections than threads).
    public typealias Thread = ConnectionSplit.Part<ServerEndpoint>

    /// Every load thread's part, by thread index (at least one thread).
    public let threads: [Thread]
    /// Whether each call is a stream whose messages are the counted requests (SPEC: "for
    /// streaming methods `requests` counts messages"), so the node file says how many streams.
    public let countsMessages: Bool

    public init(_ setup: ClientSetup) {
        let shares = ConnectionSplit.shares(total: setup.connections, parts: max(1, setup.threads))
        // The setup's targets are already rotated to this worker's first connection in the
        // cell; numbering the threads' connections from 0 continues that one rotation.
        threads = ConnectionSplit.parts(connections: shares, ratePerSecond: setup.ratePerSecond, targets: setup.targets)
        countsMessages = Self.countsMessages(setup)
    }

    /// Streams count messages: gRPC streaming calls (Echo's `call: stream`, or a user's
    /// streaming method); unary calls and tcp-echo count calls.
    static func countsMessages(_ setup: ClientSetup) -> Bool {
        switch setup.protocolKind {
        case .tcpEcho: return false
        case .grpc:
            guard let kind = setup.service?.kind else { return setup.call == .stream }
            return kind != .unary
        }
    }

    /// Test only: `STALL/PERIOD` (`150ms/1s`) in nanoseconds, the stall every load thread
    /// blocks its loop for once a period; nil unless both are durations and the stall is shorter.
    public static func testStall(_ text: String) -> (durationNs: UInt64, periodNs: UInt64)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, let stall = Workload.milliseconds(of: parts[0]), let period = Workload.milliseconds(of: parts[1]),
            stall > 0, period > stall
        else { return nil }
        return (UInt64(stall) * 1_000_000, UInt64(period) * 1_000_000)
    }
}
