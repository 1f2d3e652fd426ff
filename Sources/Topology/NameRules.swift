/// The character rules for names in a topology file. Names end up in file paths, container
/// names and command lines, so they are kept to characters that are safe in all of those, and
/// may not start with `-` (which a command would read as an option).
enum NameRules {
    /// Longest accepted name; keeps cell ids and paths reasonable.
    static let maximumLength = 63

    /// Run and system names: `[a-z0-9][a-z0-9-]*`.
    static func isPlainName(_ text: String) -> Bool {
        matches(text, extra: ["-"])
    }

    /// Host names: `[a-z0-9][a-z0-9._-]*`.
    static func isHostName(_ text: String) -> Bool {
        matches(text, extra: ["-", "_", "."])
    }

    /// Environment variable names: `[A-Za-z_][A-Za-z0-9_]*` (what a shell and `env` accept).
    static func isEnvironmentName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || isLetter(first) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || isLetter($0) || isDigit($0) }
    }

    /// Characters an SSH user or host name may contain (`[A-Za-z0-9._-]`, not starting with `-`).
    static func isSSHWord(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, first != "-" else { return false }
        return text.unicodeScalars.allSatisfy { isLetter($0) || isDigit($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    private static func matches(_ text: String, extra: Set<Unicode.Scalar>) -> Bool {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, isLower(first) || isDigit(first), scalars.count <= maximumLength else {
            return false
        }
        return scalars.allSatisfy { isLower($0) || isDigit($0) || extra.contains($0) }
    }

    private static func isLower(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) }
    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        isLower(scalar) || ("A"..."Z").contains(scalar)
    }
}
