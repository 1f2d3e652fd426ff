import Metrics
import Testing

@testable import Report

@Suite struct CellAggregatorTests {
    @Test func ratesAreSummedOverEachClientsOwnWindow() {
        let summary = CellAggregator.summarize(
            record: Fixtures.record(), servers: [],
            clients: [
                Fixtures.client(node: "client-1", windowMs: 10_000, requests: 100_000, cpuSeconds: 1),
                Fixtures.client(node: "client-2", windowMs: 8_000, requests: 40_000, cpuSeconds: 1)
            ])
        #expect(summary.requests == 140_000)
        // 100,000 / 10 s + 40,000 / 8 s; not 140,000 / 9 s.
        #expect(abs(summary.requestsPerSecond - 15_000) < 1e-9)
        #expect(abs(summary.durationSeconds - 9) < 1e-9)
    }

    @Test func latencyComesFromTheSumOfHistograms() {
        var fast = Fixtures.client(node: "client-1", requests: 900, cpuSeconds: 1)
        fast.histogram = Fixtures.histogram([100], count: 900)
        var slow = Fixtures.client(node: "client-2", requests: 100, cpuSeconds: 1)
        slow.histogram = Fixtures.histogram([10_000], count: 100)
        let both = CellAggregator.summarize(record: Fixtures.record(), servers: [], clients: [fast, slow])
        var sum = fast.histogram
        sum.add(slow.histogram)
        #expect(both.latency == LatencySummary(sum))
        // 90 % of the requests took 100 µs: the merged p50 is 100 µs, where averaging the
        // clients' p50s would have said about 5 ms.
        #expect(both.latency.p50 == 100)
        #expect(both.latency.p99 >= 9_990)
    }

    @Test func connectionsOpenedAddUpAndTheirSetUpTimesMergeAsHistograms() {
        var quick = Fixtures.client(node: "client-1", requests: 1_000, cpuSeconds: 1)
        quick.connectionsOpened = 90
        quick.connectHistogram = Fixtures.histogram([200], count: 90)
        var slow = Fixtures.client(node: "client-2", requests: 1_000, cpuSeconds: 1)
        slow.connectionsOpened = 10
        slow.connectHistogram = Fixtures.histogram([5_000], count: 10)
        let cell = CellAggregator.summarize(record: Fixtures.record(), servers: [], clients: [quick, slow])
        #expect(cell.connectionsOpened == 100)
        // 100 set-ups over a 10 s window.
        #expect(abs(cell.connectionsOpenedPerSecond - 10) < 1e-9)
        // 90 of 100 took 200 µs: the merged p50 is theirs, the p99 and max the slow client's.
        #expect(cell.connect.p50 == 200)
        #expect(cell.connect.p99 >= 4_995 && cell.connect.max >= 4_995)
    }

    @Test func pausesAreWhatEveryClientSawAtItsThreshold() {
        var first = Fixtures.client(node: "client-1", requests: 1_000, cpuSeconds: 1)
        first.pauseThresholdMs = 40
        first.pauses = [PauseSpan(startUs: 200_000, endUs: 350_000), PauseSpan(startUs: 600_000, endUs: 700_000)]
        var second = Fixtures.client(node: "client-2", requests: 1_000, cpuSeconds: 1)
        second.pauseThresholdMs = 40
        second.pauses = [PauseSpan(startUs: 201_000, endUs: 352_000), PauseSpan(startUs: 1_200_000, endUs: 1_350_000)]
        let cell = CellAggregator.summarize(record: Fixtures.record(), servers: [], clients: [first, second])
        #expect(cell.pauses.thresholdMs == 40)
        #expect(cell.pauses.count == 1)
        #expect(cell.pauses.longestMs == 149 && cell.pauses.totalMs == 149)
        #expect(cell.pauses.spans == [PauseFigures.Span(startMs: 201, endMs: 350)])
        // Files from before pauses existed give none.
        let old = CellAggregator.summarize(
            record: Fixtures.record(), servers: [],
            clients: [Fixtures.client(node: "client-1", requests: 1, cpuSeconds: 1)])
        #expect(old.pauses.count == 0)
    }

