import Foundation

/// Where and with what a run ran: summary.json's `hosts`, `systems`, `barrage_commit` and
/// `topology_sha256`, each optional — a summary written before they existed has none.
///
/// Read from the summary's own JSON encoding, so the report shows them as soon as the
/// summary carries them.
public struct RunProvenance: Decodable, Sendable, Equatable {
    /// One host of the run.
    public struct Host: Decodable, Sendable, Equatable {
        public var name: String
        public var hostname: String?
        public var kernel: String?
        public var cpuModel: String?
        public var cores: Int?
        public var memoryBytes: UInt64?

        enum CodingKeys: String, CodingKey {
            case name, hostname, kernel, cores
            case cpuModel = "cpu_model"
            case memoryBytes = "memory_bytes"
        }
    }

    /// One system under test and the versions its recipe reported.
    public struct System: Decodable, Sendable, Equatable {
        public var name: String
        public var container: String?
        public var versions: [String: String]?
    }

    public var hosts: [Host]?
    public var systems: [System]?
    public var barrageCommit: String?
    public var topologySHA256: String?

    enum CodingKeys: String, CodingKey {
        case hosts, systems
        case barrageCommit = "barrage_commit"
        case topologySHA256 = "topology_sha256"
    }

    /// The provenance `summary` carries; empty when it carries none (or the fields do not read).
    public init(_ summary: RunSummary) {
        let data = ReportRenderer.encodeJSON(summary)
        self = (try? JSONDecoder().decode(RunProvenance.self, from: data)) ?? RunProvenance()
    }

    init() {}
}
