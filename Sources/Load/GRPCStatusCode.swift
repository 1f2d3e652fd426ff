/// gRPC's canonical status codes as the client names failures: `errors_by_kind` keys are these
/// names (`UNAUTHENTICATED`, `DEADLINE_EXCEEDED`, …), as every gRPC implementation spells them.
enum GRPCStatusCode {
    /// `DEADLINE_EXCEEDED`: what the client counts when it gives up at the call's deadline.
    static let deadlineExceeded = 4
    /// `INTERNAL`: an answer that broke the protocol, as gRPC clients report one.
    static let internalError = 13

    /// The code a gRPC client reports for an answer with a non-200 HTTP status: gRPC's
    /// HTTP-to-gRPC status mapping (doc/http-grpc-status-mapping.md), `INTERNAL` for none.
    static func code(forHTTPStatus status: Int) -> Int {
        switch status {
        case 0, 400: return internalError
        case 401: return 16  // UNAUTHENTICATED
        case 403: return 7  // PERMISSION_DENIED
        case 404: return 12  // UNIMPLEMENTED
        case 429, 502, 503, 504: return 14  // UNAVAILABLE
        default: return 2  // UNKNOWN
        }
    }

    /// The canonical names of codes 0...16, by code.
    static let names = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"
    ]

    /// `grpc-message` percent-decoded (the spec percent-encodes everything outside printable
    /// ASCII), cut to `limit` characters: one sample kept per error kind, so it stays small.
    static func decodeMessage(_ bytes: UnsafeRawBufferPointer, limit: Int = 200) -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(min(bytes.count, limit * 4))
        var index = 0
        while index < bytes.count, decoded.count < limit * 4 {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count, let high = hexValue(bytes[index + 1]),
                let low = hexValue(bytes[index + 2])
            {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(byte)
                index += 1
            }
        }
        let text = String(decoding: decoded, as: UTF8.self)
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
