import Testing
import UV

/// Runs `body` after `ms` milliseconds on `loop`, once (the timer closes itself); records an
/// issue if no timer can be made.
public func after(_ ms: UInt64, on loop: Loop, _ body: @escaping () -> Void) {
    guard let timer = try? Timer(loop: loop) else {
        Issue.record("cannot create a timer")
        return
    }
    try? timer.start(after: ms) {
        timer.close()
        body()
    }
}
