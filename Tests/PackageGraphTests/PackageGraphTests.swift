import Foundation
import Testing

/// The module graph keeps "pure core, thin executor" a rule the compiler holds: the targets
/// that decide (the cell's state machine, the setup builder, the capacity search, the parsed
/// topology, figures and messages) cannot reach a target that does I/O, not even through
/// another target; and one type name means one thing across the tree.
@Suite struct PackageGraphTests {
    /// Targets that decide and do no I/O.
    static let pureTargets = [
        "CoordinatorCore", "WorkerCore", "Topology", "Metrics", "Wire", "Report", "ProtoSchema", "TLSSettings", "Digest"
    ]
    /// Targets that touch sockets, processes, files, the loop or the C libraries that do.
    static let ioTargets: Set<String> = [
        "UV", "CUV", "Launch", "Control", "Serve", "Load", "Agent", "Results", "Coordinator", "HTTP2", "CNghttp2", "TLS",
        "COpenSSL", "BuiltinServer", "Cgroups", "ProcessSampler", "ProtoCompile", "Posix", "barrage"
    ]

    /// The repository's root: this file is `Tests/PackageGraphTests/PackageGraphTests.swift`.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The graph, read once for every test here (in parallel they would queue on one lock).
    static let graph = Result { try targetGraph() }

    /// Each target's direct dependencies inside this package, from `swift package dump-package`.
    static func targetGraph() throws -> [String: [String]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // Its own scratch path: the `swift test` running this holds the package's `.build` lock.
        let scratch = NSTemporaryDirectory() + "barrage-package-graph-\(getpid())"
        process.arguments = ["swift", "package", "--package-path", root.path, "--scratch-path", scratch, "dump-package"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: scratch)
        #expect(process.terminationStatus == 0, "swift package dump-package failed")
        let manifest = try JSONDecoder().decode(Manifest.self, from: data)
        var graph: [String: [String]] = [:]
        for target in manifest.targets { graph[target.name] = target.dependencies.compactMap(\.localName) }
        return graph
    }

    /// Every target `name` reaches, itself excluded.
    static func reach(of name: String, in graph: [String: [String]]) -> Set<String> {
        var seen: Set<String> = []
        var stack = graph[name] ?? []
        while let next = stack.popLast() {
            guard seen.insert(next).inserted else { continue }
            stack += graph[next] ?? []
        }
        return seen
    }

    @Test func pureTargetsReachNoIOTarget() throws {
        let graph = try Self.graph.get()
        for target in Self.pureTargets {
            // A renamed or removed target must not leave this test checking nothing.
            #expect(graph[target] != nil, "\(target) is not a target of Package.swift any more")
            let reached = Self.reach(of: target, in: graph).intersection(Self.ioTargets)
            #expect(reached.isEmpty, "\(target) reaches I/O targets: \(reached.sorted().joined(separator: ", "))")
        }
    }

    @Test func theGraphIsReadCompletely() throws {
        // The check above means something only if the I/O targets it names are the package's.
        let graph = try Self.graph.get()
        let unknown = Self.ioTargets.subtracting(graph.keys)
        #expect(unknown.isEmpty, "not targets of Package.swift: \(unknown.sorted().joined(separator: ", "))")
        #expect(Self.reach(of: "Coordinator", in: graph).contains("CoordinatorCore"))
        #expect(Self.reach(of: "Agent", in: graph).contains("WorkerCore"))
    }

    @Test func noTopLevelTypeNameIsDefinedInTwoTargets() throws {
        let sources = Self.root.appendingPathComponent("Sources")
        let fileManager = FileManager.default
        var owners: [String: Set<String>] = [:]
        for target in try fileManager.contentsOfDirectory(atPath: sources.path) {
            let folder = sources.appendingPathComponent(target)
            guard let files = fileManager.enumerator(atPath: folder.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                for name in Self.topLevelTypeNames(in: text) { owners[name, default: []].insert(target) }
            }
        }
        #expect(owners.count > 100, "found only \(owners.count) type names under \(sources.path)")
        let twins = owners.filter { $0.value.count > 1 }.map { "\($0.key) (\($0.value.sorted().joined(separator: ", ")))" }
        #expect(twins.isEmpty, "type names defined in two targets: \(twins.sorted().joined(separator: "; "))")
    }

    @Test func topLevelTypeNamesAreFoundAsDeclared() {
        let text = """
            public struct Alpha: Sendable {
                struct Nested {}
            }
            final class Beta {}
            public final class Gamma {}
            enum Delta { case x }
            protocol Epsilon {}
            public typealias Zeta = Int
            extension Alpha {}
            // struct Commented
            """
        #expect(Self.topLevelTypeNames(in: text) == ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"])
    }

    /// Names of types declared at a file's top level (column 0): nested types and extensions
    /// are not new names.
    static func topLevelTypeNames(in text: String) -> [String] {
        let modifiers: Set<Substring> = ["public", "internal", "package", "private", "fileprivate", "final", "open", "indirect"]
        let kinds: Set<Substring> = ["struct", "class", "enum", "protocol", "actor", "typealias"]
        var names: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where line.first?.isLetter == true {
            var words = line.split(separator: " ")[...]
            while let first = words.first, modifiers.contains(first) { words = words.dropFirst() }
            guard let kind = words.first, kinds.contains(kind), let name = words.dropFirst().first else { continue }
            names.append(String(name.prefix { $0.isLetter || $0.isNumber || $0 == "_" }))
        }
        return names
    }
}

/// The part of `swift package dump-package`'s JSON this test reads.
private struct Manifest: Decodable {
    struct Target: Decodable {
        var name: String
        var dependencies: [Dependency]
    }

    /// `{"byName": ["Wire", null]}`, `{"target": ["Wire", null]}` or `{"product": [...]}`.
    struct Dependency: Decodable {
        var byName: [String?]?
        var target: [String?]?

        /// The target depended on, for a dependency inside this package.
        var localName: String? { (byName ?? target)?.first ?? nil }
    }

    var targets: [Target]
}
