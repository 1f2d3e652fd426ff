/// How a call ends: the `grpc-status` code and, for failures, the `grpc-message` text.
struct GRPCStatus: Equatable {
    /// The gRPC status codes this server can send.
    enum Code: Int {
        case ok = 0
        case resourceExhausted = 8
        case unimplemented = 12
        case `internal` = 13

        /// The decimal text for `grpc-status`, as static bytes nghttp2 can send without copying.
        var text: StaticString {
            switch self {
            case .ok: return "0"
            case .resourceExhausted: return "8"
            case .unimplemented: return "12"
            case .internal: return "13"
            }
        }
    }

    var code: Code
    var message: String

    static let ok = GRPCStatus(code: .ok, message: "")

    /// `message` percent-encoded for the `grpc-message` header: the spec allows only
    /// printable ASCII except `%` unencoded.
    var encodedMessage: [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var encoded: [UInt8] = []
        encoded.reserveCapacity(message.utf8.count)
        for byte in message.utf8 {
            if byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "%") {
                encoded.append(byte)
            } else {
                encoded.append(UInt8(ascii: "%"))
                encoded.append(hex[Int(byte >> 4)])
                encoded.append(hex[Int(byte & 0x0F)])
            }
        }
        return encoded
    }
}
