/// One entry under `clients`: identical client worker processes on one host.
public struct ClientGroup: Sendable, Equatable {
    /// Name of a host declared under `hosts`.
    public var host: String
    /// How many client processes run there, >= 1.
    public var workers: Int
    /// Threads per client process, >= 1.
    public var threads: Int

    /// Creates a client group; one single-threaded worker by default.
    public init(host: String, workers: Int = 1, threads: Int = 1) {
        self.host = host
        self.workers = workers
        self.threads = threads
    }
}
