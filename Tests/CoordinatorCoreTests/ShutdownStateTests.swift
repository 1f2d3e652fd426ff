import Testing

@testable import CoordinatorCore

/// What SIGINT and SIGTERM do to a run, one after another.
@Suite struct ShutdownStateTests {
    @Test func theFirstSignalStopsInOrderAndEveryLaterOneKillsNow() {
        var state = ShutdownState.running
        #expect(state.reason == nil)
        #expect(state.received("SIGTERM") == .stopInOrder(reason: "interrupted by SIGTERM"))
        #expect(state == .stopping(reason: "interrupted by SIGTERM"))
        #expect(state.received("SIGINT (Ctrl-C)") == .killNow)
        #expect(state.received("SIGINT (Ctrl-C)") == .killNow)
        // The results keep the first reason: the one the user gave.
        #expect(state.reason == "interrupted by SIGTERM")
    }

    @Test func theCellsWaitsComeFromTheOneTable() {
        let cell = CellTimeouts(warmupMs: 1, measureMs: 1)
        #expect(cell.gracefulExitMs == ShutdownTimeouts.standard.gracefulExitMs)
        #expect(cell.killMs == ShutdownTimeouts.standard.killMs)
    }
}
