import UV

/// The test knobs of one builtin server's loop: its delay line and its stall timer, made
/// once per loop thread and closed with the server.
final class BuiltinKnobsOnLoop {
    /// Holds replies back; nil without `BARRAGE_BUILTIN_DELAY`.
    let delayLine: BuiltinDelayLine?
    private let stall: LoopStall?

    init(loop: Loop, knobs: BuiltinKnobs) throws {
        delayLine = try knobs.replyDelayNs.map { try BuiltinDelayLine(loop: loop, delayNs: $0) }
        do {
            stall = try knobs.stall.map { try LoopStall(loop: loop, durationNs: $0.durationNs, periodNs: $0.periodNs) }
        } catch {
            delayLine?.close()
            throw error
        }
    }

    func close() {
        delayLine?.close()
        stall?.close()
    }
}
