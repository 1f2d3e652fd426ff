import Foundation

/// One entry of summary.json's top-level `capacity`: the highest rate at which a system met
/// its `slo` in a `rate: search` scenario, and the trials that found it. Decoded from the
/// summary's own JSON encoding, so the report shows it once the summary carries it; a
/// summary without `capacity` has none.
struct CapacityResult: Decodable, Sendable, Equatable {
    /// One trial of the search.
    struct Trial: Decodable, Sendable, Equatable {
        /// The offered rate of the trial.
        var ratePerSecond: Double
        /// Its p99, µs.
        var p99Microseconds: Double?
        /// Failed calls in it.
        var errors: Double?
        /// Whether it met the SLO.
        var met: Bool?
        /// Whether the generator kept up (late sends < 1 %, no client saturated).
        var valid: Bool?

        enum CodingKeys: String, CodingKey {
            case errors, met, valid
            case ratePerSecond = "rate_per_second"
            case p99Microseconds = "p99_us"
        }
    }

    /// The scenario searched, when the topology has scenarios.
    var scenario: String?
    /// The system searched.
    var system: String
    /// The other dimensions held during the search.
    var replicas: Int?
    var cpus: Double?
    var connections: Int?
    /// The rate found; nil when no trial met the target.
    var ratePerSecond: Double?
    /// The rate found ÷ the server's CPU limit (or its host's cores).
    var perCoreRatePerSecond: Double?
    /// Whether the confirm run at the rate found met the SLO too.
    var confirmed: Bool?
    /// Whether the generator, not the server, ended the search.
    var limitedByGenerator: Bool?
    /// The trials in the order the search ran them.
    var trials: [Trial]

    enum CodingKeys: String, CodingKey {
        case scenario, system, replicas, cpus, connections, confirmed, trials
        case ratePerSecond = "rate_per_second"
        case perCoreRatePerSecond = "per_core_rate_per_second"
        case limitedByGenerator = "limited_by_generator"
    }

    init(from decoder: Decoder) throws {
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
    var heading: String {
        var parts: [String] = []
        if let scenario { parts.append(scenario) }
        if let connections { parts.append("\(FigureFormat.count(connections)) connections") }
        if let cpus { parts.append("cpus \(ChartLabels.number(cpus))") }
        if let replicas, replicas > 1 { parts.append("\(replicas) replicas") }
        return parts.isEmpty ? "capacity search" : parts.joined(separator: ", ")
    }

    /// The `capacity` entries of `summary`; empty when it has none or they do not read.
    static func all(in summary: RunSummary) -> [CapacityResult] {
        struct Document: Decodable { var capacity: [CapacityResult]? }
        let document = try? JSONDecoder().decode(Document.self, from: ReportRenderer.encodeJSON(summary))
        return document?.capacity ?? []
    }
}