    @Test func errorsAreSummedAndMergedByKind() {
        let summary = CellAggregator.summarize(
            record: Fixtures.record(), servers: [],
            clients: [
                Fixtures.client(node: "client-1", requests: 1, errors: ["timeout": 2, "connection": 1], cpuSeconds: 0),
                Fixtures.client(node: "client-2", requests: 1, errors: ["timeout": 3], cpuSeconds: 0)
            ])
        #expect(summary.errors == 6)
        #expect(summary.errorsByKind == ["timeout": 5, "connection": 1])
    }

    @Test func saturationIsNinetyPercentOfAWorkersThreads() {
        func saturated(cpuSeconds: Double, threads: Int) -> Bool {
            CellAggregator.summarize(
                record: Fixtures.record(), servers: [],
                clients: [
                    Fixtures.client(node: "client-1", threads: threads, requests: 1, cpuSeconds: cpuSeconds),
                    Fixtures.client(node: "client-2", requests: 1, cpuSeconds: 0.1)
                ]
            ).clients.saturated
        }
        // 10 s windows.
        #expect(saturated(cpuSeconds: 9, threads: 1))
        #expect(!saturated(cpuSeconds: 8.9, threads: 1))
        #expect(!saturated(cpuSeconds: 9, threads: 2))
        #expect(saturated(cpuSeconds: 18, threads: 2))
    }

    @Test func clientFiguresAreGroupedByHost() {
        let summary = CellAggregator.summarize(
            record: Fixtures.record(workers: 3), servers: [],
            clients: [
                Fixtures.client(node: "client-2", host: "loadgen-2", requests: 30, cpuSeconds: 9.5, rss: 300),
                Fixtures.client(node: "client-1", host: "loadgen-1", requests: 10, cpuSeconds: 2, rss: 100),
                Fixtures.client(node: "client-3", host: "loadgen-1", requests: 20, cpuSeconds: 3, rss: 200)
            ])
        #expect(summary.clients.workers == 3)
        #expect(summary.clients.connectionsEstablished == 150)
        #expect(abs(summary.clients.cpuPercent - 145) < 1e-9)  // (2 + 3 + 9.5) s / 10 s
        #expect(summary.clients.rssPeakBytes == 300)
        #expect(summary.clients.saturated)
        #expect(summary.clients.hosts.map(\.host) == ["loadgen-1", "loadgen-2"])
        let first = summary.clients.hosts[0]
        #expect(
            first
                == ClientHostFigures(
                    host: "loadgen-1", workers: 2, connectionsEstablished: 100, requests: 30,
                    cpuPercent: 50, rssPeakBytes: 200, saturated: false))
        #expect(summary.clients.hosts[1].saturated)
    }

    @Test func serverFiguresComeFromItsSamples() {
        let server = Fixtures.server()
        let summary = CellAggregator.summarize(record: Fixtures.record(), servers: [server], clients: [])
        #expect(summary.server?.resources == ResourceFigures(samples: server.samples, window: server.window))
        #expect(abs((summary.server?.cpuPercent ?? .nan) - 50) < 1e-9)
        #expect(summary.server?.rssPeakBytes == 300 << 20)
        #expect(summary.server?.rssSustainedBytes == 100 << 20)
    }

    @Test func aFailedCellKeepsItsStatusErrorAndZeros() {
        let summary = CellAggregator.summarize(
            record: Fixtures.record(status: .failed, error: "no client connected"), servers: [], clients: [])
        #expect(summary.status == .failed)
        #expect(summary.error == "no client connected")
        #expect(summary.requests == 0 && summary.errors == 0)
        #expect(summary.requestsPerSecond == 0 && summary.durationSeconds == 0)
        #expect(summary.latency == LatencySummary(LatencyHistogram()))
        #expect(
            summary.server == ServerFigures(ResourceFigures(cpuPercent: 0, rssPeakBytes: 0, rssSustainedBytes: 0, threadsPeak: 0))
        )
        #expect(summary.clients.workers == 2 && summary.clients.hosts.isEmpty && !summary.clients.saturated)
    }

    @Test func anEmptyWindowGivesZerosNotInfinity() {
        let summary = CellAggregator.summarize(
            record: Fixtures.record(), servers: [],
            clients: [Fixtures.client(node: "client-1", windowMs: 0, requests: 5, cpuSeconds: 1)])
        #expect(summary.requestsPerSecond == 0)
        #expect(summary.clients.cpuPercent == 0)
        #expect(!summary.clients.saturated)
    }
}

