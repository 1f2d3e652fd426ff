import Metrics
import Testing
import Wire

@testable import WorkerCore

private func second(_ index: Int, requests: UInt64) -> ClientInterval {
    ClientInterval(second: index, counts: IntervalCounts(requests: requests))
}

private func totals(_ requests: UInt64) -> ProgressReport {
    ProgressReport(requests: requests, errors: 0, connectionsUp: 1, topError: nil)
}

/// The client worker's decisions over its threads' answers.
@Suite struct ClientGatheringTests {
    @Test func readyOnceEveryThreadConnectedWithTheirFiguresAdded() {
        var gathering = ClientGathering(shares: [2, 2, 1])
        gathering.ask(.connecting)
        #expect(gathering.take(.connected(established: 2, failures: [:]), from: 0).isEmpty)
        #expect(gathering.take(.connected(established: 1, failures: ["ECONNREFUSED": 1]), from: 1).isEmpty)
        // The same thread twice is still one answer.
        #expect(gathering.take(.connected(established: 0, failures: [:]), from: 1).isEmpty)
        let steps = gathering.take(.connected(established: 0, failures: ["ECONNREFUSED": 1]), from: 2)
        #expect(steps == [.ready(ClientReadyReport(connectionsEstablished: 3, connectFailures: ["ECONNREFUSED": 2]))])
        #expect(gathering.request == .none)
    }

    @Test func noConnectionAtAllIsAFailureWithEveryReason() {
        var gathering = ClientGathering(shares: [1, 1])
        gathering.ask(.connecting)
        _ = gathering.take(.connected(established: 0, failures: ["ETIMEDOUT": 1]), from: 0)
        let steps = gathering.take(.connected(established: 0, failures: ["ECONNREFUSED": 1]), from: 1)
        #expect(steps == [.noConnection(failures: ["ETIMEDOUT": 1, "ECONNREFUSED": 1])])
    }

    @Test func aMarkIsDoneWhenEveryThreadMarkedThatEdge() {
        var gathering = ClientGathering(shares: [1, 1])
        gathering.ask(.marking(.open))
        #expect(gathering.take(.marked(.close), from: 0).isEmpty, "not the edge asked")
        #expect(gathering.take(.marked(.open), from: 0).isEmpty)
        // Progress between the answers does not reset the count.
        _ = gathering.take(.progress(totals(5), closed: []), from: 1)
        #expect(gathering.take(.marked(.open), from: 1) == [.marked(.open)])
        #expect(gathering.take(.marked(.open), from: 1).isEmpty, "a late answer to a request already done")
    }

    @Test func aSecondLeavesOnceEveryThreadHandedItOverAdded() {
        var gathering = ClientGathering(shares: [1, 1, 1])
        #expect(gathering.take(.progress(totals(1), closed: [second(0, requests: 10), second(1, requests: 1)]), from: 0).isEmpty)
        #expect(gathering.take(.progress(totals(2), closed: [second(0, requests: 20)]), from: 1).isEmpty)
        #expect(
            gathering.take(.progress(totals(3), closed: [second(0, requests: 30)]), from: 2) == [
                .interval(second(0, requests: 60))
            ])
        #expect(gathering.progress?.requests == 6)
    }

    @Test func stoppingSendsTheIncompleteSecondsInOrderThenTheResult() {
        var gathering = ClientGathering(shares: [1, 0])
        let pause = PauseSpan(startUs: 1, endUs: 500_000)
        gathering.ask(.stopping)
        #expect(
            gathering.take(.stopped(closed: [second(3, requests: 1), second(2, requests: 2)], pauses: [pause]), from: 0).isEmpty)
        // The thread without connections: its seconds count, its (empty) pauses do not.
        let steps = gathering.take(.stopped(closed: [second(3, requests: 4)], pauses: []), from: 1)
        #expect(
            steps == [.interval(second(3, requests: 5)), .interval(second(2, requests: 2)), .stopped(pausesByThread: [[pause]])])
    }

    @Test func answersToRequestsNotAskedChangeNothing() {
        var gathering = ClientGathering(shares: [1])
        #expect(gathering.take(.connected(established: 1, failures: [:]), from: 0).isEmpty)
        #expect(gathering.take(.stopped(closed: [], pauses: []), from: 0).isEmpty)
        #expect(gathering.established == 0)
    }
}
