/// How a cell's load is shared out, decided once and exactly, for both sides: connections over
/// client workers (the planner) and over a worker's load threads (the client worker), the
/// open-loop rate in proportion to connections, and where each share starts in the targets.
public enum ConnectionSplit {
    /// `total` over `parts` as evenly as possible: the first `total % parts` get one more than
    /// the rest. Fewer connections than parts leaves the last parts with 0 (the parser rejects
    /// that case for workers; a worker's threads may get none).
    public static func shares(total: Int, parts: Int) -> [Int] {
        guard parts > 0 else { return [] }
        let base = max(0, total) / parts
        let extra = max(0, total) % parts
        return (0..<parts).map { $0 < extra ? base + 1 : base }
    }

    /// `total` requests per second split in proportion to `connections`. The shares add up to
    /// `total` exactly (left to right, as the report adds the figures): the last part with
    /// connections takes what the others leave. A part without connections sends nothing and
    /// gets nil — a share of 0 is no open-loop rate.
    public static func rateShares(total: Double, connections: [Int]) -> [Double?] {
        let sum = connections.reduce(0) { $0 + max(0, $1) }
        guard sum > 0, let last = connections.lastIndex(where: { $0 > 0 }) else {
            return connections.map { _ in nil }
        }
        var shares: [Double?] = connections.map { $0 > 0 ? total * Double($0) / Double(sum) : nil }
        let others = shares[..<last].reduce(0.0) { $0 + ($1 ?? 0) }
        var remainder = total - others
        // `others + (total - others)` can miss `total` by one unit in the last place; step it in.
        for _ in 0..<4 where others + remainder != total {
            remainder = others + remainder < total ? remainder.nextUp : remainder.nextDown
        }
        shares[last] = remainder
        return shares
    }

    /// One part of a split: its connections, its open-loop rate (nil: closed loop, or no
    /// connections), the number of its first connection over the whole split, and the targets
    /// rotated to start where that connection falls.
    public struct Part<Target> {
        public var connections: Int
        public var ratePerSecond: Double?
        public var firstConnection: Int
        public var targets: [Target]
    }

    /// The one split of load, used at both levels: a cell's connections over its client
    /// workers (the setup builder) and a worker's over its load threads (the worker's plan).
    /// Each part gets `connections[i]`, its share of `ratePerSecond` (exact, `rateShares`), and
    /// `targets` rotated from its first connection, numbered from `firstConnection`: so the
    /// connections of every part together take the targets in turn.
    public static func parts<Target>(
        connections: [Int], ratePerSecond: Double?, targets: [Target], firstConnection: Int = 0
    ) -> [Part<Target>] {
        let rates = ratePerSecond.map { rateShares(total: $0, connections: connections) }
        var first = firstConnection
        return connections.enumerated().map { index, count in
            defer { first += count }
            return Part(
                connections: count, ratePerSecond: rates?[index], firstConnection: first,
                targets: rotated(targets, firstConnection: first))
        }
    }

    /// `targets` starting at the one connection number `firstConnection` takes: connections
    /// numbered over a whole cell (or worker) take the targets in turn, each an equal share ±1.
    public static func rotated<Target>(_ targets: [Target], firstConnection: Int) -> [Target] {
        guard !targets.isEmpty else { return targets }
        let offset = firstConnection % targets.count
        return Array(targets[offset...] + targets[..<offset])
    }

    /// A sentence describing an uneven split, or `nil` when every worker gets the same.
    public static func note(total: Int, shares: [Int]) -> String? {
        guard let first = shares.first, let last = shares.last, first != last else { return nil }
        let listing: String
        if shares.count <= 16 {
            listing = shares.map(String.init).joined(separator: ", ")
        } else {
            // A list of hundreds of numbers says less than the two groups it consists of.
            let larger = shares.prefix { $0 == first }.count
            listing = "the first \(larger) get \(first), the other \(shares.count - larger) get \(last)"
        }
        return "connections \(total) over \(shares.count) client workers: \(listing)"
    }
}

extension ConnectionSplit.Part: Sendable where Target: Sendable {}
extension ConnectionSplit.Part: Equatable where Target: Equatable {}
