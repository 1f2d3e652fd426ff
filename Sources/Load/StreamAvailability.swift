/// What a connection can do with an open-loop send that just came due.
enum StreamAvailability: Equatable {
    /// Not up (lost under load, reconnecting): the send fails as a connection error.
    case down
    /// Up, every stream busy: the send waits in the connection's backlog.
    case busy
    /// Up with a stream free: the send goes now.
    case free
}
