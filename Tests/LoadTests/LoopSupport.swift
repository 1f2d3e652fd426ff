import Testing
import UVTestSupport
import UV


/// Runs `body` after `ms` milliseconds on `loop`, once.
func after(_ ms: UInt64, on loop: Loop, _ body: @escaping () -> Void) {
    guard let timer = try? Timer(loop: loop) else {
        Issue.record("cannot create a timer")
        return
    }
    try? timer.start(after: ms) {
        timer.close()
        body()
    }
}
