/// Which end of an HTTP/2 connection a session is.
public enum HTTP2Role: Sendable {
    /// Sends the connection preface and opens streams (the load generator).
    case client
    /// Answers the preface and serves streams (the builtin server).
    case server
}
