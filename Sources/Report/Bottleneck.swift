/// What limited a cell, judged from its own figures: `bottleneck` in summary.json.
public enum Bottleneck: String, Codable, Sendable, Equatable {
    /// The server used ≥ 90 % of its CPU limit (or of its host's cores when unlimited).
    case serverCPU = "server-cpu"
    /// A client worker was saturated, or its host had under 10 % CPU idle: the load
    /// generator, not the server, may be the limit.
    case client
    /// Neither: the server had CPU to spare and the generator kept up.
    case none
}
