extension CellSummary {
    /// The share of a cell's sends the generator may make late before the cell counts as one
    /// whose generator fell behind: below it, lateness is the odd scheduling hiccup of the host
    /// (a thread woken a millisecond late), not a generator that could not keep the rate.
    public static let lateShareLimit = 0.01

    /// Late sends ÷ every send of the window (successful and failed); 0 without sends.
    public var lateShare: Double {
        let sent = requests + errors
        return sent > 0 ? Double(clients.lateSends) / Double(sent) : 0
    }

    /// The open-loop generator fell behind the asked rate: late sends reached `lateShareLimit`
    /// of the cell's sends. The comparison's `late` mark and the capacity search's invalid
    /// trial both mean this.
    public var generatorFellBehind: Bool { lateShare >= Self.lateShareLimit }
}
