import Report
import UV

/// `launch --metrics HOST:PORT`: a minimal HTTP/1.1 server on the coordinator's own loop that
/// answers `GET /metrics` (or `/`) with the run's live figures in the OpenMetrics text format
/// and closes the connection. Bound to the address given only; nothing listens without it.
final class MetricsServer {
    /// A request head larger than this is refused (Prometheus sends a few hundred bytes).
    static let headLimit = 8 * 1024

    private let loop: Loop
    private let listener: TCP
    /// The text served, asked for at each request.
    var body: () -> String
    private var clients: [ObjectIdentifier: TCP] = [:]

    /// Listens on `host:port`; `body` is asked for the text at each request.
    init(loop: Loop, host: String, port: Int, body: @escaping () -> String) throws {
        self.loop = loop
        self.body = body
        listener = try TCP(loop: loop)
        do {
            try listener.bind(host: host, port: port)
            try listener.listen(backlog: 64) { [unowned self] error in
                if error == nil { self.accept() }
            }
        } catch {
            listener.close()
            throw error
        }
    }

    /// The port it listens on (the one asked for, or the kernel's pick for 0).
    var port: Int? { listener.localPort }

    /// Stops listening and drops every open connection.
    func close() {
        listener.close()
        for client in clients.values { client.close() }
        clients = [:]
    }

    private func accept() {
        guard let client = try? listener.accept() else { return }
        let key = ObjectIdentifier(client)
        clients[key] = client
        var head: [UInt8] = []
        let end: () -> Void = { [unowned self] in
            self.clients[key]?.close()
            self.clients[key] = nil
        }
        do {
            try client.startReading(
                onData: { [unowned self] bytes in
                    head.append(contentsOf: bytes)
                    guard let request = Self.requestLine(head) else {
                        if head.count > Self.headLimit { self.answer(client, status: "431 Request Header Fields Too Large", end) }
                        return
                    }
                    client.stopReading()
                    self.respond(to: request, on: client, end)
                },
                onEnd: { _ in end() })
        } catch {
            end()
        }
    }

    /// The request line once the whole head has arrived; nil before.
    static func requestLine(_ head: [UInt8]) -> Substring? {
        let text = String(decoding: head, as: UTF8.self)
        guard text.contains("\r\n\r\n") || text.contains("\n\n") else { return nil }
        return text.split(whereSeparator: \.isNewline).first ?? ""
    }

    private func respond(to request: Substring, on client: TCP, _ end: @escaping () -> Void) {
        let words = request.split(separator: " ")
        guard words.count >= 2, words[0] == "GET" || words[0] == "HEAD" else {
            return answer(client, status: "405 Method Not Allowed", end)
        }
        let path = words[1].split(separator: "?").first ?? ""
        guard path == "/metrics" || path == "/" else { return answer(client, status: "404 Not Found", end) }
        answer(client, status: "200 OK", contentType: OpenMetricsText.contentType, body: words[0] == "GET" ? body() : "", end)
    }

    private func answer(
        _ client: TCP, status: String, contentType: String = "text/plain; charset=utf-8", body: String? = nil,
        _ end: @escaping () -> Void
    ) {
        let text = body ?? status + "\n"
        let response =
            "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(text.utf8.count)\r\n"
            + "Connection: close\r\n\r\n" + text
        client.write(Array(response.utf8)) { _ in end() }
    }
}
