/// What a connection can do with an open-loop send that just came due.
enum StreamAvailability: Equatable {
    /// Not up (lost under load, reconnecting): the send fails as a connection error.
    case down
    /// Retiring or being replaced (connection churn): the send goes to another connection
    /// with a stream free, or waits in this one's backlog for the replacement, counted from
    /// its due time either way.
    case replacing
    /// Up, every stream busy: the send waits in the connection's backlog.
    case busy
    /// Up with a stream free: the send goes now.
    case free
}
