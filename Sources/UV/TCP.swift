import CUV

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A libuv TCP socket (`uv_tcp_t`): a listener (`bind` + `listen` + `accept`) or a
/// connection (`connect`, or the result of `accept`). Addresses are numeric IPv4/IPv6
/// literals; there is no DNS.
public final class TCP: Stream {
    /// Creates a TCP handle (`uv_tcp_init`); the socket itself is created lazily by libuv on
    /// bind/connect (or eagerly by `bind(reusePort: true)`).
    public init(loop: Loop) throws {
        super.init(loop: loop, type: UV_TCP)
        try initialize("uv_tcp_init") { uv_tcp_init(loop.pointer, tcp) }
    }

    private var tcp: UnsafeMutablePointer<uv_tcp_t> {
        raw.assumingMemoryBound(to: uv_tcp_t.self)
    }

    /// Binds to a local address (`uv_tcp_bind`). Port 0 picks a free port (see `localPort`).
    /// `reusePort` sets `SO_REUSEPORT` first, so several loops/processes can each bind the
    /// same port and let the kernel spread connections. Note libuv reports `EADDRINUSE` from
    /// `listen`, not from here.
    public func bind(host: String, port: Int, reusePort: Bool = false) throws {
        try checkOpen("uv_tcp_bind")
        let address = try SocketAddress(host: host, port: port, operation: "uv_tcp_bind")
        if reusePort { try setReusePort(family: address.family) }
        let result = address.withSockaddr { uv_tcp_bind(tcp, $0, 0) }
        try uvCheck("uv_tcp_bind", result)
    }

    /// Sets `SO_REUSEPORT`, which only works before bind, so the socket must exist now.
    /// `uv_tcp_init_ex` would create it but needs the address family at init time, which
    /// `init(loop:)` does not know; so create the socket here and adopt it (`uv_tcp_open`).
    private func setReusePort(family: Int32) throws {
        var fd: uv_os_fd_t = -1
        if uv_fileno(handle, &fd) != 0 {
            #if canImport(Glibc)
                let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
            #else
                let type = SOCK_STREAM
            #endif
            let socketFD = socket(family, type, 0)
            guard socketFD >= 0 else { throw UVError(code: -errno, operation: "socket") }
            do {
                try uvCheck("uv_tcp_open", uv_tcp_open(tcp, socketFD))
            } catch {
                closeDescriptor(socketFD)
                throw error
            }
            fd = socketFD
        }
        var on: Int32 = 1
        guard setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw UVError(code: -errno, operation: "setsockopt(SO_REUSEPORT)")
        }
    }

    /// Starts listening (`uv_listen`); `onConnection` runs on the loop for each incoming
    /// connection (nil) or accept error. Call `accept()` inside it.
    public func listen(backlog: Int32 = 1024, _ onConnection: @escaping (UVError?) -> Void) throws {
        try startListening(backlog: backlog, onConnection)
    }

    /// Accepts a pending connection (`uv_accept`) into a new `TCP` on the same loop.
    /// Call it inside the `listen` callback, once per callback.
    public func accept() throws -> TCP {
        try checkOpen("uv_accept")
        let client = try TCP(loop: loop)
        do {
            try uvCheck("uv_accept", uv_accept(stream, client.stream))
        } catch {
            client.close()
            throw error
        }
        return client
    }

    /// Connects to a numeric address (`uv_tcp_connect`). `completion` runs exactly once on
    /// the loop: nil when connected, the error otherwise (e.g. `ECONNREFUSED`, or `ECANCELED`
    /// if the handle is closed first). If this throws, `completion` never runs.
    public func connect(host: String, port: Int, _ completion: @escaping (UVError?) -> Void) throws {
        try checkOpen("uv_tcp_connect")
        let address = try SocketAddress(host: host, port: port, operation: "uv_tcp_connect")
        let request = UnsafeMutablePointer<uv_connect_t>.allocate(capacity: 1)
        request.initialize(to: uv_connect_t())
        request.pointee.data = CompletionBox.retain(completion)
        let result = address.withSockaddr { sockaddr in
            uv_tcp_connect(
                request, tcp, sockaddr,
                { request, status in
                    let completion = CompletionBox.take(request!.pointee.data)
                    request!.deallocate()
                    completion?(status < 0 ? UVError(code: status, operation: "uv_tcp_connect") : nil)
                })
        }
        if result < 0 {
            _ = CompletionBox.take(request.pointee.data)
            request.deallocate()
            throw UVError(code: result, operation: "uv_tcp_connect")
        }
    }

    /// Sets `TCP_NODELAY` (`uv_tcp_nodelay`): `true` disables Nagle's algorithm, which
    /// request/response benchmarks want so small messages are not delayed.
    public func setNoDelay(_ on: Bool) throws {
        try checkOpen("uv_tcp_nodelay")
        try uvCheck("uv_tcp_nodelay", uv_tcp_nodelay(tcp, on ? 1 : 0))
    }

    /// The local port (`uv_tcp_getsockname`), e.g. the one picked after binding port 0;
    /// nil if the socket is not bound or the handle is closed.
    public var localPort: Int? {
        guard state == .open else { return nil }
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            UnsafeMutableRawPointer(pointer).withMemoryRebound(to: sockaddr.self, capacity: 1) {
                uv_tcp_getsockname(tcp, $0, &length)
            }
        }
        guard result == 0 else { return nil }
        return SocketAddress.port(of: storage)
    }
}

/// `close(2)`, named apart from `Handle.close()` which shadows it inside handle classes.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
