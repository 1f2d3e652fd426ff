/// Short tick labels for chart axes: the tables' formats, without decimals that a tick does not need.
enum ChartLabels {
    /// The unit for a latency axis whose largest value is `largest` µs, and µs per unit.
    static func latencyUnit(largest: Double) -> (String, Double) {
        switch largest {
        case ..<2_000: ("µs", 1)
        case ..<2_000_000: ("ms", 1_000)
        default: ("s", 1_000_000)
        }
    }

    /// The binary unit for a size axis whose largest value is `largest` bytes, and bytes per unit.
    static func bytesUnit(largest: Double) -> (String, Double) {
        switch largest {
        case ..<2_048: ("B", 1)
        case ..<(2_048 * 1024): ("KiB", 1024)
        case ..<(2_048 * 1024 * 1024): ("MiB", 1024 * 1024)
        default: ("GiB", 1024 * 1024 * 1024)
        }
    }

    /// A count or rate tick: "0", "25,000", "1.5".
    static func number(_ value: Double) -> String { trimmed(value, decimals: 2) }

    /// `value` with up to `decimals` places, trailing zeros dropped, thousands separated.
    static func trimmed(_ value: Double, decimals: Int) -> String {
        var text = FigureFormat.decimal(value, decimals: decimals)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
