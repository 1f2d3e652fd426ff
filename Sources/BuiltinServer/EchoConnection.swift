import UV

/// One accepted echo connection.
final class EchoConnection: BuiltinDelayedInput {
    private let tcp: TCP
    private let onClose: (EchoConnection) -> Void
    private var closed = false
    /// Known-answer server: holds every read back by the reply delay.
    private let delayLine: BuiltinDelayLine?

    init(tcp: TCP, delayLine: BuiltinDelayLine? = nil, onClose: @escaping (EchoConnection) -> Void) {
        self.tcp = tcp
        self.delayLine = delayLine
        self.onClose = onClose
    }

    func start() {
        try? tcp.setNoDelay(true)
        do {
            try tcp.startReading(
                onData: { [unowned self] bytes in
                    if let delayLine = self.delayLine { delayLine.enqueue(bytes, for: self) } else { self.echo(bytes) }
                },
                onEnd: { [unowned self] _ in self.close() })
        } catch {
            close()
        }
    }

    private func echo(_ bytes: UnsafeRawBufferPointer) {
        // Most replies go out whole from the read buffer without a copy; only a remainder
        // the kernel would not take right now is copied and queued.
        var written = 0
        if tcp.writeQueueSize == 0 {
            do {
                written = try tcp.tryWrite(bytes)
            } catch {
                written = 0
            }
        }
        if written < bytes.count {
            tcp.write(Array(bytes[written...]), completion: nil)
        }
    }

    func deliverDelayed(_ bytes: UnsafeRawBufferPointer) {
        if !closed { echo(bytes) }
    }

    func close() {
        guard !closed else { return }
        closed = true
        tcp.close()
        onClose(self)
    }
}
