/// Where the server under test runs: the `server` section.
public struct ServerSpec: Sendable, Equatable {
    /// Name of a host declared under `hosts`.
    public var host: String
    /// Listening port; 0 lets the system pick any free port.
    public var port: Int
    /// Resource limits for the server, if any.
    public var limits: Limits?

    /// Creates a server spec; port 0 means "any free port".
    public init(host: String, port: Int = 0, limits: Limits? = nil) {
        self.host = host
        self.port = port
        self.limits = limits
    }
}
