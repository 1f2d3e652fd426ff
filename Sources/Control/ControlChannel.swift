import UV
import Wire

/// A worker's control channel: framed control messages read from one stream and written to
/// another (the worker's stdin/stdout, seen from either side).
///
/// Typed by direction: the coordinator holds a `ControlChannel<WorkerMessage, CoordinatorMessage>`,
/// the worker a `ControlChannel<CoordinatorMessage, WorkerMessage>`, so neither side can send
/// the other's messages. In its own module, so the worker reaches it without linking the
/// ssh and deploy code in Launch.
public final class ControlChannel<Incoming: ControlMessage, Outgoing: ControlMessage> {
    private let input: UV.Stream
    private let output: UV.Stream
    private var decoder = FrameDecoder()
    private var ended = false
    private var pendingWrites = 0
    private var onFlushed: [() -> Void] = []

    /// A channel reading `input` and writing `output` (which may be the same stream).
    public init(input: UV.Stream, output: UV.Stream) {
        self.input = input
        self.output = output
    }

    /// Starts reading; `onMessage` gets each message in order, `onEnd` once at the end.
    public func start(onMessage: @escaping (Incoming) -> Void, onEnd: @escaping (ControlChannelEnd) -> Void) throws {
        try input.startReading(
            onData: { [unowned self] bytes in
                guard !self.ended else { return }
                do {
                    for frame in try self.decoder.feed(bytes) {
                        onMessage(try ControlCodec.decode(Incoming.self, from: frame))
                        if self.ended { return }
                    }
                } catch {
                    self.ended = true
                    self.input.stopReading()
                    onEnd(.broken("unreadable control message: \(error)"))
                }
            },
            onEnd: { [unowned self] error in
                guard !self.ended else { return }
                self.ended = true
                onEnd(error.map { .broken("\($0)") } ?? .closed)
            })
    }

    /// Sends one message; a failed write surfaces as the channel's end on the reading side.
    public func send(_ message: Outgoing) {
        guard !output.isClosing else { return }
        pendingWrites += 1
        output.write(ControlCodec.encode(message)) { [weak self] _ in
            guard let self else { return }
            self.pendingWrites -= 1
            if self.pendingWrites == 0 {
                let callbacks = self.onFlushed
                self.onFlushed = []
                callbacks.forEach { $0() }
            }
        }
    }

    /// Calls `callback` once every message sent so far has been written (or failed), so a
    /// worker does not exit with its last result still queued.
    public func whenFlushed(_ callback: @escaping () -> Void) {
        if pendingWrites == 0 { callback() } else { onFlushed.append(callback) }
    }

    /// Closes both directions: the peer reads end-of-stream.
    public func close() {
        ended = true
        input.close()
        if output !== input { output.close() }
    }
}
