import Glibc

extension UnsafeRawBufferPointer {
    /// True if the bytes equal the literal's UTF-8; for matching header names and values
    /// without building Strings.
    @inlinable public func equals(_ literal: StaticString) -> Bool {
        count == literal.utf8CodeUnitCount && hasPrefix(literal)
    }

    /// True if the bytes start with the literal's UTF-8.
    @inlinable public func hasPrefix(_ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard count >= length else { return false }
        guard length > 0 else { return true }
        // memcmp, not `elementsEqual`: every answer's headers are matched this way, and the
        // generic sequence comparison cost ≈ 700 instructions a call (callgrind, 100 × 10).
        return memcmp(baseAddress!, literal.utf8Start, length) == 0
    }
}
