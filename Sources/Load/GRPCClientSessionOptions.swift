import CNghttp2
import Glibc

/// The nghttp2 session options and memory functions every client connection of a load worker
/// shares; nghttp2 copies them into each new session, so one set is built per worker (and so
/// per loop thread). The callback table is `GRPCClientConnection.callbacks`, one per process.
/// The connections also share the worker's `inflater` for compressed answers.
///
/// Memory: every nghttp2 session allocates a 16 KiB frame buffer (`NGHTTP2_FRAMEBUF_CHUNKLEN`,
/// one `realloc(NULL, 16394)` at creation) and serialises each outgoing frame into it; the
/// bytes only live until the next `nghttp2_session_mem_send` of that session, and
/// `produceOutput` copies them out at once. Sessions of one thread never serialise at the same
/// time, so they all get the same buffer: ~4 KiB less resident per connection (the page a
/// session's frames touch), 40 MB at 10,000 connections. That is only sound while a frame
/// never spans two buffers, which the header-block limit below guarantees (the other frames a
/// client sends are far smaller than one buffer; a DATA frame fills one exactly).
final class GRPCClientSessionOptions {
    /// `nghttp2_option *`.
    let option: OpaquePointer
    /// `nghttp2_mem *`: malloc, except the sessions' one shared frame buffer.
    let memory: UnsafeMutablePointer<nghttp2_mem>
    /// The frame buffer every session of this set writes its outgoing frames into.
    let frameBuffer: UnsafeMutableRawPointer
    /// Checks the compressed answers of every connection of the worker (one at a time).
    let inflater = GzipInflater()
    /// nghttp2's frame buffer size: frame header, padding length byte, largest payload.
    static let frameBufferBytes = 9 + 1 + 16_384
    /// Largest request header block: with the frame header it fits one frame buffer, so a
    /// HEADERS frame never continues into a second one.
    static let maxHeaderBlockBytes = 16_000

    /// Builds the options; `concurrency` is how many streams each connection keeps open, which
    /// tells nghttp2 how many it may open before the server's SETTINGS arrive.
    init(concurrency: Int) {
        frameBuffer = .allocate(byteCount: Self.frameBufferBytes, alignment: 16)
        memory = .allocate(capacity: 1)
        memory.initialize(
            to: nghttp2_mem(
                mem_user_data: frameBuffer,
                malloc: { size, _ in malloc(size) },
                free: { pointer, shared in
                    if pointer != shared { free(pointer) }
                },
                calloc: { count, size, _ in calloc(count, size) },
                realloc: { pointer, size, shared in
                    // A session's frame buffer: the shared one.
                    if pointer == nil, size == GRPCClientSessionOptions.frameBufferBytes { return shared }
                    if let pointer, pointer == shared {
                        // Never asked for (frames stay within one buffer), but if nghttp2 grew it the
                        // session must get a buffer of its own, keeping what it holds.
                        guard let own = malloc(size) else { return nil }
                        own.copyMemory(from: pointer, byteCount: min(size, GRPCClientSessionOptions.frameBufferBytes))
                        return own
                    }
                    return realloc(pointer, size)
                }))
        var option: OpaquePointer?
        precondition(nghttp2_option_new(&option) == 0, "nghttp2_option_new: out of memory")
        self.option = option!

        // Until the server's SETTINGS arrive nghttp2 assumes it allows 100 streams; assume
        // what we need instead, the server's real limit applies once its SETTINGS are in.
        nghttp2_option_set_peer_max_concurrent_streams(option, UInt32(clamping: max(concurrency, 1)))
        // A client never needs closed streams kept around for the priority tree.
        nghttp2_option_set_no_closed_streams(option, 1)
        // Our request headers are the same every call; indexing them would keep a copy in
        // every connection's HPACK table (≈ 0.7 KiB a connection, measured with a counting
        // nghttp2_mem), for a few bytes less per request on the wire.
        nghttp2_option_set_max_deflate_dynamic_table_size(option, 0)
        nghttp2_option_set_max_send_header_block_length(option, Self.maxHeaderBlockBytes)
    }

    deinit {
        nghttp2_option_del(option)
        memory.deallocate()
        frameBuffer.deallocate()
    }

    /// Per-stream receive window announced to the server: large, so answers are not held back
    /// waiting for WINDOW_UPDATEs (the data is consumed at once, so this costs no memory).
    static let streamWindow: UInt32 = 1 << 20
    /// Connection receive window, raised with a WINDOW_UPDATE right after the preface.
    static let connectionWindow: Int32 = 1 << 24
}
