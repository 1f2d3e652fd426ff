/// How the human-readable formats write numbers.
///
/// Written by hand rather than with a `NumberFormatter`: the output must be byte-identical
/// on every machine and in every locale (a comma as decimal point would break comparisons).
enum FigureFormat {
    /// An integer with thousands separators: "12,345".
    static func count<Integer: BinaryInteger>(_ value: Integer) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return value < 0 ? "-" + grouped : grouped
    }

    /// `value` rounded to `decimals` places, thousands separated: "12,345.6". "-" if not finite.
    static func decimal(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        // Beyond this the figure is nonsense for a benchmark anyway; avoid the trap of Int64(_:).
        guard scaled < 9e18 else { return "-" }
        let units = Int64(scaled)
        let whole = count(units / Int64(scale))
        let sign = value < 0 && units > 0 ? "-" : ""
        guard decimals > 0 else { return sign + whole }
        let fraction = String(units % Int64(scale))
        return sign + whole + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// Requests per second, one decimal: "12,345.6".
    static func rate(_ perSecond: Double) -> String { decimal(perSecond, decimals: 1) }

    /// CPU as % of one core, one decimal: "97.5".
    static func percent(_ value: Double) -> String { decimal(value, decimals: 1) }

    /// A latency with its unit: "812µs" below 1 ms, "1.25ms" below 1 s, else "2.50s".
    static func latency(microseconds: UInt64) -> String {
        // The thresholds sit where rounding to 2 decimals would reach 1000: "1.00s", not "1,000.00ms".
        switch microseconds {
        case ..<1_000: "\(microseconds)µs"
        case ..<999_995: decimal(Double(microseconds) / 1_000, decimals: 2) + "ms"
        default: decimal(Double(microseconds) / 1_000_000, decimals: 2) + "s"
        }
    }

    /// A size in binary units, one decimal: "812 B", "1.5 KiB", "200.0 MiB", "1.2 GiB".
    static func bytes(_ value: UInt64) -> String {
        guard value >= 1024 else { return "\(value) B" }
        var size = Double(value) / 1024
        for unit in ["KiB", "MiB"] {
            // Move up a unit where one decimal would round to 1024.0: "1.0 MiB", not "1,024.0 KiB".
            if size < 1023.95 { return decimal(size, decimals: 1) + " " + unit }
            size /= 1024
        }
        return decimal(size, decimals: 1) + " GiB"
    }
}
