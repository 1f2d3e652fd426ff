/// The fields Barrage reads from one `/proc/<pid>/stat` line.
///
/// Parsing is pure so it can be tested on captured lines; the process name (field 2) may
/// hold spaces and parentheses, so fields are counted from the *last* `)`.
public struct ProcStat: Equatable, Sendable {
    public var pid: Int32
    public var parentPid: Int32
    public var processGroup: Int32
    public var session: Int32
    /// user + system + waited-for children's user + system, in clock ticks.
    public var cpuTicks: UInt64
    public var threads: Int
    /// Resident pages.
    public var residentPages: UInt64
    /// The state letter (`R`, `S`, `Z` …).
    public var state: Character

    /// A zombie (`Z`) or dead (`X`) process: it holds no memory any more, only its CPU time
    /// until its parent waits for it.
    public var hasExited: Bool { state == "Z" || state == "X" }

    /// Parses one stat line; nil if it is not one.
    public init?(_ line: Substring) {
        guard let open = line.firstIndex(of: "("), let close = line.lastIndex(of: ")"), open < close,
            let pid = Int32(line[..<open].trimmingSpaces)
        else { return nil }
        // Fields after the name, numbered as in proc(5): index 0 here is field 3 (state).
        let fields = line[line.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 22, let state = fields[0].first,
            let ppid = Int32(fields[1]), let pgrp = Int32(fields[2]), let session = Int32(fields[3]),
            let utime = UInt64(fields[11]), let stime = UInt64(fields[12]),
            let cutime = Int64(fields[13]), let cstime = Int64(fields[14]),
            let threads = Int(fields[17]), let rss = Int64(fields[21])
        else { return nil }
        self.pid = pid
        self.state = state
        self.parentPid = ppid
        self.processGroup = pgrp
        self.session = session
        self.cpuTicks = utime &+ stime &+ UInt64(max(0, cutime)) &+ UInt64(max(0, cstime))
        self.threads = threads
        self.residentPages = UInt64(max(0, rss))
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
