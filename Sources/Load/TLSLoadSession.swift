import HTTP2
import TLS

/// A load session spoken over TLS: wraps the protocol's session (gRPC or tcp-echo) so the
/// generator still sees one `LoadSession`. Bytes from the socket are decrypted before the
/// protocol reads them; the protocol's output is gathered in the loop's plaintext scratch and
/// encrypted into the write buffer. The connection counts as established only once the TLS
/// handshake agreed on h2 and the protocol's own handshake (the server's SETTINGS) finished,
/// so the TLS handshake lies inside the connect time like the TCP connect.
final class TLSLoadSession: LoadSession {
    private let inner: any LoadSession
    private let stream: TLSStream
    private let context: TLSContext

    /// `inner` over `stream`: the protocol's first output (the HTTP/2 preface and SETTINGS)
    /// waits in it until the TLS handshake is done.
    init(_ inner: any LoadSession, stream: TLSStream, context: TLSContext) {
        self.inner = inner
        self.stream = stream
        self.context = context
    }

    var isEstablished: Bool { stream.isHandshakeDone && stream.failure == nil && inner.isEstablished }
    var freeSlots: Int { stream.failure == nil ? inner.freeSlots : 0 }
    var requestsInFlight: Int { inner.requestsInFlight }
    var oldestInFlightStartNs: UInt64? { inner.oldestInFlightStartNs }
    var finishedReason: String? { stream.failure ?? inner.finishedReason }

    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        stream.receive(bytes) { [inner] plaintext in inner.receive(plaintext) }
    }

    func submit(startNs: UInt64, nowNs: UInt64) -> Bool {
        stream.failure == nil && inner.submit(startNs: startNs, nowNs: nowNs)
    }

    func produceOutput(into buffer: inout ByteBuffer, limit: Int) -> Bool {
        guard stream.isHandshakeDone, stream.failure == nil else {
            stream.produce(UnsafeRawBufferPointer(start: nil, count: 0), into: &buffer)
            return true
        }
        context.plaintext.buffer.clear()
        guard inner.produceOutput(into: &context.plaintext.buffer, limit: limit) else { return false }
        stream.produce(context.plaintext.buffer.readable, into: &buffer)
        return true
    }

    /// The words for a connection lost with `reason` ("EOF") before it was established: the
    /// server hung up during the TLS handshake, or right after it (a TLS 1.3 server checks a
    /// client's certificate once the client is done). Nil when TLS is not to blame.
    func connectFailure(_ reason: String) -> String? {
        guard reason == "EOF", stream.failure == nil else { return nil }
        guard stream.isHandshakeDone else {
            return "\(TLSStream.failurePrefix): the server closed the connection during the TLS handshake"
        }
        return "\(TLSStream.failurePrefix): the server closed the connection after the TLS handshake "
            + "(does it require a client certificate?)"
    }

    func expire(sentBefore deadlineNs: UInt64, nowNs: UInt64) -> Bool {
        inner.expire(sentBefore: deadlineNs, nowNs: nowNs)
    }

    func fail() { inner.fail() }
    func retire() { inner.retire() }
    func terminate() { inner.terminate() }
}
