/// The bytes every tcp-echo request of one generator sends, built once and shared by all its
/// sessions (10,000 connections do not need 10,000 copies).
final class EchoPayload {
    /// The request; the echo must bring back exactly as many bytes.
    let bytes: UnsafeRawBufferPointer
    private let storage: UnsafeMutableRawBufferPointer

    /// A recognisable pattern of `count` bytes (at least one).
    init(count: Int) {
        storage = .allocate(byteCount: max(1, count), alignment: 8)
        for index in 0..<storage.count { storage[index] = UInt8(truncatingIfNeeded: index &* 31 &+ 7) }
        bytes = UnsafeRawBufferPointer(storage)
    }

    deinit {
        storage.deallocate()
    }
}
