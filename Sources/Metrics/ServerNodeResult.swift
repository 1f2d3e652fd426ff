/// What the server worker sampled in one cell: the raw node file `nodes/<cell>/server.json`.
public struct ServerNodeResult: Codable, Sendable, Equatable {
    /// Node name, "server".
    public var node: String
    /// Topology host it ran on.
    public var host: String
    /// Samples of the server's whole process tree over the whole cell, in time order (≥ 10 Hz).
    public var samples: [ResourceSample]
    /// The measurement window on the server host's clock; nil when the cell never reached it.
    public var window: MeasurementWindow?

    public init(node: String, host: String, samples: [ResourceSample], window: MeasurementWindow?) {
        self.node = node
        self.host = host
        self.samples = samples
        self.window = window
    }
}
