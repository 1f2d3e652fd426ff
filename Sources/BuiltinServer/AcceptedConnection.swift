/// A connection a `ConnectionListener` accepted: started once registered, closed when the
/// listener closes.
protocol AcceptedConnection: AnyObject {
    func start()
    func close()
}

extension EchoConnection: AcceptedConnection {}
