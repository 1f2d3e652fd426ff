import Foundation
import Testing

extension EndToEnd {
    /// Stream calls counted per message, with streams/s beside messages/s, against servers
    /// whose answer is known by construction: grpc-go's any-service List sending 5 entries 20 ms
    /// apart (LEDGER_LIST_PACE), and bidi ping-pong on bench.Echo/Stream that the client
    /// half-closes after 10 round trips (messages_per_stream), on the builtin server.
    @Suite struct StreamCountTests {
        @Test func serverStreamingAtAFixedPaceGivesMessagesPerStreamTimesStreamsPerSecond() throws {
            let folder = try Harness.scratch("stream-pace")
            let file = try Harness.topology(
                """
                name: stream-pace
                hosts: { local: {} }
                systems: [ { name: ledger, container: any-service, env: { LEDGER_LIST_PACE: 20ms } } ]
                server: { host: local }
                clients: [ { host: local, workers: 1, threads: 1 } ]
                workload:
                  protocol: grpc
                  connections: 10
                  concurrency: 1
                  warmup: 1s
                  duration: 4s
                  metadata: { authorization: "Bearer s3cret" }
                  service:
                    proto: \(AnyServiceTests.proto)
                    method: ledger.v1.Ledger/List
                    requests:
                      - { account: acme-42, kind: KIND_CREDIT, count: 5 }
                """, in: folder)
            let results = folder + "/results"
            let run = try Harness.run(["launch", file, "--out", results], in: folder, timeout: 300)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("streams/s") && run.stdout.contains("messages"), "\(run.stdout)")
            let cell = try #require(Harness.cells(try Harness.summary(results)).first)
            let messages = Double(cell["requests"] as? Int ?? 0)
            let streams = Double(cell["streams"] as? Int ?? 0)
            let messagesPerSecond = cell["requests_per_second"] as? Double ?? 0
            let streamsPerSecond = cell["streams_per_second"] as? Double ?? 0
            let latency = cell["latency_us"] as? [String: Any] ?? [:]
            let p50 = Double(latency["p50"] as? Int ?? 0)
            #expect(cell["errors"] as? Int == 0, "\(cell["errors_by_kind"] ?? "")")
            #expect(cell["requests_are"] as? String == "messages")
            // Each stream is 5 entries: the window's messages are 5 × its streams, but for the
            // streams the window's edges cut (at most one per connection at each edge, 4
            // messages each).
            #expect(streams > 100, "\(streams) streams")
            #expect(abs(messages - 5 * streams) <= 2 * 10 * 4, "\(messages) messages, \(streams) streams")
            #expect(
                abs(messagesPerSecond - 5 * streamsPerSecond) <= 0.05 * messagesPerSecond,
                "\(messagesPerSecond) messages/s, \(streamsPerSecond) streams/s")
            // A stream takes at least 5 × 20 ms, so 10 connections end at most 100 a second
            // (102.5 with the window's edges); a loaded machine's wake-ups only slow them.
            #expect(streamsPerSecond <= 102.5 && streamsPerSecond >= 60, "\(streamsPerSecond) streams/s")
            // Each entry comes 20 ms after the one before (the first 20 ms after the call began):
            // latency per message, not per stream (100 ms).
            #expect(p50 >= 19_000 && p50 <= 40_000, "p50 \(p50) µs per message")
        }

        @Test func bidiHalfClosedAfterTenRoundTripsCountsTenMessagesPerStream() throws {
            let folder = try Harness.scratch("stream-bidi")
            let body = Data(repeating: 0x61, count: 64).base64EncodedString()
            let file = try Harness.topology(
                """
                name: stream-bidi
                hosts: { local: {} }
                systems: [ { name: builtin, container: builtin } ]
                server: { host: local }
                clients: [ { host: local, workers: 1, threads: 1 } ]
                workload:
                  protocol: grpc
                  connections: 10
                  warmup: 500ms
                  duration: 3s
                  service:
                    proto: \(Harness.packageRoot)/Containers/bench.proto
                    method: bench.Echo/Stream
                    requests: [ { body: "\(body)" } ]
                    messages_per_stream: 10
                """, in: folder)
            let results = folder + "/results"
            let run = try Harness.run(["launch", file, "--out", results, "--format", "json"], in: folder, timeout: 180)
            #expect(run.status == 0, "\(run.stderr)")
            let cell = try #require(Harness.cells(try Harness.summary(results)).first)
            let messages = Double(cell["requests"] as? Int ?? 0)
            let streams = Double(cell["streams"] as? Int ?? 0)
            #expect(cell["errors"] as? Int == 0, "\(cell["errors_by_kind"] ?? "")")
            #expect(cell["requests_are"] as? String == "messages")
            #expect(streams > 100, "\(streams) streams")
            // 10 round trips a stream, but for one cut stream per connection at each edge.
            #expect(abs(messages - 10 * streams) <= 2 * 10 * 9, "\(messages) messages, \(streams) streams")
        }
    }
}
