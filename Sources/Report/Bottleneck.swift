/// What limited a cell, judged from its own figures: `bottleneck` in summary.json.
public enum Bottleneck: String, Codable, Sendable, Equatable {
    /// The server used ≥ 90 % of its CPU limit (or of its host's cores when unlimited).
    case serverCPU = "server-cpu"
    /// A client worker was saturated, or its host had under 10 % CPU idle: the load
    /// generator, not the server, may be the limit.
    case client
    /// Neither: the server had CPU to spare and the generator kept up.
    case none
    /// The generator kept up, but the server is an external target Barrage does not sample:
    /// whether its CPU was the limit cannot be told.
    case serverUnknown = "server-unknown"

    /// The share of its allowance at which the server counts as CPU-bound.
    public static let serverShare = 0.9
    /// A client host with less idle CPU than this share over the window counts as starved.
    public static let hostIdleFloor = 0.1

    /// The verdict for one cell.
    ///
    /// When both hold, `server-cpu` wins: a server at its CPU ceiling could not have gone
    /// faster whatever the generator did, so the figures still describe the server (a busy
    /// generator beside it stays visible in `clients.saturated` and the hosts' idle CPU).
    /// On one shared machine this is the common case: the server's limit is what is measured.
    ///
    /// - Parameters:
    ///   - serverCPUPercent: the server tree's CPU over the window, % of one core.
    ///   - serverAllowanceCores: the cores it could use; nil when unknown (no server verdict).
    ///   - clientSaturated: some client worker used ≥ 90 % of its threads.
    ///   - hostIdleFractions: each client host's idle share of CPU over the window (0…1).
    ///   - serverSampled: false for an external target: no server figures to judge.
    public static func judge(
        serverCPUPercent: Double, serverAllowanceCores: Double?, clientSaturated: Bool,
        hostIdleFractions: [Double], serverSampled: Bool = true
    ) -> Bottleneck {
        if let cores = serverAllowanceCores, cores > 0, serverCPUPercent >= serverShare * cores * 100 {
            return .serverCPU
        }
        if clientSaturated || hostIdleFractions.contains(where: { $0 < hostIdleFloor }) { return .client }
        return serverSampled ? .none : .serverUnknown
    }
}
