import Metrics
import Testing

@testable import WorkerCore

@Suite struct ServerWindowTests {
    @Test func openThenCloseIsTheWindow() {
        var window = ServerWindow.unopened
        #expect(window.measured == nil)
        window.open(at: 1_000)
        #expect(window == .open(startMs: 1_000))
        #expect(window.measured == nil)
        window.close(at: 4_500)
        #expect(window.measured == MeasurementWindow(startMs: 1_000, endMs: 4_500))
        window.close(at: 9_000)
        #expect(window.measured == MeasurementWindow(startMs: 1_000, endMs: 4_500), "a second close keeps the first")
    }

    @Test func aCloseWithoutAnOpenIsNoWindow() {
        var window = ServerWindow.unopened
        window.close(at: 2_000)
        #expect(window == .unopened)
    }

    @Test func reopeningRestarts() {
        var window = ServerWindow.unopened
        window.open(at: 1_000)
        window.close(at: 2_000)
        window.open(at: 3_000)
        window.close(at: 3_500)
        #expect(window.measured == MeasurementWindow(startMs: 3_000, endMs: 3_500))
    }
}
