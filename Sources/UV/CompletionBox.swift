/// Carries a request completion through a C request's `data` pointer, for the rare requests
/// (connect, shutdown) that are allocated per call instead of pooled.
final class CompletionBox {
    let completion: (UVError?) -> Void

    private init(_ completion: @escaping (UVError?) -> Void) {
        self.completion = completion
    }

    /// A retained box for `req->data`, or nil when there is no completion.
    static func retain(_ completion: ((UVError?) -> Void)?) -> UnsafeMutableRawPointer? {
        completion.map { Unmanaged.passRetained(CompletionBox($0)).toOpaque() }
    }

    /// Releases the box stored by `retain` and returns its completion.
    static func take(_ data: UnsafeMutableRawPointer?) -> ((UVError?) -> Void)? {
        data.map { Unmanaged<CompletionBox>.fromOpaque($0).takeRetainedValue().completion }
    }
}
