import CNghttp2
import HTTP2

/// The request headers of a load generator's calls, HPACK-encoded once (by nghttp2's encoder)
/// instead of on every call: the headers never change within a run, so every call's block is
/// one of three fixed byte strings, and the server's decoder holds the same table on every
/// connection at the same point.
///
/// - `indexing`, a connection's first request: each field HPACK would index goes in literally
///   and into the server's dynamic table (`:path` stays a literal, as nghttp2 decides);
/// - `indexed`, every later request: those fields as one index byte each. Nothing is ever
///   inserted again, so the indices hold for the connection's life, and the client keeps no
///   table of its own (what HPACK's encoder would cost ≈ 0.7 KiB a connection);
/// - `literal`, when the server's table is too small for ours (its SETTINGS_HEADER_TABLE_SIZE)
///   or the headers would not all fit one at once (large metadata): no field touches the table.
///
/// Encoded with nghttp2's HPACK encoder, so the bytes are what an nghttp2 client sends for
/// the same headers; `isStable` is checked by encoding a third time.
struct RequestHeaderBlocks {
    /// The first request's block on a connection.
    let indexing: [UInt8]
    /// Every later request's block, while the server's table keeps the entries.
    let indexed: [UInt8]
    /// A block that uses and changes no dynamic table.
    let literal: [UInt8]
    /// Bytes the `indexing` block's entries take in the server's table (RFC 7541 §4.1); nil if
    /// the headers cannot use the table at all (then only `literal` is sent).
    let tableBytes: Int?

    /// Encodes `fields` (name, value; pseudo-headers first, names in lower case).
    init(_ fields: [(String, String)]) {
        literal = Self.encode(fields, flags: UInt8(NGHTTP2_NV_FLAG_NO_INDEX.rawValue), passes: 1).blocks[0]
        let (passes, used) = Self.encode(fields, flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue), passes: 3)
        // Only when every field would fit the table at once: then no insertion ever evicts, the
        // server's table after the first block holds exactly `used` bytes of ours, and every later
        // block is the same index bytes (checked: the second and third encodings are equal).
        let allFields = fields.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + Self.entryOverhead }
        if allFields <= HTTP2Frame.defaultHeaderTableBytes, passes[1] == passes[2] {
            indexing = passes[0]
            indexed = passes[1]
            tableBytes = used
        } else {
            indexing = literal
            indexed = literal
            tableBytes = nil
        }
    }

    /// What an entry costs in an HPACK table beside its name and value (RFC 7541 §4.1).
    static let entryOverhead = 32

    /// A dynamic table size update to `bytes` (RFC 7541 §6.3): what a block must start with
    /// once the server lowered its table below HTTP/2's default.
    static func tableSizeUpdate(_ bytes: Int) -> [UInt8] {
        // 5-bit prefix integer (RFC 7541 §5.1) behind the 001 pattern.
        guard bytes >= 31 else { return [0x20 | UInt8(bytes)] }
        var out: [UInt8] = [0x3F]
        var rest = bytes - 31
        while rest >= 128 {
            out.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
        return out
    }

    /// `passes` blocks of `fields` from one encoder with HTTP/2's default table, and the bytes
    /// its table holds after them.
    private static func encode(_ fields: [(String, String)], flags: UInt8, passes: Int) -> (blocks: [[UInt8]], tableBytes: Int) {
        var deflater: OpaquePointer?
        precondition(
            nghttp2_hd_deflate_new(&deflater, HTTP2Frame.defaultHeaderTableBytes) == 0,
            "nghttp2_hd_deflate_new: out of memory")
        defer { nghttp2_hd_deflate_del(deflater) }
        // Every name and value back to back, the nghttp2_nv array pointing into them.
        var bytes: [UInt8] = fields.flatMap { Array($0.0.utf8) + Array($0.1.utf8) }
        bytes.append(0)
        var blocks: [[UInt8]] = []
        bytes.withUnsafeMutableBufferPointer { storage in
            var nva: [nghttp2_nv] = []
            var offset = 0
            for (name, value) in fields {
                let nameBase = storage.baseAddress! + offset
                offset += name.utf8.count
                nva.append(
                    nghttp2_nv(
                        name: nameBase, value: storage.baseAddress! + offset, namelen: name.utf8.count,
                        valuelen: value.utf8.count, flags: flags))
                offset += value.utf8.count
            }
            for _ in 0..<passes {
                let bound = nghttp2_hd_deflate_bound(deflater, nva, nva.count)
                var out = [UInt8](repeating: 0, count: bound)
                let written = out.withUnsafeMutableBufferPointer {
                    nghttp2_hd_deflate_hd(deflater, $0.baseAddress, bound, nva, nva.count)
                }
                precondition(written >= 0, "nghttp2_hd_deflate_hd failed: \(written)")
                blocks.append(Array(out[0..<written]))
            }
        }
        return (blocks, Int(nghttp2_hd_deflate_get_dynamic_table_size(deflater)))
    }
}
