import Foundation
import Posix
import Topology

/// Reads a topology file and finds the `Containers/` folder it refers to.
enum TopologyLoader {
    /// A topology that parsed, with its text and the containers folder used.
    struct Loaded {
        var topology: Topology
        var text: String
        var containersDirectory: String
    }

    /// Reads and validates `path`; on any problem prints `FILE:LINE:COLUMN: error: …` lines
    /// to stderr and returns nil.
    static func load(path: String, containers: String?) -> Loaded? {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let why = !exists ? "no such file" : isDirectory.boolValue ? "is a directory" : "cannot be read"
            printError("\(path):1:1: error: \(why)")
            return nil
        }
        let containersDirectory = containers.map { WorkingDirectory.absolute($0) } ?? findContainers(near: path)
        if let containers {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: containersDirectory, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                printError("barrage: error: --containers \(containers): no such folder")
                return nil
            }
        }
        let known = knownContainers(in: containersDirectory)
        switch TopologyParser.parse(bytes: Array(data), file: path, knownContainers: known) {
        case .success(var topology):
            // The services' .proto compiled and their requests encoded now, before anything starts.
            let folder = URL(fileURLWithPath: WorkingDirectory.absolute(path)).deletingLastPathComponent().path
            var problems: [TopologyDiagnostic] = []
            for index in topology.scenarios.indices {
                guard let service = topology.scenarios[index].workload.service else { continue }
                switch ServiceCompilation.compile(service, file: path, folder: folder) {
                case .success(let call): topology.scenarios[index].workload.service?.call = call
                case .failure(let errors): problems += errors.diagnostics
                }
            }
            for index in topology.scenarios.indices {
                let setting = topology.scenarios[index].workload.tls
                guard case .files(let files, let locations) = setting else { continue }
                switch TLSFileReader.read(files, locations: locations, file: path, folder: folder) {
                case .success(let pem): topology.scenarios[index].workload.tlsFilesPEM = pem
                case .failure(let errors): problems += errors.diagnostics
                }
            }
            guard problems.isEmpty else {
                printError(TopologyErrors(diagnostics: problems).description)
                return nil
            }
            return Loaded(
                topology: topology, text: String(decoding: data, as: UTF8.self), containersDirectory: containersDirectory)
        case .failure(let errors):
            printError(errors.description)
            if errors.diagnostics.contains(where: { $0.message.hasPrefix("unknown container") }) {
                printError(
                    "\(path): note: recipes are the folders of \(containersDirectory) that hold an executable `run`; "
                        + "--containers DIR names another folder")
            }
            return nil
        }
    }

    /// `Containers/` beside the topology file or in a folder above it, else in the current folder.
    static func findContainers(near path: String) -> String {
        var folder = URL(fileURLWithPath: WorkingDirectory.absolute(path)).deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("Containers").path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue {
                return candidate
            }
            folder.deleteLastPathComponent()
        }
        return WorkingDirectory.absolute("Containers")
    }

    /// Recipe names: folders holding an executable `run`.
    static func knownContainers(in directory: String) -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return Set(names.filter { FileManager.default.isExecutableFile(atPath: "\(directory)/\($0)/run") })
    }

}

/// Prints one line to stderr.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}
