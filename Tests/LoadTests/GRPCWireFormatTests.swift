import Testing

@testable import Load

@Suite struct GRPCWireFormatTests {
    @Test func messageIsLengthPrefixedProtobuf() {
        #expect(GRPCRequestTemplate.encodeMessage(payloadBytes: 0) == [0, 0, 0, 0, 0])
        let small = GRPCRequestTemplate.encodeMessage(payloadBytes: 3)
        #expect(small == [0, 0, 0, 0, 5, 0x0A, 3, 7, 38, 69])
        // 300 needs a two-byte varint: 0xAC 0x02.
        let large = GRPCRequestTemplate.encodeMessage(payloadBytes: 300)
        #expect(large.count == 5 + 1 + 2 + 300)
        #expect(Array(large[0..<8]) == [0, 0, 0, 0x01, 0x2F, 0x0A, 0xAC, 0x02])
    }

    @Test func templateHeadersFollowTheSpecInOrder() {
        let template = GRPCRequestTemplate(call: .stream, authority: "[::1]:9000", payloadBytes: 1)
        let headers = template.fields
        #expect(headers.map(\.0) == [":method", ":scheme", ":path", ":authority", "content-type", "te", "user-agent"])
        #expect(
            headers.map(\.1) == [
                "POST", "http", "/bench.Echo/Stream", "[::1]:9000", "application/grpc", "trailers", "barrage/0.1"
            ])
        #expect(Array(template.message(0)) == GRPCRequestTemplate.encodeMessage(payloadBytes: 1))
    }

    @Test func errorKindsMatchTheCountersNames() {
        #expect(CallOutcome.success.errorKind == nil)
        #expect(CallOutcome.grpcStatus(12).errorKind == "UNIMPLEMENTED")
        #expect(CallOutcome.grpcStatus(16).errorKind == "UNAUTHENTICATED")
        #expect(CallOutcome.grpcStatus(4).errorKind == "DEADLINE_EXCEEDED")
        #expect(CallOutcome.grpcStatus(99).errorKind == "grpc-status-99")
        // HTTP statuses as gRPC's HTTP-to-gRPC mapping names them.
        #expect(CallOutcome.httpStatus(503).errorKind == "UNAVAILABLE")
        #expect(CallOutcome.httpStatus(404).errorKind == "UNIMPLEMENTED")
        #expect(CallOutcome.httpStatus(401).errorKind == "UNAUTHENTICATED")
        #expect(CallOutcome.httpStatus(403).errorKind == "PERMISSION_DENIED")
        #expect(CallOutcome.httpStatus(500).errorKind == "UNKNOWN")
        #expect(CallOutcome.httpStatus(0).errorKind == "INTERNAL")
        #expect(CallOutcome.resetStream.errorKind == "reset")
        #expect(CallOutcome.connection.errorKind == "connection")
        #expect(CallOutcome.timeout.errorKind == "timeout")
        #expect(CallOutcome.protocolViolation.errorKind == "INTERNAL")
        // The kinds the server gave no words for carry an explanation; the server's own do not.
        #expect(CallOutcome.httpStatus(404).explanation == "HTTP status 404 instead of 200: the answer is not gRPC's")
        #expect(CallOutcome.protocolViolation.explanation?.hasPrefix("the answer broke the gRPC protocol") == true)
        #expect(CallOutcome.grpcStatus(16).explanation == nil)
    }

    @Test func backlogRemembersIntendedTimesWithoutStorage() {
        var backlog = SendBacklog()
        backlog.spacingNs = 1000
        #expect(backlog.pop() == nil)
        backlog.push(intendedNs: 5000)
        backlog.push(intendedNs: 6000)
        backlog.push(intendedNs: 7000)
        #expect(backlog.count == 3)
        #expect(backlog.oldestIntendedNs == 5000)
        #expect(backlog.pop() == 5000)
        #expect(backlog.pop() == 6000)
        backlog.push(intendedNs: 8000)
        #expect(backlog.pop() == 7000)
        #expect(backlog.pop() == 8000)
        #expect(backlog.pop() == nil)
        backlog.push(intendedNs: 1)
        #expect(backlog.removeAll() == 1)
        #expect(backlog.count == 0)
    }

    @Test func scheduleDealsEvenlySpacedSendsRoundRobin() {
        var schedule = OpenLoopSchedule(startNs: 1_000_000, ratePerSecond: 3000)
        var dues: [UInt64] = []
        var targets: [Int] = []
        for _ in 0..<7 {
            dues.append(schedule.nextDueNs)
            targets.append(schedule.nextTarget(among: 3))
            schedule.advance()
        }
        #expect(targets == [0, 1, 2, 0, 1, 2, 0])
        #expect(dues[0] == 1_000_000)
        #expect(dues[3] == 2_000_000, "three sends per millisecond")
        // No drift after many sends.
        var long = OpenLoopSchedule(startNs: 0, ratePerSecond: 3)
        for _ in 0..<3_000_000 { long.advance() }
        #expect(long.nextDueNs == 1_000_000_000_000_000, "a million seconds later, to the nanosecond")
    }
}
