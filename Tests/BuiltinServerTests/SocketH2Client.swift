import Testing
import UV
import UVTestSupport

/// An `H2TestClient` over a real TCP connection on a test's loop: every read is fed to the
/// session and whatever the session then wants to send is written straight back.
final class SocketH2Client {
    let h2 = H2TestClient()
    let tcp: TCP
    private(set) var ended = false

    /// Connects to 127.0.0.1:`port`; `ready` runs once connected (nil) or on failure.
    init(loop: Loop, port: Int, ready: @escaping (SocketH2Client, UVError?) -> Void) throws {
        tcp = try TCP(loop: loop)
        try tcp.connect(host: "127.0.0.1", port: port) { [unowned self] error in
            guard error == nil else { return ready(self, error) }
            self.resumeReading()
            self.flush()
            ready(self, nil)
        }
    }

    /// Stops reading the socket, like a client too busy to take its responses.
    func pauseReading() {
        tcp.stopReading()
    }

    /// Starts (again) feeding what arrives to the session.
    func resumeReading() {
        do {
            try tcp.startReading(
                onData: { [unowned self] bytes in
                    self.h2.receive(bytes)
                    self.flush()
                    self.onProgress?()
                },
                onEnd: { [unowned self] _ in
                    self.ended = true
                    self.onProgress?()
                })
        } catch {
            Issue.record("client read failed: \(error)")
        }
    }

    /// Runs after every read, so a test can check whether it is done.
    var onProgress: (() -> Void)?

    /// Writes what the session has to send.
    func flush() {
        let bytes = h2.output()
        if !bytes.isEmpty { tcp.write(bytes) }
    }

    func close() {
        onProgress = nil
        tcp.close()
    }
}
