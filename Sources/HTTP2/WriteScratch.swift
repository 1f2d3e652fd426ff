/// One loop's shared staging buffer for outgoing bytes, on either side of HTTP/2: a
/// connection assembles a batch here and hands it to the kernel at once; only bytes the
/// kernel refuses are copied into the connection's own buffer. So the thousands of
/// connections of a loop need no output memory of their own while they keep up, and nothing
/// is allocated per write. Safe to share because a loop runs one callback at a time and each
/// batch is finished before the callback returns.
public final class WriteScratch {
    /// The batch being assembled; cleared before each use.
    public var buffer = ByteBuffer()

    /// An empty scratch buffer; it grows to the largest batch once and stays.
    public init() {}
}
