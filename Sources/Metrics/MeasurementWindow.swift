/// The measurement window on one host's monotonic clock: from the first mark to the second.
public struct MeasurementWindow: Codable, Sendable, Equatable {
    public var startMs: UInt64
    public var endMs: UInt64

    public init(startMs: UInt64, endMs: UInt64) {
        self.startMs = startMs
        self.endMs = endMs
    }

    /// Window length in seconds (0 if the marks came out of order).
    public var seconds: Double { endMs > startMs ? Double(endMs - startMs) / 1000 : 0 }

    enum CodingKeys: String, CodingKey { case startMs = "start_ms", endMs = "end_ms" }

    /// Refuses a window longer than `FigureBounds.maximumWindowMs`: a corrupted `end_ms`
    /// would otherwise ask for a point per second of centuries.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        startMs = try container.decode(UInt64.self, forKey: .startMs)
        endMs = try container.decode(UInt64.self, forKey: .endMs)
        if endMs > startMs {
            _ = try FigureBounds.checked(endMs - startMs, atMost: FigureBounds.maximumWindowMs, .endMs, in: container)
        }
    }
}
