import Foundation
import Report
import Wire

/// What a results folder held that could not be read: every file named, so a truncated
/// client file or a lost server file is never averaged away in silence.
public struct ResultsDamage: Sendable, Equatable {
    /// `path: why`, the path relative to the results folder, in the order found.
    public var unreadable: [String] = []

    /// Nothing was damaged.
    public var isEmpty: Bool { unreadable.isEmpty }

    mutating func note(_ relative: String, _ reason: String) {
        unreadable.append("\(relative): \(reason)")
    }

    /// Why `data` (the file at `relative`) did not decode, in a few words.
    static func reason(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty:
            return "not valid JSON (\(context.debugDescription.prefix(120)))"
        case DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "a wrong value at '\(path)': \(context.debugDescription.prefix(120))"
        case DecodingError.keyNotFound(let key, _):
            return "no '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "a wrong value at '\(path)': \(context.debugDescription.prefix(120))"
        default:
            return "\(error)".prefix(160).description
        }
    }

    /// `cell` marked as touched by damage: never shown as a normal ok cell. Its figures are
    /// those of the files (and streamed logs) that could be read.
    static func marked(_ cell: CellSummary, files: [String]) -> CellSummary {
        var cell = cell
        let words = "damaged results: \(files.joined(separator: "; ")); the figures are those of what could be read"
        cell.error = cell.error.map { "\($0); \(words)" } ?? words
        if cell.status == .ok { cell.status = .failed }
        return cell
    }

    /// A cell known only by its folder under `nodes/`: its cell.json could not be read and
    /// summary.json does not hold it either. Shown failed, with no figures.
    static func placeholder(id: String, index: Int, reason: String) -> CellRecord {
        let system = id.split(separator: "-").first.map(String.init) ?? id
        return CellRecord(
            id: id, index: index, system: system, connections: 0, repeatIndex: 1, status: .failed,
            error: "damaged results: nodes/\(id)/cell.json: \(reason)", clientWorkers: 0)
    }
}

/// Which results folders this Barrage reads: those written by the same release line
/// (`0.1.x` by `0.1.y` while the major is 0, `1.x` by `1.y` after).
enum ResultsVersion {
    static func isReadable(_ written: String, by current: String = BarrageVersion.current) -> Bool {
        let (writtenParts, currentParts) = (parts(written), parts(current))
        guard let writtenMajor = writtenParts.first, let currentMajor = currentParts.first else { return false }
        guard writtenMajor == currentMajor else { return false }
        return currentMajor != 0 || writtenParts.dropFirst().first == currentParts.dropFirst().first
    }

    /// The reason a folder written by `written` is refused.
    static func refusal(_ written: String, current: String = BarrageVersion.current) -> String {
        let line =
            parts(current).first == 0 ? parts(current).prefix(2).map(String.init).joined(separator: ".") : "\(parts(current)[0])"
        return "written by Barrage \(written.prefix(40)); this is Barrage \(current), which reads results of \(line).x only"
    }

    private static func parts(_ version: String) -> [Int] {
        Array(version.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? -1 }.prefix(3))
    }
}
