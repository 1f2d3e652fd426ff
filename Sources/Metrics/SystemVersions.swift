/// Which software a system under test was built from: an element of `systems` in
/// summary.json, reported by the server worker (the builtin's own, or a recipe's
/// `$BARRAGE_BUILD_DIR/versions.txt`).
public struct SystemVersions: Codable, Sendable, Equatable {
    /// The system's name in the topology.
    public var name: String
    /// Its recipe (`Containers/<container>`), or "builtin".
    public var container: String
    /// Component → version, e.g. `["grpc-go": "1.33.3", "go": "1.19.8"]`; empty when the
    /// recipe wrote no versions.txt.
    public var versions: [String: String]
    /// The names (never the values: they may hold secrets) of the environment variables the
    /// system was started with; nil in older files.
    public var environment: [String]?

    public init(name: String, container: String, versions: [String: String], environment: [String]? = nil) {
        self.name = name
        self.container = container
        self.versions = versions
        self.environment = environment
    }

    /// Parses versions.txt: one `name version` a line. Blank lines and `#` comments are
    /// skipped, so is a line without a version. The version is the rest of the line, with a
    /// repeat of the name in front dropped (`go go1.19.8` → `1.19.8`, as `go version`
    /// prints it) and a `v` before a digit too (`v1.28.1` → `1.28.1`), so versions compare
    /// alike whatever tool printed them. A name given twice keeps its first version.
    public static func parse(versionsFile text: String) -> [String: String] {
        var versions: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = Substring(rawLine).trimmingBlanks
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let parts = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count == 2 else { continue }
            let name = String(parts[0])
            var version = parts[1].trimmingBlanks[...]
            if version.lowercased().hasPrefix(name.lowercased()), version.count > name.count,
                version.dropFirst(name.count).first?.isNumber == true
            {
                version = version.dropFirst(name.count)
            }
            if version.first == "v", version.dropFirst().first?.isNumber == true { version = version.dropFirst() }
            if versions[name] == nil { versions[name] = String(version) }
        }
        return versions
    }

    /// `systems` as summary.json lists them: one per system name, the first report kept,
    /// in the order `order` gives (the topology's), unknown names after them by name.
    public static func merged(
        _ existing: [SystemVersions], adding more: [SystemVersions],
        order: [String]
    ) -> [SystemVersions] {
        var byName: [String: SystemVersions] = [:]
        for system in existing + more where byName[system.name] == nil { byName[system.name] = system }
        let rank = Dictionary(order.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
        return byName.values.sorted {
            (rank[$0.name] ?? Int.max, $0.name) < (rank[$1.name] ?? Int.max, $1.name)
        }
    }
}
