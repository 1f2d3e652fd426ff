import Metrics

/// The line under the comparison's heading that names what each system was built from,
/// compactly: `versions: builtin (barrage 0.1.0, libuv 1.44.2, nghttp2 1.52.0) · grpc-go 1.33.3 (go 1.19.8)`.
enum VersionsLine {
    /// Components named as a language runtime or compiler, shown next to a system's own
    /// version; matched without regard to case (grpc-python's file says `Python`).
    static let runtimes: Set<String> = [
        "go", "python", "rustc", "rust", "swift", "java", "openjdk", "jvm",
        "gcc", "g++", "clang", "node", "dotnet"
    ]
    /// Components (runtimes aside) shown when a system has no entry named after its recipe.
    static let fallbackCount = 3

    /// The whole line; nil when no system reported a version.
    static func line(_ systems: [SystemVersions]) -> String? {
        let described = systems.compactMap(describe)
        return described.isEmpty ? nil : "versions: " + described.joined(separator: " · ")
    }

    /// One system, e.g. `grpc-go 1.33.3 (go 1.19.8)`; nil without versions.
    ///
    /// Its own version is the entry named after its recipe; beside it, in parentheses, the
    /// runtimes it names. A system with no such entry (the builtin, or a recipe that names
    /// only its libraries) shows its first `fallbackCount` components by name, then its
    /// runtimes. A system
    /// labelled otherwise than its recipe says both: `tuned: grpc-go 1.33.3 (go 1.19.8)`.
    static func describe(_ system: SystemVersions) -> String? {
        guard !system.versions.isEmpty else { return nil }
        let sorted = system.versions.sorted { $0.key.lowercased() < $1.key.lowercased() }
        if let own = system.versions[system.container] {
            let extras = sorted.filter { runtimes.contains($0.key.lowercased()) && $0.key != system.container }
            let head =
                system.name == system.container
                ? "\(system.name) \(own)" : "\(system.name): \(system.container) \(own)"
            return extras.isEmpty ? head : "\(head) (\(list(extras)))"
        }
        let components = sorted.filter { !runtimes.contains($0.key.lowercased()) }.prefix(fallbackCount)
        let runtime = sorted.filter { runtimes.contains($0.key.lowercased()) }
        return "\(system.name) (\(list(Array(components) + runtime)))"
    }

    static func list(_ entries: [(key: String, value: String)]) -> String {
        entries.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}
