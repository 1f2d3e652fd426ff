/// The host-wide CPU counters of `/proc/stat`'s first line (`cpu  user nice system idle
/// iowait irq softirq steal …`, in clock ticks since boot).
///
/// Parsing is pure so it can be tested on captured text; a client worker reads the file at
/// both marks, and the difference says how much of the host's CPU sat idle in its window.
public struct HostCPUTimes: Sendable, Equatable {
    /// Ticks spent idle or waiting for I/O (nothing to run).
    public var idleTicks: UInt64
    /// Ticks of every kind (user, nice, system, idle, iowait, irq, softirq, steal).
    public var totalTicks: UInt64

    public init(idleTicks: UInt64, totalTicks: UInt64) {
        self.idleTicks = idleTicks
        self.totalTicks = totalTicks
    }

    /// Reads the aggregate `cpu` line of `/proc/stat`'s text; nil if there is none.
    ///
    /// guest and guest_nice are left out: the kernel already counts them inside user and nice.
    public init?(procStat text: String) {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return nil }
        let fields = line.split(separator: " ").dropFirst().prefix(8).compactMap { UInt64($0) }
        guard fields.count >= 4 else { return nil }
        idleTicks = fields[3] + (fields.count > 4 ? fields[4] : 0)
        totalTicks = fields.reduce(0, +)
    }

    /// The share of the host's CPU time that was idle from `start` to `end` (0…1); nil when
    /// no tick passed or the counters went backwards (not the same boot).
    public static func idleFraction(from start: HostCPUTimes, to end: HostCPUTimes) -> Double? {
        guard end.totalTicks > start.totalTicks, end.idleTicks >= start.idleTicks else { return nil }
        let idle = Double(end.idleTicks - start.idleTicks) / Double(end.totalTicks - start.totalTicks)
        return Swift.min(1, idle)
    }
}
