import CNghttp2
import Glibc

/// Where the nghttp2 client sessions of one load generator get their memory (their
/// `nghttp2_mem`): small blocks from a `BlockPool` (free lists instead of malloc and free on
/// every call), the rest from malloc, except two kinds of block that would cost every
/// connection memory for nothing.
///
/// - **The frame buffer.** Every session allocates a 16 KiB frame buffer
///   (`NGHTTP2_FRAMEBUF_CHUNKLEN`, one `realloc(NULL, 16394)` at creation) and serialises each
///   outgoing frame into it; the bytes only live until the next `nghttp2_session_mem_send` of
///   that session, and `produceOutput` copies them out at once. Sessions of one thread never
///   serialise at the same time, so they all get the same buffer: ~4 KiB less resident per
///   connection (the page a session's frames touch), 40 MB at 10,000 connections. That is only
///   sound while a frame never spans two buffers, which `GRPCClientSessionOptions`' header-block
///   limit guarantees (the other frames a client sends are far smaller than one buffer; a DATA
///   frame fills one exactly).
/// - **The request encoder's table ring, when the table is off.** HPACK's encoder allocates its
///   dynamic table's ring of entry pointers (1 KiB: 4,096 / 32 entries) whatever size the table
///   may grow to, and with a table of 0 bytes never writes to it. Among the heap's other blocks
///   its pages are resident all the same (1 KiB a connection, 10 MB at 10,000); taken from pages
///   mapped for nothing else, it is never touched and never resident. nghttp2 allocates it as
///   the first 1 KiB block of `nghttp2_session_client_new3` (the encoder is set up before the
///   decoder), which `GRPCClientConnection` brackets with `divertNextTableRing` and
///   `endSessionCreation`; `SessionMemoryTests` checks that assumption against the library.
///
/// All of it lives in one manually allocated `State` so the C callbacks reach it through
/// `mem_user_data`. One per generator, so per loop thread: no locks.
final class SessionMemory {
    /// What the callbacks read and write.
    struct State {
        /// The frame buffer every session writes its outgoing frames into.
        let frameBuffer: UnsafeMutableRawPointer
        /// Pages for the untouched table rings (`ringBytes` a slot), nil without.
        let ringBase: UnsafeMutableRawPointer?
        let ringSlots: Int
        /// Slots handed out so far from the front; freed ones are on `freeRings`.
        var ringsUsed = 0
        let freeRings: UnsafeMutablePointer<Int32>
        var freeRingCount = 0
        /// True while a session is being created, until its encoder's ring is allocated.
        var divertNextRing = false
        /// Rings given out from the pages now (for tests).
        var ringsOut = 0
        /// The small blocks.
        var pool = BlockPool()
    }

    /// nghttp2's frame buffer size: frame header, padding length byte, largest payload.
    static let frameBufferBytes = 9 + 1 + 16_384
    /// The HPACK ring of entry pointers: 4,096 / 32 entries of 8 bytes.
    static let ringBytes = 1_024

    /// `nghttp2_mem *` for the sessions.
    let memory: UnsafeMutablePointer<nghttp2_mem>
    private let state: UnsafeMutablePointer<State>
    private let ringMapping: Int

