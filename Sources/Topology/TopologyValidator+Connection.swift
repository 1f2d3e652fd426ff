/// The workload's `connection` (churn) and `pause` (the shortest server pause reported).
extension TopologyValidator {
    static let connectionKeys = ["lifetime", "requests"]
    /// A connection serving more calls than this before it retires is no churn worth a cell.
    static let maximumCallsPerConnection = ConnectionLifetime.maximumCalls
    /// Pauses shorter than a millisecond are below the load loop's timer; longer than a
    /// minute, no window would hold enough of them.
    static let pauseRangeMilliseconds = 1...60_000

    /// `{ lifetime: D }` or `{ requests: N }`: exactly one of them.
    mutating func connectionLifetime(_ node: YAMLNode) -> ConnectionLifetime? {
        guard let fields = fields(of: node, label: "connection", place: "in connection", allowed: Self.connectionKeys)
        else { return nil }
        let lifetime = fields.fields["lifetime"]
        let requests = fields.fields["requests"]
        switch (lifetime, requests) {
        case (.some, .some):
            sink.report(
                "connection takes either lifetime or requests, not both", at: requests?.keyMark ?? fields.mark)
            return nil
        case (nil, nil):
            // An unknown key was reported already; "needs" would only repeat it.
            if case .mapping(let mapping) = node, !mapping.entries.isEmpty { return nil }
            sink.report(
                "connection needs 'lifetime' (such as '1s') or 'requests' (such as 100)", at: fields.mark)
            return nil
        case (.some, nil):
            guard let node = required(fields, "lifetime"),
                let milliseconds = duration(node, label: "connection lifetime", allowsZero: false)
            else { return nil }
            return .lifetime(milliseconds: milliseconds)
        case (nil, .some):
            guard let node = required(fields, "requests"),
                let count = integer(node, label: "connection requests", in: 1...Self.maximumCallsPerConnection)
            else { return nil }
            return .requests(count)
        }
    }

    /// `pause: 10ms`: at least a millisecond, at most a minute.
    mutating func pauseThreshold(_ node: YAMLNode) -> Int? {
        guard let milliseconds = duration(node, label: "pause", allowsZero: false) else { return nil }
        guard Self.pauseRangeMilliseconds.contains(milliseconds) else {
            guard let scalar = scalar(node, label: "pause") else { return nil }
            sink.report(
                "pause must be between 1ms and 60s, found \(Quote.fragment(scalar.text))", at: scalar.mark)
            return nil
        }
        return milliseconds
    }
}
