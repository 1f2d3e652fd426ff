/// A machine that runs a server or clients: the coordinator's own (local) or one reached over SSH.
public struct Host: Sendable, Equatable {
    /// The key under `hosts` that names this host in the file.
    public var name: String
    /// How to reach the host; `nil` means the coordinator's own machine.
    public var ssh: SSHTarget?
    /// SSH private key path, as written (not expanded: `~` is the caller's business).
    public var identity: String?
    /// SSH known_hosts file path, as written.
    public var knownHosts: String?
    /// Where clients reach servers on this host, if different from what SSH uses.
    public var address: String?

    /// Creates a host; only `name` is needed for a local host.
    public init(
        name: String, ssh: SSHTarget? = nil, identity: String? = nil, knownHosts: String? = nil,
        address: String? = nil
    ) {
        self.name = name
        self.ssh = ssh
        self.identity = identity
        self.knownHosts = knownHosts
        self.address = address
    }

    /// Whether this is the coordinator's own machine (no SSH).
    public var isLocal: Bool { ssh == nil }
}
