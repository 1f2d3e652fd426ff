import GRPCCore

/// bench.Echo: `Unary` returns the request; `Stream` answers every message with itself, in
/// order, and ends with OK once the client half-closes. Unknown methods and services get
/// UNIMPLEMENTED from GRPCServer's router.
struct EchoService: Bench_Echo.SimpleServiceProtocol {
    func unary(request: Bench_Payload, context: ServerContext) async throws -> Bench_Payload {
        request
    }

    func stream(
        request: RPCAsyncSequence<Bench_Payload, any Error>,
        response: RPCWriter<Bench_Payload>,
        context: ServerContext
    ) async throws {
        for try await message in request {
            try await response.write(message)
        }
    }
}
