import Testing
import UV

/// Runs `loop` until it has nothing left to do, but never longer than `timeout` ms: a watchdog
/// timer (unref'd, so it does not keep the loop alive itself) stops it and records an issue, so
/// a bug fails the test instead of hanging CI. Shared by every test target that drives a loop.
public func runLoop(_ loop: Loop, timeout: UInt64 = 5_000, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let watchdog = try Timer(loop: loop)
    var timedOut = false
    try watchdog.start(after: timeout) {
        timedOut = true
        loop.stop()
    }
    watchdog.unref()
    loop.run()
    watchdog.close()
    if timedOut {
        Issue.record("loop still busy after \(timeout) ms", sourceLocation: sourceLocation)
    }
}
