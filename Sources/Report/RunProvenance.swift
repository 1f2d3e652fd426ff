import Foundation

/// Where and with what a run ran: summary.json's `hosts`, `systems`, `barrage_commit` and
/// `topology_sha256`, each optional — a summary written before they existed has none.
///
/// Read from the summary's own JSON encoding, so the report shows them as soon as the
/// summary carries them.
struct RunProvenance: Decodable, Sendable, Equatable {
    /// One host of the run.
    struct Host: Decodable, Sendable, Equatable {
        /// The host's name in the topology, then what it reported of itself.
        var name: String
        var hostname: String?
        var kernel: String?
        var cpuModel: String?
        var cores: Int?
        var memoryBytes: UInt64?

        enum CodingKeys: String, CodingKey {
            case name, hostname, kernel, cores
            case cpuModel = "cpu_model"
            case memoryBytes = "memory_bytes"
        }
    }

    /// One system under test and the versions its recipe reported.
    struct System: Decodable, Sendable, Equatable {
        /// The system's name, its recipe and the versions the recipe reported ("grpc-go" → "1.33.3").
        var name: String
        var container: String?
        var versions: [String: String]?
    }

    /// Every host of the run.
    var hosts: [Host]?
    /// Every system under test.
    var systems: [System]?
    /// The commit Barrage was built from, when known.
    var barrageCommit: String?
    /// SHA-256 of the topology file as run.
    var topologySHA256: String?

    enum CodingKeys: String, CodingKey {
        case hosts, systems
        case barrageCommit = "barrage_commit"
        case topologySHA256 = "topology_sha256"
    }

    /// The provenance `summary` carries; empty when it carries none (or the fields do not read).
    init(_ summary: RunSummary) {
        let data = ReportRenderer.encodeJSON(summary)
        self = (try? JSONDecoder().decode(RunProvenance.self, from: data)) ?? RunProvenance()
    }

    init() {}
}
