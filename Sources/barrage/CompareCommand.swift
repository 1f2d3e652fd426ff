import ArgumentParser
import Foundation
import Report
import Results

/// `barrage compare DIR_A DIR_B [DIR…]`: the cells of several runs side by side.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Set the cells of two or more results directories side by side, with ratios to the first.",
        discussion: """
            Cells are matched by scenario, system, replicas, cpus, connections and rate. Each figure \
            shows the median of a cell's ok repeats per run and its ratio to the first run; with 3 or \
            more ok repeats on both sides a Mann-Whitney U test marks differences that are not \
            significant (p >= 0.05) with `~`. Exit 0; 2 when a folder is not a results directory.
            """)

    @Argument(help: "Two or more results directories written by `barrage launch`; the first is the baseline.")
    var directories: [String]

    @Option(help: "table, markdown, json, csv or html.")
    var format: OutputFormat = .table

    func validate() throws {
        guard directories.count >= 2 else { throw ValidationError("compare needs at least two results directories") }
    }

    func run() throws {
        var runs: [RunComparison.Run] = []
        var failed = false
        for (index, directory) in directories.enumerated() {
            do {
                let reading = try ResultsReader.readNamingDamage(directory: directory)
                for file in reading.damage.unreadable { printError("barrage compare: \(directory): could not read \(file)") }
                runs.append(RunComparison.Run(label: Self.label(index), directory: directory, summary: reading.summary))
            } catch let error as ResultsReader.NotResults {
                printError("barrage compare: \(directory): \(error.reason)")
                failed = true
            }
        }
        // Every bad folder named before giving up, so one call shows them all.
        if failed { throw ExitCode(2) }
        let histograms = format == .html ? directories.map { ResultsReader.histograms(directory: $0) } : []
        print(
            RunComparisonRenderer.render(RunComparison(runs), format: format.reportFormat, histograms: histograms),
            terminator: "")
    }

    /// "A", "B", … "Z", then "R27", "R28", …
    static func label(_ index: Int) -> String {
        index < 26 ? String(UnicodeScalar(UInt8(65 + index))) : "R\(index + 1)"
    }
}
