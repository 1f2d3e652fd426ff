/// The rate one cell runs at.
public enum CellRate: Sendable, Equatable, Codable {
    /// Closed loop.
    case max
    /// Open loop, this many requests per second in total.
    case perSecond(Double)
    /// Open-loop trials searching for the highest rate that meets the SLO.
    case search(SearchSettings)

    /// The cell rate of a plain rate.
    public init(_ rate: Rate) {
        switch rate {
        case .max: self = .max
        case .perSecond(let value): self = .perSecond(value)
        }
    }

    /// The offered rate, per second; nil for closed loop and for a search (its rate changes).
    public var offeredPerSecond: Double? {
        if case .perSecond(let value) = self { return value }
        return nil
    }
}
