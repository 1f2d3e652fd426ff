/// The one buffer a load worker gathers each connection's output in before writing it.
///
/// Connections flush one at a time on the loop thread, and a flush usually hands everything to
/// the kernel with `uv_try_write`, so one shared buffer serves them all; only bytes the kernel
/// did not take are copied into the connection's own buffer for a queued write. That saves a
/// buffer per connection, which matters at ten thousand connections.
final class OutputScratch {
    var buffer = OutputBuffer(initialCapacity: LoadConnection.batchLimit + 16 * 1024 + 64)
}
