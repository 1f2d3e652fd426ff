import Glibc

/// Starts an operating-system thread running a closure: the one place `pthread_create`'s
/// single pointer argument is packed and unpacked. Loop threads (load threads, server
/// threads) and plain helper threads all start here.
public enum OSThread {
    /// Starts a thread running `body`; returns it, joinable (detach it when nobody joins).
    /// Throws a `UVError` when the thread cannot be created; `body` then never runs.
    public static func start(_ body: @escaping () -> Void) throws -> pthread_t {
        var thread = pthread_t()
        let argument = Unmanaged.passRetained(Body(body)).toOpaque()
        let status = pthread_create(
            &thread, nil,
            { argument in
                Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue().run()
                return nil
            }, argument)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(argument).release()
            throw UVError(code: -status, operation: "pthread_create")
        }
        return thread
    }

    /// Carries the closure through the pointer argument.
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }
}
