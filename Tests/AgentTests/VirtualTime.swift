/// Time for a worker agent under test: steps run in the order of their virtual due times
/// (ties in the order they were scheduled), and the clock jumps to each — a 15 s scenario runs
/// in microseconds, and every time the agent reads is exact.
final class VirtualTime {
    private struct Step {
        var due: UInt64
        var order: Int
        var run: () -> Void
    }

    private(set) var nowMs: UInt64 = 0
    private var steps: [Step] = []
    private var sequence = 0

    /// Runs `step` `milliseconds` from now.
    func after(_ milliseconds: UInt64, _ step: @escaping () -> Void) {
        sequence += 1
        steps.append(Step(due: nowMs + milliseconds, order: sequence, run: step))
    }

    /// Runs `step` every `milliseconds` from now on, while it returns true.
    func every(_ milliseconds: UInt64, _ step: @escaping () -> Bool) {
        after(milliseconds) { [unowned self] in
            if step() { self.every(milliseconds, step) }
        }
    }

    /// Runs every step due up to `endMs`, in order; the clock ends at `endMs`.
    func run(until endMs: UInt64) {
        while let next = steps.indices.min(by: { (steps[$0].due, steps[$0].order) < (steps[$1].due, steps[$1].order) }),
            steps[next].due <= endMs
        {
            let step = steps.remove(at: next)
            nowMs = max(nowMs, step.due)
            step.run()
        }
        nowMs = max(nowMs, endMs)
    }
}
