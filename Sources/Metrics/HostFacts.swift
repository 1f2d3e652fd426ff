/// What a worker's host is: an element of `hosts` in summary.json, so a reader knows which
/// machines the figures came from.
public struct HostFacts: Codable, Sendable, Equatable {
    /// Topology host name.
    public var name: String
    /// The machine's own host name (`uname -n`).
    public var hostname: String
    /// Kernel release (`uname -r`).
    public var kernel: String
    /// The first `model name` of `/proc/cpuinfo`; "" when it has none.
    public var cpuModel: String
    /// CPUs online.
    public var cores: Int
    /// `MemTotal` of `/proc/meminfo`, bytes; 0 when unknown.
    public var memoryBytes: UInt64

    public init(name: String, hostname: String, kernel: String, cpuModel: String, cores: Int, memoryBytes: UInt64) {
        self.name = name
        self.hostname = hostname
        self.kernel = kernel
        self.cpuModel = cpuModel
        self.cores = cores
        self.memoryBytes = memoryBytes
    }

    enum CodingKeys: String, CodingKey {
        case name, hostname, kernel, cores
        case cpuModel = "cpu_model"
        case memoryBytes = "memory_bytes"
    }

    /// The first `model name` in `/proc/cpuinfo`'s text ("" without one, as on some ARM kernels).
    public static func cpuModel(cpuInfo text: String) -> String {
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return line[line.index(after: colon)...].trimmingBlanks
        }
        return ""
    }

    /// `MemTotal` of `/proc/meminfo`'s text in bytes (the file says kB, meaning KiB); 0 without it.
    public static func memoryBytes(memInfo text: String) -> UInt64 {
        for line in text.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let words = line.split(separator: " ")
            guard words.count >= 2, let kib = UInt64(words[1]) else { return 0 }
            return kib * 1024
        }
        return 0
    }

    /// `hosts` as summary.json lists them: one per topology name (the first report of it
    /// wins, later cells describe the same machine), sorted by name.
    public static func merged(_ existing: [HostFacts], adding facts: [HostFacts]) -> [HostFacts] {
        var byName = Dictionary(existing.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for host in facts where byName[host.name] == nil { byName[host.name] = host }
        return byName.values.sorted { $0.name < $1.name }
    }
}
