/// Quoting for the one place a string meets a remote shell: the command ssh runs.
public enum ShellQuote {
    /// `value` as one POSIX shell word, whatever it holds (`;`, `$(…)`, quotes, spaces,
    /// newlines): single quotes, with each `'` written as `'\''`.
    public static func word(_ value: String) -> String {
        var quoted = "'"
        for character in value {
            if character == "'" { quoted += "'\\''" } else { quoted.append(character) }
        }
        return quoted + "'"
    }
}
