/// The `bench.Echo` service of `bench.proto`, as both sides name it on the wire: the load
/// client calls these paths, the builtin server routes on them.
public enum EchoService {
    /// `rpc Unary(Payload) returns (Payload)`.
    public static let unaryPath: StaticString = "/bench.Echo/Unary"
    /// `rpc Stream(stream Payload) returns (stream Payload)`.
    public static let streamPath: StaticString = "/bench.Echo/Stream"
}
