#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ignores `SIGPIPE` for the whole process. Call it once at startup in any binary using
/// `UV`: libuv writes to sockets and pipes with plain `write(2)`, and writing to a peer that
/// has gone away would otherwise kill the process with SIGPIPE instead of failing that one
/// write with `EPIPE`.
public func ignoreSIGPIPE() {
    _ = signal(SIGPIPE, SIG_IGN)
}
