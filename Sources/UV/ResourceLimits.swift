#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Process resource limits a load generator needs raised.
public enum ResourceLimits {
    /// Raises the soft `RLIMIT_NOFILE` to the hard limit (each connection is a descriptor and
    /// the usual soft limit of 1024 is far too low) and returns the limits now in effect.
    /// Best effort: if raising fails the current limits are returned unchanged.
    @discardableResult
    public static func raiseOpenFilesToHardLimit() -> (soft: UInt64, hard: UInt64) {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return (0, 0) }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resource, &raised) != 0, limit.rlim_max == rlim_t.max {
                // An unlimited hard limit (`rlim_t.max`: RLIM_INFINITY does not import) cannot
                // be the soft limit, as the kernel caps descriptors at nr_open; settle for a
                // large finite value.
                raised.rlim_cur = 1 << 20
                _ = setrlimit(resource, &raised)
            }
            _ = getrlimit(resource, &limit)
        }
        return (UInt64(limit.rlim_cur), UInt64(limit.rlim_max))
    }

    #if canImport(Glibc)
        private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        private static let resource = RLIMIT_NOFILE
    #endif
}
