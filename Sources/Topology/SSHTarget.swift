/// `user@host[:port]` from a host's `ssh` key.
public struct SSHTarget: Sendable, Equatable {
    /// The login user.
    public var user: String
    /// Host name or IP address (IPv6 without brackets).
    public var host: String
    /// TCP port, 1...65535; 22 when the file gives none.
    public var port: Int

    /// Creates a target; the port defaults to SSH's 22.
    public init(user: String, host: String, port: Int = 22) {
        self.user = user
        self.host = host
        self.port = port
    }
}
