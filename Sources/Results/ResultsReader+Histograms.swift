import Foundation
import Metrics
import Report

extension ResultsReader {
    /// Each cell's latency histogram, every client's added, by cell id: read from
    /// `nodes/<cell>/client-*.json` for the HTML report's percentile spectra. Cells whose
    /// client files are missing or unreadable are left out.
    public static func histograms(directory: String) -> [String: LatencyHistogram] {
        let manager = FileManager.default
        let nodes = directory + "/nodes"
        let decoder = JSONDecoder()
        var histograms: [String: LatencyHistogram] = [:]
        for folder in ((try? manager.contentsOfDirectory(atPath: nodes)) ?? []).sorted() {
            let path = "\(nodes)/\(folder)"
            guard
                let record = manager.contents(atPath: path + "/cell.json")
                    .flatMap({ try? decoder.decode(CellRecord.self, from: $0) })
            else { continue }
            let files = ((try? manager.contentsOfDirectory(atPath: path)) ?? []).sorted()
                .filter { $0.hasPrefix("client-") && $0.hasSuffix(".json") }
            let clients = files.compactMap { file in
                manager.contents(atPath: "\(path)/\(file)").flatMap { try? decoder.decode(ClientNodeResult.self, from: $0) }
            }
            histograms[record.id] = merged(completed(folder: path, clients: clients, servers: []).clients)
        }
        return histograms
    }

    /// The clients' histograms added; nil without a client.
    public static func merged(_ clients: [ClientNodeResult]) -> LatencyHistogram? {
        guard !clients.isEmpty else { return nil }
        var sum = LatencyHistogram()
        for client in clients { sum.add(client.histogram) }
        return sum
    }
}
