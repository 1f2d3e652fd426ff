import CNghttp2
import Glibc

/// The nghttp2 session options and memory functions every client connection of a load generator
/// shares; nghttp2 copies them into each new session, so one set is built per generator (and so
/// per loop thread). The callback table is `GRPCClientConnection.callbacks`, one per process;
/// the memory functions are `SessionMemory`'s. The connections also share the generator's
/// `inflater` for compressed answers.
final class GRPCClientSessionOptions {
    /// `nghttp2_option *`.
    let option: OpaquePointer
    /// The sessions' memory: malloc, except the one shared frame buffer and, with the request
    /// table off, the encoder rings nobody touches.
    let sessionMemory: SessionMemory
    /// `nghttp2_mem *` of `sessionMemory`.
    var memory: UnsafeMutablePointer<nghttp2_mem> { sessionMemory.memory }
    /// Checks the compressed answers of every connection of the generator (one at a time).
    let inflater = GzipInflater()
    /// Largest request header block: with the frame header it fits one frame buffer, so a
    /// HEADERS frame never continues into a second one (see `SessionMemory`).
    static let maxHeaderBlockBytes = 16_000

    /// The HPACK dynamic table our request encoder keeps per connection, bytes; 0 for none (see
    /// `requestHeaderTableBytes(connections:)`).
    let requestHeaderTableBytes: Int

    /// Builds the options; `concurrency` is how many streams each connection keeps open, which
    /// tells nghttp2 how many it may open before the server's SETTINGS arrive;
    /// `requestHeaderTableBytes` is the requests' HPACK table and `connections` how many
    /// sessions live at once (with the table off, their encoder rings are set aside untouched).
    init(concurrency: Int, requestHeaderTableBytes: Int = 0, connections: Int = 0) {
        self.requestHeaderTableBytes = requestHeaderTableBytes
        // Slack for sessions being replaced while their predecessors are still being torn down.
        sessionMemory = SessionMemory(
            untouchedRings: requestHeaderTableBytes == 0 ? connections + connections / 8 + 16 : 0)
        var option: OpaquePointer?
        precondition(nghttp2_option_new(&option) == 0, "nghttp2_option_new: out of memory")
        self.option = option!

        // Until the server's SETTINGS arrive nghttp2 assumes it allows 100 streams; assume
        // what we need instead, the server's real limit applies once its SETTINGS are in.
        nghttp2_option_set_peer_max_concurrent_streams(option, UInt32(clamping: max(concurrency, 1)))
        // A client never needs closed streams kept around for the priority tree.
        nghttp2_option_set_no_closed_streams(option, 1)
        nghttp2_option_set_max_deflate_dynamic_table_size(option, requestHeaderTableBytes)
        nghttp2_option_set_max_send_header_block_length(option, Self.maxHeaderBlockBytes)
        // nghttp2's HTTP checks of every answer header (name and value characters, pseudo-header
        // rules) cost ≈ 700 of the client's ≈ 13,000 instructions a call (callgrind, 100 × 10);
        // the client checks the rules an answer can break itself, on the headers it reads anyway
        // (`GRPCClientConnection+Frames.swift`, `MalformedAnswerTests`).
        nghttp2_option_set_no_http_messaging(option, 1)
    }

    deinit {
        nghttp2_option_del(option)
    }

    /// The requests' HPACK table for a generator of `connections` connections: 4,096 bytes
    /// (HTTP/2's default) up to `requestHeaderTableConnections`, none above.
    ///
    /// Request headers never change within a run: with a table each header of a connection's
    /// calls after its first is one index byte, where without one every call Huffman-encodes
    /// its headers again (callgrind, 100 × 10 against the builtin server: ≈ 3,600 of the
    /// client's ≈ 18,000 instructions a call). But the table keeps a copy of the headers per
    /// connection (≈ 0.7 KiB, measured with a counting nghttp2_mem): nothing at a few hundred
    /// connections, 7 MB at 10,000, where memory is what a generator runs out of. (The
    /// answers' table is the server's to fill, at HTTP/2's default size: see
    /// `GRPCClientConnection`'s SETTINGS.)
    static func requestHeaderTableBytes(connections: Int) -> Int {
        return connections <= requestHeaderTableConnections ? 4_096 : 0
    }

    /// Most connections per generator whose requests still get an HPACK table.
    static let requestHeaderTableConnections = 1_000

    /// Per-stream receive window announced to the server: large, so answers are not held back
    /// waiting for WINDOW_UPDATEs (the data is consumed at once, so this costs no memory).
    static let streamWindow: UInt32 = 1 << 20
    /// Connection receive window, raised with a WINDOW_UPDATE right after the preface.
    static let connectionWindow: Int32 = 1 << 24
}
