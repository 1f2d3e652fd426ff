/// A timer of a `ProcessLayer`: armed again, it replaces its earlier arming.
protocol LayerTimer: AnyObject {
    /// Calls `fire` after `milliseconds`, then every `repeat` ms when that is not 0.
    func start(after milliseconds: UInt64, repeat: UInt64, _ fire: @escaping () -> Void) throws
    /// Disarms it.
    func stop()
}
