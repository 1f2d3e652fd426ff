/// Server pauses as one load thread sees them, without any I/O: stretches in which calls were
/// outstanding, nothing arrived from the server, and the thread's own loop was there to notice.
///
/// The loop's liveness comes from its own timer: `tick` runs every `periodNs`; a gap between
/// two ticks (or since the last tick, when bytes arrive) longer than `stallLimitNs` means the
/// loop itself did not run — blocked, descheduled, busy — and answers may have waited in the
/// socket meanwhile. libuv runs timers before it polls, so the tick that notices a stall does
/// not know yet whether anything arrived during it; the poll right after does: bytes read then
/// may have arrived at any moment of the stall, so the stretch ends where the stall began (a
/// stall of the generator is never blamed on the server); the next tick with nothing read in
/// between proves the silence went on through the stall, which then joins the stretch.
///
/// Every event carries the time; the watch returns a stretch when one ends that is at least
/// `thresholdNs` long.
struct SilenceWatch {
    /// A stretch of silence, ns on the loop's monotonic clock.
    struct Stretch: Equatable {
        var startNs: UInt64
        var endNs: UInt64
    }

    let thresholdNs: UInt64
    let periodNs: UInt64
    let stallLimitNs: UInt64
    /// Calls outstanding on the thread.
    private(set) var outstanding = 0
    /// Since when the current silence has lasted with calls outstanding; nil with nothing
    /// outstanding.
    private var silentSinceNs: UInt64?
    private var lastTickNs: UInt64
    /// Where the stall the last tick noticed began, until a poll has shown whether anything
    /// arrived during it.
    private var stallStartNs: UInt64?

    /// A watch for pauses of at least `thresholdNs`: the liveness timer runs at a quarter of
    /// it (1–25 ms, whole milliseconds), and a gap of two periods and a millisecond (the
    /// timer's resolution) is a stall of the loop.
    init(thresholdNs: UInt64, nowNs: UInt64) {
        self.thresholdNs = thresholdNs
        periodNs = min(max(thresholdNs / 4, 1_000_000), 25_000_000) / 1_000_000 * 1_000_000
        stallLimitNs = 2 * periodNs + 1_000_000
        lastTickNs = nowNs
    }

    /// The liveness timer fired. After a stall it only notes where the stall began; otherwise
    /// the poll since the last tick read nothing, so an earlier stall was silent too.
    mutating func tick(nowNs: UInt64) {
        stallStartNs = lagged(nowNs) ? lastTickNs : nil
        lastTickNs = max(lastTickNs, nowNs)
    }

    /// Bytes arrived from the server.
    mutating func received(nowNs: UInt64) -> Stretch? {
        restart(endingAt: provenEnd(nowNs), nowNs: nowNs)
    }

    /// A call went out.
    mutating func sent(nowNs: UInt64) {
        outstanding += 1
        if outstanding == 1 { silentSinceNs = nowNs }
    }

    /// A call ended (answered, failed or timed out).
    mutating func finished(nowNs: UInt64) -> Stretch? {
        guard outstanding > 0 else { return nil }
        outstanding -= 1
        guard outstanding == 0 else { return nil }
        // Nothing outstanding: silence from here on is no pause.
        let stretch = ending(at: provenEnd(nowNs))
        silentSinceNs = nil
        return stretch
    }

    /// The window closes: ends the current stretch now, and goes on from here.
    mutating func cut(nowNs: UInt64) -> Stretch? {
        restart(endingAt: provenEnd(nowNs), nowNs: nowNs)
    }

    /// How far the silence up to `nowNs` is proven: to now while the loop kept ticking; else
    /// to where the stall that may have hidden an arrival began.
    private func provenEnd(_ nowNs: UInt64) -> UInt64 {
        if lagged(nowNs) { return lastTickNs }
        return stallStartNs ?? nowNs
    }

    /// The loop has not ticked for longer than a stall allows.
    private func lagged(_ nowNs: UInt64) -> Bool {
        nowNs > lastTickNs && nowNs - lastTickNs > stallLimitNs
    }

    private mutating func restart(endingAt endNs: UInt64, nowNs: UInt64) -> Stretch? {
        let stretch = ending(at: endNs)
        silentSinceNs = outstanding > 0 ? nowNs : nil
        stallStartNs = nil
        return stretch
    }

    private func ending(at endNs: UInt64) -> Stretch? {
        guard let since = silentSinceNs, endNs > since, endNs - since >= thresholdNs else { return nil }
        return Stretch(startNs: since, endNs: endNs)
    }
}
