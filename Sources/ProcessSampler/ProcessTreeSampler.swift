import Glibc
import Metrics

/// Reads the resources of a process tree from /proc: CPU time, RSS and threads summed over
/// every member.
public struct ProcessTreeSampler {
    /// Root of the tree (the server's pid, which is also its session id).
    public let root: Int32
    private let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    private let pageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))

    public init(root: Int32) {
        self.root = root
    }

    /// One reading at `timeMs`; nil once no process of the tree is left.
    public func sample(timeMs: UInt64) -> ResourceSample? {
        reading(of: ProcessTree.members(root: root, in: Self.allProcesses()), timeMs: timeMs)
    }

    /// The members' figures added; nil when no member holds memory: a tree caught between
    /// fork and exec or as it exits (zombies hold none) would read as a 0-byte server and
    /// drag `rss_sustained` and the time series down.
    func reading(of members: [ProcStat], timeMs: UInt64) -> ResourceSample? {
        guard members.contains(where: { !$0.hasExited && $0.residentPages > 0 }) else { return nil }
        // A member that exits and is waited for by another member moves into that member's
        // children's time (cutime/cstime), so summing the live members loses nothing.
        var ticks: UInt64 = 0
        var rssPages: UInt64 = 0
        var threads = 0
        for member in members {
            // A zombie's CPU time stays its own until it is waited for, then moves to its parent.
            ticks += member.cpuTicks
            guard !member.hasExited else { continue }
            rssPages += member.residentPages
            threads += member.threads
        }
        return ResourceSample(
            timeMs: timeMs, cpuSeconds: Double(ticks) / ticksPerSecond,
            rssBytes: rssPages * pageSize, threads: threads)
    }

    /// Every process's stat line that could be read (processes come and go while we look).
    static func allProcesses() -> [ProcStat] {
        guard let dir = opendir("/proc") else { return [] }
        defer { closedir(dir) }
        var result: [ProcStat] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> String in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let first = name.utf8.first, first >= 0x30, first <= 0x39 else { continue }
            if let text = readSmallFile("/proc/\(name)/stat"), let stat = ProcStat(Substring(text)) {
                result.append(stat)
            }
        }
        return result
    }

    /// Reads a file of at most 4 KiB (stat lines are shorter).
    static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }
}
