/// The server figures of SPEC.md, computed from a sample series and a window.
public struct ResourceFigures: Codable, Sendable, Equatable {
    /// CPU time of the tree over the window, % of one core.
    public var cpuPercent: Double
    /// Largest RSS over all samples (the whole cell), bytes.
    public var rssPeakBytes: UInt64
    /// Median RSS of the samples inside the window, bytes.
    public var rssSustainedBytes: UInt64
    /// Most threads seen in any sample.
    public var threadsPeak: Int

    public init(cpuPercent: Double, rssPeakBytes: UInt64, rssSustainedBytes: UInt64, threadsPeak: Int) {
        self.cpuPercent = cpuPercent
        self.rssPeakBytes = rssPeakBytes
        self.rssSustainedBytes = rssSustainedBytes
        self.threadsPeak = threadsPeak
    }

    enum CodingKeys: String, CodingKey {
        case cpuPercent = "cpu_percent"
        case rssPeakBytes = "rss_peak_bytes"
        case rssSustainedBytes = "rss_sustained_bytes"
        case threadsPeak = "threads_peak"
    }
}
