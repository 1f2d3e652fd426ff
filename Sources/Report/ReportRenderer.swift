import Foundation
import Metrics

/// Turns a `RunSummary` into each output format, and `summary.json` back into a summary.
public enum ReportRenderer {
    /// The comparison in `format`, ending in a newline, ready to print or write.
    /// `histograms` (cell id → its clients' histograms added) feed the HTML spectra; the
    /// other formats do not use them.
    public static func render(
        _ summary: RunSummary, format: ReportFormat,
        histograms: [String: LatencyHistogram] = [:]
    ) -> String {
        switch format {
        case .table: TextTable.render(Comparison(summary))
        case .markdown: MarkdownTable.render(Comparison(summary))
        // The encoder only writes UTF-8.
        case .json: String(decoding: encodeJSON(summary), as: UTF8.self)
        case .csv: CSVTable(cells: summary.cells).render()
        case .html: HTMLReport.render(summary, histograms: histograms)
        }
    }

    /// `summary.json`: pretty-printed, keys sorted, ending in a newline; the same summary
    /// always gives the same bytes, so results directories diff cleanly.
    public static func encodeJSON(_ summary: RunSummary) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = nonConformingFloats
        // With non-finite numbers written as strings nothing in a summary can fail to encode.
        guard var data = try? encoder.encode(summary) else { return Data() }
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Reads `summary.json`; throws `DecodingError` when it is not one.
    public static func decodeSummary(_ data: Data) throws -> RunSummary {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try decoder.decode(RunSummary.self, from: data)
    }

    /// The aggregator never divides by zero, but JSON has no NaN: should one slip in, write
    /// it as a string rather than lose the whole summary.
    static let nonConformingFloats = JSONEncoder.NonConformingFloatEncodingStrategy.convertToString(
        positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
}
