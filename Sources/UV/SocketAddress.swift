import CUV

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A numeric IPv4/IPv6 socket address, parsed with `uv_ip4_addr`/`uv_ip6_addr` (no DNS:
/// a benchmark must not stall its loop on a resolver).
struct SocketAddress {
    var storage = sockaddr_storage()

    /// Parses `host` (an IPv4 or IPv6 literal, IPv6 optionally in brackets; `"localhost"`
    /// means 127.0.0.1) and `port`. Throws `EINVAL` for anything else.
    init(host: String, port: Int, operation: String) throws {
        guard (0...65535).contains(port) else {
            throw UVError(code: UV_EINVAL.rawValue, operation: "\(operation) (port \(port))")
        }
        var literal = host == "localhost" ? "127.0.0.1" : host
        if literal.hasPrefix("["), literal.hasSuffix("]") {
            literal = String(literal.dropFirst().dropLast())
        }
        let port = Int32(port)
        let parsed = withUnsafeMutablePointer(to: &storage) { pointer -> Bool in
            let raw = UnsafeMutableRawPointer(pointer)
            if uv_ip4_addr(literal, port, raw.assumingMemoryBound(to: sockaddr_in.self)) == 0 {
                return true
            }
            return uv_ip6_addr(literal, port, raw.assumingMemoryBound(to: sockaddr_in6.self)) == 0
        }
        guard parsed else {
            throw UVError(code: UV_EINVAL.rawValue, operation: "\(operation) (not a numeric address: \(host))")
        }
    }

    /// The address family (`AF_INET` or `AF_INET6`).
    var family: Int32 { Int32(storage.ss_family) }

    /// Calls `body` with the address as the `sockaddr` pointer libuv expects.
    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>) throws -> R) rethrows -> R {
        try withUnsafePointer(to: storage) { pointer in
            try body(UnsafeRawPointer(pointer).assumingMemoryBound(to: sockaddr.self))
        }
    }

    /// The port of a `sockaddr_storage` filled in by the kernel, or nil for other families.
    static func port(of storage: sockaddr_storage) -> Int? {
        withUnsafePointer(to: storage) { pointer in
            let raw = UnsafeRawPointer(pointer)
            switch Int32(storage.ss_family) {
            case AF_INET:
                return Int(UInt16(bigEndian: raw.assumingMemoryBound(to: sockaddr_in.self).pointee.sin_port))
            case AF_INET6:
                return Int(UInt16(bigEndian: raw.assumingMemoryBound(to: sockaddr_in6.self).pointee.sin6_port))
            default:
                return nil
            }
        }
    }
}
