/// Which connection of a load generator opens next, so that at most `limit` connects are in flight:
/// ten thousand connects at once would overflow the server's accept backlog. Shared by every
/// load generator, so the bookkeeping lives in one place.
struct ConnectWindow {
    /// Connections in the generator.
    let total: Int
    /// Connects in flight at most.
    let limit: Int
    /// The first connection not yet opened by the initial sweep.
    private(set) var nextIndex = 0
    /// Connects started and not yet ended (reconnects included).
    private(set) var inFlight = 0

    init(total: Int, limit: Int) {
        self.total = total
        self.limit = limit
    }

    /// Room for another connect.
    var hasRoom: Bool { inFlight < limit }

    /// The next connection of the initial sweep to open, when there is room; nil otherwise.
    mutating func takeNext() -> Int? {
        guard hasRoom, nextIndex < total else { return nil }
        defer { nextIndex += 1 }
        return nextIndex
    }

    /// A connect started (from the sweep or a reconnect).
    mutating func started() {
        inFlight += 1
    }

    /// A connect ended, either way. Saturates at zero: a late callback after `abandon()` must
    /// not open more than `limit` connects later, nor stop a load generator.
    mutating func ended() {
        if inFlight > 0 { inFlight -= 1 }
    }

    /// Every connection of the sweep has been tried and no connect is in flight.
    var isComplete: Bool { nextIndex == total && inFlight == 0 }

    /// Forgets connects in flight (the generator closed every socket).
    mutating func abandon() {
        inFlight = 0
    }
}
