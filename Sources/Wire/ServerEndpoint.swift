/// Where a client reaches one server replica.
public struct ServerEndpoint: Codable, Sendable, Hashable {
    /// The address clients connect to (numeric; there is no DNS).
    public var host: String
    /// The port the replica listens on.
    public var port: Int

    /// A replica at `host`:`port`.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, brackets around an IPv6 address.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
