import Glibc
import Metrics

/// Reads what the worker's own host is and how busy it is, from /proc and uname(2); the
/// parsing is `HostFacts`' and `HostCPUTimes`', pure and tested apart.
enum HostProbe {
    /// This host, under its topology name.
    static func facts(name: String) -> HostFacts {
        var names = utsname()
        uname(&names)
        return HostFacts(
            name: name, hostname: field(&names.nodename), kernel: field(&names.release),
            cpuModel: HostFacts.cpuModel(cpuInfo: read("/proc/cpuinfo") ?? ""),
            cores: max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))),
            memoryBytes: HostFacts.memoryBytes(memInfo: read("/proc/meminfo") ?? ""))
    }

    /// The host's CPU counters now; nil when /proc/stat cannot be read.
    static func cpuTimes() -> HostCPUTimes? {
        read("/proc/stat").flatMap { HostCPUTimes(procStat: $0) }
    }

    /// A NUL-terminated utsname field as a string.
    private static func field<T>(_ value: inout T) -> String {
        withUnsafeBytes(of: &value) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// A /proc file's text (they report size 0, so read until the end), at most 1 MiB.
    private static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while bytes.count < 1 << 20 {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}
