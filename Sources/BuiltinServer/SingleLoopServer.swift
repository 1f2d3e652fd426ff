/// A server living on one loop, as `MultiLoopServer` runs one per thread.
public protocol SingleLoopServer: AnyObject {
    /// The port it listens on; nil once closed.
    var port: Int? { get }
    /// Stops listening and closes every connection.
    func close()
}
