/// Where a server listens, `HOST:PORT`: a system's `target`, a replica clients are sent to, the
/// address `launch --metrics` serves on, `load --target`.
///
/// The host is numeric (an IPv4 address, an IPv6 address in brackets, or `localhost`): the
/// load path connects without a resolver, so a name would be looked up nowhere.
public struct ServerEndpoint: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The address, without brackets.
    public var host: String
    /// The port it listens on (0 only where the kernel is asked to pick one).
    public var port: Int

    /// An endpoint at `host`:`port`.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, brackets around an IPv6 address: as the file writes it.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// True for an address of this machine: 127.0.0.0/8, `::1` or `localhost`.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Reads `HOST:PORT` with a port in `ports`; on failure, why, in words that follow the
    /// option's or key's name ("target ", "--metrics ").
    public static func parse(_ text: String, ports: ClosedRange<Int> = 1...65_535) -> Result<ServerEndpoint, EndpointProblem> {
        guard let colon = text.lastIndex(of: ":") else { return .failure(.shape) }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { return .failure(.shape) }
            host = String(host.dropFirst().dropLast())
            guard isIPv6(host) else { return .failure(.notNumeric(host)) }
        } else if host.contains(":") {
            // `::1:8080` reads two ways; brackets say where the address ends.
            return .failure(.bracketsNeeded)
        } else if host.isEmpty {
            return .failure(.shape)
        } else if host != "localhost", !isIPv4(host) {
            return .failure(.notNumeric(host))
        }
        guard !portText.isEmpty, portText.allSatisfy(\.isASCIIDigit), portText.count <= 5, let port = Int(portText)
        else { return .failure(.shape) }
        guard ports.contains(port) else { return .failure(.port(port, ports)) }
        return .success(ServerEndpoint(host: host, port: port))
    }

    /// Four dot-separated decimal numbers, each 0...255 without leading zeros.
    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCIIDigit) && (part == "0" || part.first != "0")
                    && Int(part).map { $0 <= 255 } == true
            }
    }

    /// Colon-separated hexadecimal groups (at most 8 of 1–4 digits, one `::` standing for
    /// zeros), optionally ending in an IPv4 address; no zone index.
    static func isIPv6(_ text: String) -> Bool {
        guard text.count <= 45, !text.isEmpty else { return false }
        let characters = Array(text)
        var halves: [String] = []
        var start = 0
        var index = 0
        while index < characters.count {
            if characters[index] == ":", index + 1 < characters.count, characters[index + 1] == ":" {
                halves.append(String(characters[start..<index]))
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        halves.append(String(characters[start...]))
        guard halves.count <= 2 else { return false }
        var groups = 0
        for (index, half) in halves.enumerated() where !half.isEmpty {
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            for (position, part) in parts.enumerated() {
                if index == halves.count - 1, position == parts.count - 1, part.contains(".") {
                    guard isIPv4(String(part)) else { return false }
                    groups += 2
                } else {
                    guard (1...4).contains(part.count), part.allSatisfy(\.isHexDigit) else { return false }
                    groups += 1
                }
            }
        }
        return halves.count == 2 ? groups <= 7 : groups == 8
    }
}

/// Why a `HOST:PORT` could not be read.
public enum EndpointProblem: Error, Sendable, Equatable {
    /// Not `HOST:PORT` at all.
    case shape
    /// An IPv6 address without brackets.
    case bracketsNeeded
    /// A host name or something else that is not a numeric address.
    case notNumeric(String)
    /// A port outside the range asked for.
    case port(Int, ClosedRange<Int>)

    /// The problem in words.
    public var words: String {
        switch self {
        case .shape:
            return "must be HOST:PORT, such as 127.0.0.1:50051 or [::1]:50051"
        case .bracketsNeeded:
            return "with an IPv6 address must put it in brackets, such as [::1]:50051"
        case .notNumeric(let host):
            return "host \(Quote.quoted(host)) is not a numeric address: give an IPv4 address, an IPv6 address in "
                + "brackets, or localhost (Barrage connects without resolving names)"
        case .port(let port, let range):
            return "port \(port) is outside \(range.lowerBound)...\(range.upperBound)"
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
