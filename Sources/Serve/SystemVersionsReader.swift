import CNghttp2
import CUV
import Glibc
import Metrics
import Wire
import WorkerCore

/// Reads what a system was built from, where its `ServerPlan` says.
enum SystemVersionsReader {
    /// The versions at `source`; empty when a recipe wrote none.
    static func read(_ source: VersionsSource) -> [String: String] {
        switch source {
        case .builtin: builtin()
        case .file(let path): file(path)
        }
    }

    /// The builtin server is this binary: its version and the C libraries it runs on.
    static func builtin() -> [String: String] {
        var versions = ["barrage": BarrageVersion.current, "libuv": String(cString: uv_version_string())]
        if let info = nghttp2_version(0) { versions["nghttp2"] = String(cString: info.pointee.version_str) }
        return versions
    }

    /// A recipe's `versions.txt` at `path`, empty when it wrote none.
    static func file(_ path: String) -> [String: String] {
        guard let file = fopen(path, "r") else { return [:] }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        // versions.txt is a few lines; 64 KiB is plenty and bounds a stray huge file.
        while bytes.count < 1 << 16 {
            let count = fread(&chunk, 1, chunk.count, file)
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return SystemVersions.parse(versionsFile: String(decoding: bytes, as: UTF8.self))
    }
}
