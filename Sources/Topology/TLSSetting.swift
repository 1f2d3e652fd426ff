import ProtoSchema
import TLSSettings

/// The workload's `tls`: plaintext h2, h2 over TLS, a sweep of both, or TLS with the user's
/// own files for external targets.
public enum TLSSetting: Sendable, Equatable {
    /// `tls: false`, or no `tls`: plaintext h2.
    case plain
    /// `tls: true`: h2 over TLS (ALPN h2); recipes and the builtin server serve a certificate
    /// of Barrage's own per-run CA, which the clients verify against.
    case issued
    /// `tls: [false, true]`: one cell per value, in file order (what TLS costs each system).
    case sweep([Bool])
    /// `tls: { ca, server_name, cert, key }`: h2 over TLS to external targets, verified
    /// against `ca` for `server_name`, with `cert` + `key` for mutual TLS. Paths as written
    /// (relative to the topology's folder) until the loader makes them absolute; `locations`
    /// says where each path was written, by key (`ca`, `cert`, `key`).
    case files(TLSClientSettings, locations: [String: SourceLocation])

    /// The value of `tls` of each cell, one cell per value.
    public var cellValues: [Bool] {
        switch self {
        case .plain: return [false]
        case .issued, .files: return [true]
        case .sweep(let values): return values
        }
    }

    /// Whether cell ids name `tls` (`-tls-` / `-plain-`): only when it is swept.
    public var isSwept: Bool {
        if case .sweep = self { return true }
        return false
    }

    /// The user's files for external targets; nil unless `tls` is a mapping.
    public var clientFiles: TLSClientSettings? {
        if case .files(let settings, _) = self { return settings }
        return nil
    }
}
