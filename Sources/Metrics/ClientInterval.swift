/// One closed second of a client worker's window, as it leaves the worker: the `interval`
/// control message and one line of `nodes/<cell>/<node>.seconds.jsonl` (its histogram goes to
/// `<node>.hlog`).
///
/// The histogram travels as HdrHistogram's compressed V2 base64 (`LatencyHistogram.logEncoded`),
/// so a second costs a few hundred bytes on the wire whatever the window's length.
public struct ClientInterval: Codable, Sendable, Equatable {
    /// Seconds since the worker's window-opening mark: this interval is [second, second + 1).
    public var second: Int
    /// Requests, errors and latency of the second.
    public var counts: IntervalCounts
    /// The second's failed requests by kind (their sum is `counts.errors`).
    public var errorsByKind: [String: UInt64]

    /// One second's figures.
    public init(second: Int, counts: IntervalCounts, errorsByKind: [String: UInt64] = [:]) {
        self.second = second
        self.counts = counts
        self.errorsByKind = errorsByKind
    }

    /// Adds another thread's figures of the same second.
    public mutating func add(_ other: ClientInterval) {
        counts.add(other.counts)
        errorsByKind.merge(other.errorsByKind, uniquingKeysWith: +)
    }

    enum CodingKeys: String, CodingKey {
        case second = "t", requests, errors, histogram
    }

    /// `{"t": 3, "requests": 4999, "errors": {"timeout": 1}, "histogram": "HISTFAAA…"}`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(second, forKey: .second)
        try container.encode(counts.requests, forKey: .requests)
        try container.encode(errorsByKind, forKey: .errors)
        try container.encode(counts.histogram.logEncoded, forKey: .histogram)
    }

    /// Refuses figures past `FigureBounds` by name: a worker's seconds are added over the
    /// window and every worker (an `errors` of two kinds near 2^64 trapped the coordinator
    /// here: ControlMessageMutationTests).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let bounds = FigureBounds.self
        second = try bounds.checked(
            container.decode(Int.self, forKey: .second), atMost: Int(bounds.maximumWindowMs / 1000), .second, in: container)
        errorsByKind = try container.decode([String: UInt64].self, forKey: .errors)
        let errors = try bounds.checkedSum(errorsByKind.values, .errors, in: container)
        let text = try container.decode(String.self, forKey: .histogram)
        guard let histogram = LatencyHistogram(logEncoded: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .histogram, in: container, debugDescription: "not an HdrHistogram compressed V2 encoding")
        }
        counts = IntervalCounts(
            requests: try bounds.checked(
                container.decode(UInt64.self, forKey: .requests), atMost: bounds.maximumCount, .requests, in: container),
            errors: errors, histogram: histogram)
    }
}
