import Testing

@testable import Agent

/// Where a client's connections come from: the kernel's choice, unless a loopback target needs
/// more ephemeral ports than one source address has.
struct SourceAddressesTests {
    @Test func upToOneAddressWorthTheKernelChooses() {
        #expect(SourceAddresses.forTarget("127.0.0.1", connections: 10_000, thread: 0).isEmpty)
        #expect(SourceAddresses.forTarget("10.0.0.2", connections: 50_000, thread: 0).isEmpty, "not loopback: one route")
        #expect(SourceAddresses.forTarget("::1", connections: 50_000, thread: 0).isEmpty)
    }

    @Test func manyLoopbackConnectionsSpreadOverDistinctAddressesPerThread() {
        let first = SourceAddresses.forTarget("127.0.0.1", connections: 25_000, thread: 0)
        #expect(first == ["127.0.1.1", "127.0.1.2", "127.0.1.3"])
        let second = SourceAddresses.forTarget("127.0.0.1", connections: 25_000, thread: 1)
        #expect(Set(first).isDisjoint(with: second), "threads do not share source ports")
        // Enough addresses that none carries more than its share.
        #expect(25_000 <= first.count * SourceAddresses.connectionsPerAddress)
    }
}
