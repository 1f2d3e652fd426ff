/// Spreads a cell's connections over its client workers as evenly as possible.
enum ConnectionSplit {
    /// Shares for `workers` workers: the first `total % workers` get one more than the rest.
    /// Fewer connections than workers leaves the last workers with 0 (the parser rejects that case).
    static func shares(total: Int, workers: Int) -> [Int] {
        guard workers > 0 else { return [] }
        let base = max(0, total) / workers
        let extra = max(0, total) % workers
        return (0..<workers).map { $0 < extra ? base + 1 : base }
    }

    /// A sentence describing an uneven split, or `nil` when every worker gets the same.
    static func note(total: Int, shares: [Int]) -> String? {
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
