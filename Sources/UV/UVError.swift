import CUV

/// A failed libuv call: the negative status code, libuv's symbolic name and message for it, and
/// the operation that produced it (like swift-nio's `IOError` names the syscall), so a log line
/// says *what* failed, not only *why*.
public struct UVError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The libuv status code (always negative, e.g. `UV_ECONNREFUSED`).
    public let code: Int32
    /// libuv's symbolic name for `code`, e.g. `"ECONNREFUSED"` (from `uv_err_name`).
    public let name: String
    /// Human-readable text for `code` (from `uv_strerror`).
    public let message: String
    /// The operation that failed, usually the libuv function name, e.g. `"uv_tcp_connect"`.
    public let operation: String

    /// Builds the error for a libuv status code. The name and message are looked up with the
    /// reentrant `_r` variants: plain `uv_err_name`/`uv_strerror` leak a heap string for codes
    /// libuv does not know.
    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
        self.name = UVError.lookUp(code, uv_err_name_r)
        self.message = UVError.lookUp(code, uv_strerror_r)
    }

    /// `"operation: NAME (message)"`, e.g. `"uv_tcp_connect: ECONNREFUSED (connection refused)"`.
    public var description: String { "\(operation): \(name) (\(message))" }

    private static func lookUp(
        _ code: Int32,
        _ function: (Int32, UnsafeMutablePointer<CChar>?, Int) -> UnsafeMutablePointer<CChar>?
    ) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 128) { buffer in
            buffer.initialize(repeating: 0)
            _ = function(code, buffer.baseAddress, buffer.count)
            return String(cString: buffer.baseAddress!)
        }
    }
}

/// Checks a libuv return value: negative values are errors and are thrown as `UVError` tagged
/// with `operation`; anything else is returned unchanged (some calls return a byte count).
@discardableResult
public func uvCheck(_ operation: String, _ result: Int32) throws -> Int32 {
    if result < 0 { throw UVError(code: result, operation: operation) }
    return result
}
