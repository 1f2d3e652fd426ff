import CNghttp2
import HTTP2

/// What every call of one load worker sends, built once and shared by all its connections: the
/// request header block and the length-prefixed `bench.Payload` message.
///
/// The header names and values live here, flagged NO_COPY, so nghttp2 reads them in place
/// instead of copying them per request; they must (and do) outlive every session using them.
final class GRPCRequestTemplate {
    /// Which method the requests call.
    let call: GRPCCall
    /// The request headers, pseudo-headers first as HTTP/2 requires.
    let headers: UnsafeBufferPointer<nghttp2_nv>
    /// The whole request message: flag, length, protobuf.
    let message: UnsafeRawBufferPointer

    private let headerStorage: UnsafeMutableBufferPointer<nghttp2_nv>
    private let stringStorage: UnsafeMutableRawBufferPointer
    private let messageStorage: UnsafeMutableRawBufferPointer

    /// Builds the headers for `call` (at `path`, if given, instead of the method's own) on
    /// `authority` ("host:port") and a message whose body
    /// field holds `payloadBytes` bytes.
    init(call: GRPCCall, path: String? = nil, authority: String, payloadBytes: Int) {
        self.call = call
        let fields: [(String, String)] = [
            (GRPCHeader.method.description, GRPCHeader.post.description),
            (GRPCHeader.scheme.description, GRPCHeader.http.description),
            (GRPCHeader.path.description, path ?? call.path),
            (GRPCHeader.authority.description, authority),
            (GRPCHeader.contentType.description, GRPCHeader.grpcContentType.description),
            (GRPCHeader.te.description, GRPCHeader.trailers.description),
            (GRPCHeader.userAgent.description, "barrage/0.1")
        ]
        let total = fields.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count }
        stringStorage = .allocate(byteCount: max(total, 1), alignment: 1)
        headerStorage = .allocate(capacity: fields.count)
        var offset = 0
        let base = stringStorage.baseAddress!.assumingMemoryBound(to: UInt8.self)
        for (index, (name, value)) in fields.enumerated() {
            let namePointer = base + offset
            for byte in name.utf8 { stringStorage[offset] = byte; offset += 1 }
            let valuePointer = base + offset
            for byte in value.utf8 { stringStorage[offset] = byte; offset += 1 }
            // NO_COPY: names are already lower-case and the bytes outlive the sessions.
            let flags = UInt8(NGHTTP2_NV_FLAG_NO_COPY_NAME.rawValue | NGHTTP2_NV_FLAG_NO_COPY_VALUE.rawValue)
            (headerStorage.baseAddress! + index).initialize(
                to: nghttp2_nv(
                    name: namePointer, value: valuePointer,
                    namelen: name.utf8.count, valuelen: value.utf8.count, flags: flags))
        }
        headers = UnsafeBufferPointer(headerStorage)

        let bytes = Self.encodeMessage(payloadBytes: payloadBytes)
        messageStorage = .allocate(byteCount: bytes.count, alignment: 8)
        messageStorage.copyBytes(from: bytes)
        message = UnsafeRawBufferPointer(messageStorage)
    }

    deinit {
        headerStorage.deallocate()
        stringStorage.deallocate()
        messageStorage.deallocate()
    }

    /// A gRPC message carrying `bench.Payload { bytes body = 1; }` with a `payloadBytes`-long
    /// body: flag 0, big-endian length, then tag 0x0A, varint length, body. An empty body is
    /// left out, as proto3 does for default values.
    static func encodeMessage(payloadBytes: Int) -> [UInt8] {
        var protobuf: [UInt8] = []
        if payloadBytes > 0 {
            protobuf.reserveCapacity(payloadBytes + 11)
            protobuf.append(0x0A)
            var length = UInt64(payloadBytes)
            while length >= 0x80 {
                protobuf.append(UInt8(truncatingIfNeeded: length) | 0x80)
                length >>= 7
            }
            protobuf.append(UInt8(length))
            for index in 0..<payloadBytes { protobuf.append(UInt8(truncatingIfNeeded: index &* 31 &+ 7)) }
        }
        return GRPCMessagePrefix.encode(bodyLength: protobuf.count) + protobuf
    }
}
