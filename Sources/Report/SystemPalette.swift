/// One colour per system, the same in every chart of a report.
///
/// Okabe and Ito's palette: told apart also by readers with the common colour-vision
/// deficiencies, and dark enough on white paper.
public struct SystemPalette: Sendable, Equatable {
    /// The colours, in the order systems are given them.
    public static let colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    /// The systems, in the order they first ran.
    public private(set) var systems: [String]

    /// A palette for `systems` in that order (duplicates ignored).
    public init(_ systems: [String]) {
        var seen: [String] = []
        for system in systems where !seen.contains(system) { seen.append(system) }
        self.systems = seen
    }

    /// The colour of `system`; past eight systems the colours repeat, and an unknown system
    /// gets grey.
    public func colour(_ system: String) -> String {
        guard let index = systems.firstIndex(of: system) else { return "#777777" }
        return Self.colours[index % Self.colours.count]
    }
}
