/// Why limits cannot be enforced, or a cgroup operation failed: one line for a person.
public struct CgroupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The line, without a trailing newline or a `barrage:` prefix.
    public let message: String
    /// The `errno` behind it, 0 if none (lets callers tell "busy" from "denied").
    let code: Int32

    /// Creates an error with its line.
    public init(_ message: String) {
        self.init(message, code: 0)
    }

    init(_ message: String, code: Int32) {
        self.message = message
        self.code = code
    }

    /// The message.
    public var description: String { message }
}
