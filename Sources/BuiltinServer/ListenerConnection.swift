/// A connection a `ConnectionListener` accepted: started once registered, closed when the
/// listener closes.
protocol ListenerConnection: AnyObject {
    func start()
    func close()
}

extension EchoConnection: ListenerConnection {}
