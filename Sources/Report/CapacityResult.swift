import Foundation

/// One entry of summary.json's top-level `capacity`: the highest rate at which a system met
/// its `slo` in a `rate: search` scenario, and the trials that found it. Decoded from the
/// summary's own JSON encoding, so the report shows it once the summary carries it; a
/// summary without `capacity` has none.
public struct CapacityResult: Decodable, Sendable, Equatable {
    /// One trial of the search.
    public struct Trial: Decodable, Sendable, Equatable {
        public var ratePerSecond: Double
        public var p99Microseconds: Double?
        public var errors: Double?
        public var met: Bool?
        public var valid: Bool?

        enum CodingKeys: String, CodingKey {
            case errors, met, valid
            case ratePerSecond = "rate_per_second"
            case p99Microseconds = "p99_us"
        }
    }

    public var scenario: String?
    public var system: String
    public var replicas: Int?
    public var cpus: Double?
    public var connections: Int?
    /// The rate found; nil when no trial met the target.
    public var ratePerSecond: Double?
    public var perCoreRatePerSecond: Double?
    public var confirmed: Bool?
    public var limitedByGenerator: Bool?
    public var trials: [Trial]

    enum CodingKeys: String, CodingKey {
        case scenario, system, replicas, cpus, connections, confirmed, trials
        case ratePerSecond = "rate_per_second"
        case perCoreRatePerSecond = "per_core_rate_per_second"
        case limitedByGenerator = "limited_by_generator"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        scenario = try container.decodeIfPresent(String.self, forKey: .scenario)
        system = try container.decode(String.self, forKey: .system)
        replicas = try container.decodeIfPresent(Int.self, forKey: .replicas)
        cpus = try container.decodeIfPresent(Double.self, forKey: .cpus)
        connections = try container.decodeIfPresent(Int.self, forKey: .connections)
        ratePerSecond = try container.decodeIfPresent(Double.self, forKey: .ratePerSecond)
        perCoreRatePerSecond = try container.decodeIfPresent(Double.self, forKey: .perCoreRatePerSecond)
        confirmed = try container.decodeIfPresent(Bool.self, forKey: .confirmed)
        limitedByGenerator = try container.decodeIfPresent(Bool.self, forKey: .limitedByGenerator)
        trials = try container.decodeIfPresent([Trial].self, forKey: .trials) ?? []
    }

    /// What the search held fixed, as chart and table headings name it.
    public var heading: String {
        var parts: [String] = []
        if let scenario { parts.append(scenario) }
        if let connections { parts.append("\(FigureFormat.count(connections)) connections") }
        if let cpus { parts.append("cpus \(ChartLabels.number(cpus))") }
        if let replicas, replicas > 1 { parts.append("\(replicas) replicas") }
        return parts.isEmpty ? "capacity search" : parts.joined(separator: ", ")
    }

    /// The `capacity` entries of `summary`; empty when it has none or they do not read.
    public static func all(in summary: RunSummary) -> [CapacityResult] {
        struct Document: Decodable { var capacity: [CapacityResult]? }
        let document = try? JSONDecoder().decode(Document.self, from: ReportRenderer.encodeJSON(summary))
        return document?.capacity ?? []
    }
}
