/// A workload's `slo`.
extension TopologyValidator {
    static let sloKeys = LatencyPercentile.allCases.map(\.rawValue) + ["errors"]

    /// `{ p99: 50ms, errors: 0.1% }`: at least one bound, each in range.
    mutating func slo(_ node: YAMLNode) -> SLO? {
        guard let fields = fields(of: node, label: "slo", place: "in slo", allowed: Self.sloKeys) else { return nil }
        guard !fields.fields.isEmpty else {
            sink.report("slo must set at least one bound: " + Self.orList(Self.sloKeys), at: fields.mark)
            return nil
        }
        var bounds: [SLOBound] = []
        var valid = true
        // File order, so misses read in the order the user wrote the bounds.
        for (key, field) in fields.fields.sorted(by: { $0.value.keyMark < $1.value.keyMark }) {
            guard !field.value.isNull else {
                sink.report("'\(key)' needs a value", at: field.value.mark)
                valid = false
                continue
            }
            if key == "errors" {
                if let percent = percent(field.value, label: "slo errors", in: 0...100) {
                    bounds.append(.errors(maximumPercent: percent))
                } else {
                    valid = false
                }
            } else if let percentile = LatencyPercentile(rawValue: key) {
                if let microseconds = latencyBound(field.value, label: "slo \(key)") {
                    bounds.append(.latency(percentile, maximumMicroseconds: microseconds))
                } else {
                    valid = false
                }
            }
        }
        return valid ? SLO(bounds: bounds) : nil
    }

    /// `500us`, `50ms`, `1s`: a latency bound in microseconds, > 0.
    private mutating func latencyBound(_ node: YAMLNode, label: String) -> UInt64? {
        guard let scalar = scalar(node, label: label) else { return nil }
        for suffix in ["us", "µs"] where scalar.text.hasSuffix(suffix) {
            switch Quantity.integer(String(scalar.text.dropLast(suffix.count))) {
            case .value(let microseconds) where microseconds > 0:
                return checked(
                    UInt64(microseconds), in: 1...UInt64(Self.maximumMilliseconds) * 1_000, label: label,
                    text: scalar.text, mark: scalar.mark, bounds: ("1us", "24 hours"))
            case .tooLarge:
                reportTooLarge(label: label, text: scalar.text, upper: "24 hours", mark: scalar.mark)
                return nil
            default:
                break
            }
        }
        guard let milliseconds = duration(node, label: label, allowsZero: false, shape: "a latency such as 500us, 50ms or 1s")
        else { return nil }
        return UInt64(milliseconds) * 1_000
    }
}
