/// One `NAME: value` from a system's `env`; values are kept as their text (`1`, `true`, …).
public struct EnvironmentVariable: Sendable, Equatable {
    /// The variable name (`[A-Za-z_][A-Za-z0-9_]*`).
    public var name: String
    /// The value, exactly as written.
    public var value: String

    /// Creates a variable.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
