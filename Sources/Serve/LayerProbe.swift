/// One TCP connection attempt in flight.
protocol LayerProbe: AnyObject {
    /// Abandons it; its `done` is not called after this.
    func close()
}
