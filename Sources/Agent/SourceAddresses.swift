/// Local addresses a client connects from.
///
/// One source address gives at most ~28,000 ephemeral ports towards one server address and
/// port; a loopback target can be reached from any 127/8 address, so many connections to it
/// are spread over several.
enum SourceAddresses {
    /// Connections per source address before another is added (well under the ~28k ports).
    static let connectionsPerAddress = 10_000

    /// Empty (the kernel's choice) unless `target` is an IPv4 loopback address and there are
    /// more connections than one address comfortably serves; then 127.0.<thread+1>.1, .2, …
    static func forTarget(_ target: String, connections: Int, thread: Int) -> [String] {
        guard target.hasPrefix("127."), connections > connectionsPerAddress else { return [] }
        let count = (connections + connectionsPerAddress - 1) / connectionsPerAddress
        return (1...count).map { "127.0.\((thread % 250) + 1).\($0)" }
    }
}
