/// The workload's `rate`: one rate, a sweep over several, or a search for the highest rate that
/// meets the workload's `slo`.
public enum RateSetting: Sendable, Equatable {
    /// `max` or `N/s`: every cell runs at this rate.
    case single(Rate)
    /// `[N/s, M/s, …]`: one cell per rate, in file order (latency against offered load).
    case sweep([Rate])
    /// `search`: per (system, connections, cpus) the highest open-loop rate meeting the SLO.
    case search(SearchSettings)

    /// The rates cells run at, one cell each; a search cell's rate is found while it runs.
    public var cellRates: [CellRate] {
        switch self {
        case .single(let rate): return [CellRate(rate)]
        case .sweep(let rates): return rates.map(CellRate.init)
        case .search(let settings): return [.search(settings)]
        }
    }
}
