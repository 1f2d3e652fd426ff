extension CellGroup: Encodable {
    /// One element of `groups` in `summary.json`: the medians and ranges of one
    /// (system, connections) over its repeats. Derived from `cells` on every write and
    /// ignored on read. Not in SPEC.md's schema: an addition.
    ///
    /// ```
    /// { "system": "builtin", "connections": 1000,
    ///   "repeats": 3, "ok": 2,                 // cells of this pair, and how many ended ok
    ///   "requests_per_second": S, "errors": S,
    ///   "latency_us": { "p50": S?, "p90": S?, "p99": S?, "p999": S? },
    ///   "server": { "cpu_percent": S, "rss_peak_bytes": S, "rss_sustained_bytes": S,
    ///               "memory_per_connection_bytes": S? },
    ///   "clients": { "cpu_percent": S, "saturated": false, "late_sends": 0 } }
    /// ```
    /// where S is `{ "median": m, "min": a, "max": b, "count": n }` over the ok repeats
    /// (every repeat when none is ok; the median of an even count is the lower middle), and
    /// S? is `null` when no such repeat knows the figure (no request completed, no idle RSS).
    /// `saturated` is true when any repeat was; `late_sends` sums every repeat.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(system, forKey: "system")
        try container.encode(connections, forKey: "connections")
        // The second part's dimensions tell apart groups of one (system, connections).
        try container.encode(scenario, forKey: "scenario")
        try container.encode(replicas, forKey: "replicas")
        try container.encode(cpus, forKey: "cpus")
        try container.encode(tls, forKey: "tls")
        try container.encode(ratePerSecond, forKey: "rate_per_second")
        try container.encode(cells.count, forKey: "repeats")
        try container.encode(okCount, forKey: "ok")
        try container.encode(spread(of: \.requestsPerSecond), forKey: "requests_per_second")
        try container.encode(spread(of: \.errors), forKey: "errors")

        var latency = container.nestedContainer(keyedBy: Key.self, forKey: "latency_us")
        try latency.encode(self.latency(\.p50), forKey: "p50")
        try latency.encode(self.latency(\.p90), forKey: "p90")
        try latency.encode(self.latency(\.p99), forKey: "p99")
        try latency.encode(self.latency(\.p999), forKey: "p999")

        var server = container.nestedContainer(keyedBy: Key.self, forKey: "server")
        try server.encode(spread(ofKnown: \.server?.cpuPercent), forKey: "cpu_percent")
        try server.encode(spread(ofKnown: \.server?.rssPeakBytes), forKey: "rss_peak_bytes")
        try server.encode(spread(ofKnown: \.server?.rssSustainedBytes), forKey: "rss_sustained_bytes")
        try server.encode(spread(ofKnown: { $0.server?.memoryPerConnectionBytes }), forKey: "memory_per_connection_bytes")

        var clients = container.nestedContainer(keyedBy: Key.self, forKey: "clients")
        try clients.encode(spread(of: \.clients.cpuPercent), forKey: "cpu_percent")
        try clients.encode(saturated, forKey: "saturated")
        try clients.encode(lateSends, forKey: "late_sends")
        try clients.encode(queuedSends, forKey: "queued_sends")
        try container.encode(bottleneck, forKey: "bottleneck")
    }

    /// A key spelled inline: the shape above reads better than four `CodingKeys` enums.
    struct Key: CodingKey, ExpressibleByStringLiteral {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringLiteral value: String) { stringValue = value }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
