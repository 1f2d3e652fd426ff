/// One of the things being compared: a server implementation run from a container recipe, or
/// a server already running that Barrage only loads (an external target).
public struct System: Sendable, Equatable {
    /// Unique label (`[a-z0-9-]+`), used in cell ids and result names.
    public var name: String
    /// A recipe folder name under `Containers/`, or `builtin` for Barrage's own server; empty
    /// for an external target.
    public var container: String
    /// Extra environment for the server process, in file order.
    public var env: [EnvironmentVariable]
    /// Where a server Barrage does not start listens (`target: HOST:PORT`); nil for a recipe
    /// or the builtin server, which Barrage starts for every cell.
    public var target: ServerEndpoint?

    /// Creates a system Barrage starts.
    public init(name: String, container: String, env: [EnvironmentVariable] = []) {
        self.name = name
        self.container = container
        self.env = env
    }

    /// Creates an external system: a server already running at `target`.
    public init(name: String, target: ServerEndpoint) {
        self.init(name: name, container: "")
        self.target = target
    }

    /// Whether this is Barrage's built-in server rather than a container.
    public var isBuiltin: Bool { target == nil && container == "builtin" }

    /// Whether Barrage starts nothing for this system: its server is already running.
    public var isExternal: Bool { target != nil }
}