    /// Memory for sessions; with `untouchedRings` (the request table is off) room for that
    /// many encoder rings is mapped, never touched until used (more sessions than that get
    /// theirs from malloc).
    init(untouchedRings: Int) {
        let slots = max(untouchedRings, 0)
        ringMapping = slots * Self.ringBytes
        var ringBase: UnsafeMutableRawPointer?
        if slots > 0 {
            let mapped = mmap(nil, ringMapping, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
            if let mapped, mapped != MAP_FAILED { ringBase = mapped }
        }
        state = .allocate(capacity: 1)
        state.initialize(
            to: State(
                frameBuffer: .allocate(byteCount: Self.frameBufferBytes, alignment: 16), ringBase: ringBase,
                ringSlots: ringBase == nil ? 0 : slots, freeRings: .allocate(capacity: max(slots, 1))))
        memory = .allocate(capacity: 1)
        memory.initialize(
            to: nghttp2_mem(
                mem_user_data: UnsafeMutableRawPointer(state),
                malloc: { size, user in
                    let state = user!.assumingMemoryBound(to: State.self)
                    if size <= BlockPool.largestBlock, size > 0, let block = state.pointee.pool.allocate(size) {
                        return block
                    }
                    if state.pointee.divertNextRing, size == SessionMemory.ringBytes {
                        state.pointee.divertNextRing = false
                        if let ring = SessionMemory.takeRing(state) { return ring }
                    }
                    return malloc(size)
                },
                free: { pointer, user in
                    guard let pointer else { return }
                    let state = user!.assumingMemoryBound(to: State.self)
                    if state.pointee.pool.owns(pointer) { return state.pointee.pool.free(pointer) }
                    if pointer == state.pointee.frameBuffer { return }
                    if SessionMemory.giveBackRing(pointer, state) { return }
                    free(pointer)
                },
                calloc: { count, size, user in
                    let state = user!.assumingMemoryBound(to: State.self)
                    let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
                    if !overflow, bytes <= BlockPool.largestBlock, bytes > 0,
                        let block = state.pointee.pool.allocate(bytes)
                    {
                        memset(block, 0, bytes)
                        return block
                    }
                    return calloc(count, size)
                },
                realloc: { pointer, size, user in
                    let state = user!.assumingMemoryBound(to: State.self)
                    let shared = state.pointee.frameBuffer
                    // A session's frame buffer: the shared one.
                    if pointer == nil, size == SessionMemory.frameBufferBytes { return shared }
                    if let pointer, state.pointee.pool.owns(pointer) {
                        let held = state.pointee.pool.blockBytes(pointer)
                        if size <= held, size > 0 { return pointer }
                        guard size > 0 else {
                            state.pointee.pool.free(pointer)
                            return nil
                        }
                        let grown = size <= BlockPool.largestBlock ? state.pointee.pool.allocate(size) : nil
                        guard let own = grown ?? malloc(size) else { return nil }
                        own.copyMemory(from: pointer, byteCount: min(size, held))
                        state.pointee.pool.free(pointer)
                        return own
                    }
                    if pointer == nil, size <= BlockPool.largestBlock, size > 0,
                        let block = state.pointee.pool.allocate(size)
                    {
                        return block
                    }
                    if let pointer, pointer == shared {
                        // Never asked for (frames stay within one buffer), but if nghttp2 grew it the
                        // session must get a buffer of its own, keeping what it holds.
                        guard let own = malloc(size) else { return nil }
                        own.copyMemory(from: pointer, byteCount: min(size, SessionMemory.frameBufferBytes))
                        return own
                    }
                    if let pointer, SessionMemory.isRing(pointer, state) {
                        guard let own = malloc(size) else { return nil }
                        own.copyMemory(from: pointer, byteCount: min(size, SessionMemory.ringBytes))
                        _ = SessionMemory.giveBackRing(pointer, state)
                        return own
                    }
                    return realloc(pointer, size)
                }))
    }

    deinit {
        state.pointee.pool.destroy()
        state.pointee.frameBuffer.deallocate()
        state.pointee.freeRings.deallocate()
        if let base = state.pointee.ringBase { munmap(base, ringMapping) }
        state.deallocate()
        memory.deallocate()
    }

    /// A session is about to be created: its encoder's ring (the first 1 KiB block) goes to
    /// the untouched pages. Only while the request table is off.
    func divertNextTableRing() {
        state.pointee.divertNextRing = state.pointee.ringBase != nil
    }

    /// The session is created (or failed to be): later 1 KiB blocks are the heap's.
    func endSessionCreation() {
        state.pointee.divertNextRing = false
    }

    /// Slabs the small-block pool has cut: it stops growing once calls reuse their blocks.
    var poolSlabs: Int { state.pointee.pool.slabCount }

    /// Rings handed out from the untouched pages and not given back.
    var ringsOut: Int { state.pointee.ringsOut }

    /// The pages set aside for rings, nil without: none of them should ever become resident.
    var ringPages: UnsafeRawBufferPointer? {
        state.pointee.ringBase.map { UnsafeRawBufferPointer(start: $0, count: ringMapping) }
    }

    private static func takeRing(_ state: UnsafeMutablePointer<State>) -> UnsafeMutableRawPointer? {
        guard let base = state.pointee.ringBase else { return nil }
        let slot: Int
        if state.pointee.freeRingCount > 0 {
            state.pointee.freeRingCount -= 1
            slot = Int(state.pointee.freeRings[state.pointee.freeRingCount])
        } else if state.pointee.ringsUsed < state.pointee.ringSlots {
            slot = state.pointee.ringsUsed
            state.pointee.ringsUsed += 1
        } else {
            return nil
        }
        state.pointee.ringsOut += 1
        return base + slot * ringBytes
    }

    private static func isRing(_ pointer: UnsafeMutableRawPointer, _ state: UnsafeMutablePointer<State>) -> Bool {
        guard let base = state.pointee.ringBase else { return false }
        return pointer >= base && pointer < base + state.pointee.ringSlots * ringBytes
    }

    /// Takes a ring back onto the free stack; false if `pointer` is not one.
    private static func giveBackRing(_ pointer: UnsafeMutableRawPointer, _ state: UnsafeMutablePointer<State>) -> Bool {
        guard isRing(pointer, state), let base = state.pointee.ringBase else { return false }
        state.pointee.freeRings[state.pointee.freeRingCount] = Int32((pointer - base) / ringBytes)
        state.pointee.freeRingCount += 1
        state.pointee.ringsOut -= 1
        return true
    }
}
