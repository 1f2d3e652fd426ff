extension SSHTarget {
    /// Reads `user@host[:port]` (IPv6 as `user@[::1]:22`); the failure says what is wrong.
    static func parsing(_ text: String) -> Result<SSHTarget, TextProblem> {
        let shape = "expected user@host[:port], e.g. bench@10.0.0.11:22"
        guard let at = text.firstIndex(of: "@") else {
            return .failure(TextProblem("no user in \(Quote.quoted(text)); \(shape)"))
        }
        let user = text[..<at]
        guard NameRules.isSSHWord(user) else {
            return .failure(TextProblem("bad ssh user in \(Quote.quoted(text)); \(shape)"))
        }
        let rest = text[text.index(after: at)...]
        let host: Substring
        let portText: Substring?
        if rest.first == "[" {
            // Bracketed IPv6: the brackets keep its colons apart from the port's.
            guard let close = rest.firstIndex(of: "]") else {
                return .failure(TextProblem("unclosed '[' in \(Quote.quoted(text)); \(shape)"))
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            guard after.isEmpty || after.first == ":" else {
                return .failure(TextProblem("unexpected text after ']' in \(Quote.quoted(text)); \(shape)"))
            }
            portText = after.isEmpty ? nil : after.dropFirst()
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                return .failure(TextProblem("bad IPv6 address in \(Quote.quoted(text)); \(shape)"))
            }
        } else {
            let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else {
                return .failure(
                    TextProblem(
                        "too many ':' in \(Quote.quoted(text)); write IPv6 addresses in brackets, "
                            + "e.g. bench@[::1]:22"))
            }
            host = parts[0]
            portText = parts.count == 2 ? parts[1] : nil
            guard NameRules.isSSHWord(host) else {
                return .failure(TextProblem("bad ssh host in \(Quote.quoted(text)); \(shape)"))
            }
        }
        var port = 22
        if let portText {
            guard case .value(let number) = Quantity.integer(String(portText)),
                portText.allSatisfy(\.isNumber), (1...65_535).contains(number)
            else {
                return .failure(TextProblem("bad ssh port in \(Quote.quoted(text)); the port must be 1...65535"))
            }
            port = number
        }
        return .success(SSHTarget(user: String(user), host: String(host), port: port))
    }
}
