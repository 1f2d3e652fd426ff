/// One of the things being compared: a server implementation run from a container recipe.
public struct System: Sendable, Equatable {
    /// Unique label (`[a-z0-9-]+`), used in cell ids and result names.
    public var name: String
    /// A recipe folder name under `Containers/`, or `builtin` for Barrage's own server.
    public var container: String
    /// Extra environment for the server process, in file order.
    public var env: [EnvironmentVariable]

    /// Creates a system.
    public init(name: String, container: String, env: [EnvironmentVariable] = []) {
        self.name = name
        self.container = container
        self.env = env
    }

    /// Whether this is Barrage's built-in server rather than a container.
    public var isBuiltin: Bool { container == "builtin" }
}
