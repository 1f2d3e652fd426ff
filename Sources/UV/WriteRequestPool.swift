import CUV

/// A stream's free list of `uv_write_t` requests and their completions, so a write in steady
/// state allocates nothing: a request is allocated only when more writes are in flight than
/// ever before, and is reused after its completion. `req->data` holds the slot number
/// (plus one, so it is never a null pointer) instead of a retained context object.
struct WriteRequestPool {
    private var requests: [UnsafeMutablePointer<uv_write_t>] = []
    private var completions: [((UVError?) -> Void)?] = []
    private var freeSlots: [Int] = []

    /// Takes a free request (growing the pool if none is free) and records its completion.
    mutating func acquire(
        _ completion: ((UVError?) -> Void)?
    ) -> (slot: Int, request: UnsafeMutablePointer<uv_write_t>) {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            slot = requests.count
            let request = UnsafeMutablePointer<uv_write_t>.allocate(capacity: 1)
            request.initialize(to: uv_write_t())
            requests.append(request)
            completions.append(nil)
            freeSlots.reserveCapacity(requests.count)
        }
        completions[slot] = completion
        requests[slot].pointee.data = UnsafeMutableRawPointer(bitPattern: slot + 1)
        return (slot, requests[slot])
    }

    /// How many requests exist (in flight or free); stays flat in steady state.
    var count: Int { requests.count }

    /// The slot number stored in a request by `acquire`.
    static func slot(of request: UnsafeMutablePointer<uv_write_t>) -> Int {
        Int(bitPattern: request.pointee.data) - 1
    }

    /// Returns a slot to the free list and hands back its completion (to be called by the
    /// caller *after* the pool is consistent again, since the completion may write).
    mutating func release(slot: Int) -> ((UVError?) -> Void)? {
        let completion = completions[slot]
        completions[slot] = nil
        freeSlots.append(slot)
        return completion
    }

    /// Frees every request; only once libuv holds none of them (at the close callback).
    mutating func removeAll() {
        for request in requests { request.deallocate() }
        requests = []
        completions = []
        freeSlots = []
    }
}