extension CellAggregatorTests {
    @Test func memoryPerConnectionIsTheGrowthOverIdlePerEstablishedConnection() {
        // Sustained 100 MiB, 1,200,000 B above idle, 2 × 50 connections up: 12,000 B each.
        let idle: UInt64 = (100 << 20) - 1_200_000
        let summary = CellAggregator.summarize(
            record: Fixtures.record(), servers: [Fixtures.server(idleRss: idle)],
            clients: [
                Fixtures.client(node: "client-1", requests: 1, cpuSeconds: 0),
                Fixtures.client(node: "client-2", requests: 1, cpuSeconds: 0)
            ])
        #expect(summary.server?.idleRssBytes == idle)
        #expect(summary.server?.memoryPerConnectionBytes == 12_000)
    }

    @Test func memoryPerConnectionIsClampedAtZero() {
        // The tree shrank below its idle RSS: no connection costs negative memory.
        let summary = CellAggregator.summarize(
            record: Fixtures.record(), servers: [Fixtures.server(idleRss: 120 << 20)],
            clients: [Fixtures.client(node: "client-1", requests: 1, cpuSeconds: 0)])
        #expect(summary.server?.memoryPerConnectionBytes == 0)
    }

    @Test func memoryPerConnectionIsUnknownWithoutIdleRSSServerWindowOrConnection() {
        let client = Fixtures.client(node: "client-1", requests: 1, cpuSeconds: 0)
        func perConnection(_ server: ServerNodeResult?, _ clients: [ClientNodeResult]) -> UInt64? {
            CellAggregator.summarize(record: Fixtures.record(), servers: server.map { [$0] } ?? [], clients: clients)
                .server?.memoryPerConnectionBytes
        }
        #expect(perConnection(Fixtures.server(), [client]) == nil)
        #expect(perConnection(nil, [client]) == nil)
        var noWindow = Fixtures.server(idleRss: 1 << 20)
        noWindow.window = nil
        #expect(perConnection(noWindow, [client]) == nil)
        #expect(
            perConnection(
                Fixtures.server(idleRss: 1 << 20),
                [
                    Fixtures.client(node: "client-1", requests: 0, cpuSeconds: 0, established: 0)
                ]) == nil)
        #expect(perConnection(Fixtures.server(idleRss: 1 << 20), []) == nil)
    }

    @Test func lateSendsAreSummedPerHostAndOverall() {
        let summary = CellAggregator.summarize(
            record: Fixtures.record(workers: 3), servers: [],
            clients: [
                Fixtures.client(node: "client-1", host: "loadgen-1", requests: 1, cpuSeconds: 0, lateSends: 7),
                Fixtures.client(node: "client-2", host: "loadgen-1", requests: 1, cpuSeconds: 0, lateSends: 3),
                Fixtures.client(node: "client-3", host: "loadgen-2", requests: 1, cpuSeconds: 0)
            ])
        #expect(summary.clients.lateSends == 10)
        #expect(summary.clients.hosts.map(\.lateSends) == [10, 0])
    }
}
