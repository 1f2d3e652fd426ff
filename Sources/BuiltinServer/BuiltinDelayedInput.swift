/// A connection whose input `BuiltinDelayLine` holds back: it gets its bytes once they are due.
protocol BuiltinDelayedInput: AnyObject {
    /// Bytes that arrived one delay ago; handle them as if they had just been read.
    func deliverDelayed(_ bytes: UnsafeRawBufferPointer)
}
