import CNghttp2

extension nghttp2_nv {
    /// A header field whose name and value are string literals: nghttp2 is told not to copy
    /// them (the NO_COPY flags), which is safe because literals live for the whole process.
    /// Names must already be lowercase.
    public init(_ name: StaticString, _ value: StaticString) {
        precondition(name.hasPointerRepresentation && value.hasPointerRepresentation)
        let noCopy = NGHTTP2_NV_FLAG_NO_COPY_NAME.rawValue | NGHTTP2_NV_FLAG_NO_COPY_VALUE.rawValue
        self.init(
            name: UnsafeMutablePointer(mutating: name.utf8Start),
            value: UnsafeMutablePointer(mutating: value.utf8Start),
            namelen: name.utf8CodeUnitCount,
            valuelen: value.utf8CodeUnitCount,
            flags: UInt8(noCopy))
    }

    /// A header field with a literal name and a run-time value, which nghttp2 copies during
    /// the submit call.
    public init(_ name: StaticString, copying value: UnsafeMutableBufferPointer<UInt8>) {
        precondition(name.hasPointerRepresentation)
        self.init(
            name: UnsafeMutablePointer(mutating: name.utf8Start),
            value: value.baseAddress,
            namelen: name.utf8CodeUnitCount,
            valuelen: value.count,
            flags: UInt8(NGHTTP2_NV_FLAG_NO_COPY_NAME.rawValue))
    }
}
