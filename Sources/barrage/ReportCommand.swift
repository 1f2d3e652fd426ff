import ArgumentParser
import Foundation
import Report
import Results

/// `barrage report DIR`: re-renders the comparison from a results directory's node files.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Re-render the comparison from the raw node files of a results directory.")

    @Argument(help: "A results directory written by `barrage launch`.")
    var directory: String

    @Option(help: "table, markdown, json, csv or html.")
    var format: OutputFormat = .table

    func run() throws {
        do {
            let (summary, damage) = try ResultsReader.readNamingDamage(directory: directory)
            // Named before the table, so a damaged cell's mark is explained where it is read.
            for file in damage.unreadable { printError("barrage report: \(directory): could not read \(file)") }
            let histograms = format == .html ? ResultsReader.histograms(directory: directory) : [:]
            print(ReportRenderer.render(summary, format: format.reportFormat, histograms: histograms), terminator: "")
        } catch let error as ResultsReader.NotResults {
            printError("barrage report: \(directory): \(error.reason)")
            throw ExitCode(2)
        }
    }
}
