import Topology

/// The progress line a capacity search prints after each trial:
/// `capacity grpc-go c1000 · trial 6 · 24,000/s · p99 41ms ✓`.
public enum TrialLine {
    public static func text(cell: CellPlan, trial: Int, ratePerSecond: Double, outcome: CapacitySearch.TrialOutcome) -> String {
        var name = [cell.scenario ?? "capacity", cell.system.name]
        if let cpus = cell.cpus { name.append("cpus\(cpus.plainNumber)") }
        name.append("c\(cell.connections)")
        let mark = !outcome.valid ? "✗ (void: \(voidReason(outcome)))" : outcome.met ? "✓" : "✗"
        var parts = [
            name.joined(separator: " "), "trial \(trial)", "\(CapacitySearch.rateText(ratePerSecond))/s",
            "p99 \(latency(outcome.p99Microseconds)) \(mark)"
        ]
        if outcome.errors > 0 { parts.append("\(outcome.errors) errors") }
        return parts.joined(separator: " · ")
    }

    /// Why a trial says nothing about the server: "generator fell behind: 41 of 3,200 sends late".
    static func voidReason(_ outcome: CapacitySearch.TrialOutcome) -> String {
        var reasons: [String] = []
        if outcome.clientSaturated { reasons.append("a client worker saturated") }
        if outcome.lateSends > 0 || reasons.isEmpty {
            reasons.append(
                "generator fell behind: \(CapacitySearch.rateText(Double(outcome.lateSends))) of "
                    + "\(CapacitySearch.rateText(Double(outcome.sends))) sends late")
        }
        return reasons.joined(separator: "; ")
    }

    /// "41ms", "812µs", "1.2s": as short as the line needs.
    static func latency(_ microseconds: UInt64) -> String {
        switch microseconds {
        case ..<1_000: return "\(microseconds)µs"
        case ..<10_000: return String(format1(Double(microseconds) / 1_000)) + "ms"
        case ..<1_000_000: return "\(Int((Double(microseconds) / 1_000).rounded()))ms"
        default: return format1(Double(microseconds) / 1_000_000) + "s"
        }
    }

    private static func format1(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }
}

private extension Double {
    var plainNumber: String { Int(exactly: self).map(String.init) ?? String(self) }
}
