/// One line protoc printed about a `.proto` that does not compile, in protoc's own words.
public struct ProtocDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// The file on disk the line is about (protoc names it relative to its import path; this is
    /// the path that name resolves to), or nil for a line about no file.
    public let file: String?
    /// 1-based, when protoc gave one.
    public let line: Int?
    /// 1-based, when protoc gave one.
    public let column: Int?
    /// protoc's words (`Expected ";".`).
    public let message: String

    /// A diagnostic as protoc printed it.
    public init(file: String?, line: Int?, column: Int?, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `FILE:LINE:COLUMN: error: MESSAGE`, as topology errors read, with whatever parts protoc gave.
    public var description: String {
        var place = file ?? ""
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return place.isEmpty ? "error: \(message)" : "\(place): error: \(message)"
    }

    /// One line of protoc's stderr: `NAME:LINE:COLUMN: MESSAGE`, `NAME: MESSAGE` or bare words;
    /// `resolve` turns protoc's name of a file into its path on disk.
    static func parse(_ text: Substring, resolve: (String) -> String) -> ProtocDiagnostic {
        let parts = text.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
        if parts.count == 4, let line = Int(parts[1]), let column = Int(parts[2]) {
            return ProtocDiagnostic(
                file: resolve(String(parts[0])), line: line, column: column, message: parts[3].trimmingLeadingSpaces())
        }
        if parts.count >= 2, parts[0].hasSuffix(".proto") {
            let message = text.dropFirst(parts[0].count + 1)
            return ProtocDiagnostic(
                file: resolve(String(parts[0])), line: nil, column: nil, message: message.trimmingLeadingSpaces())
        }
        return ProtocDiagnostic(file: nil, line: nil, column: nil, message: String(text))
    }
}

extension Substring {
    fileprivate func trimmingLeadingSpaces() -> String { String(drop { $0 == " " }) }
}
