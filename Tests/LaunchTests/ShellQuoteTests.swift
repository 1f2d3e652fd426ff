import Launch
import Testing

/// Every value that meets a remote shell arrives as one word, byte for byte, and nothing in
/// it runs: checked by handing the quoted words to a real /bin/sh.
struct ShellQuoteTests {
    static let hostile = [
        "", "plain", "two words", "semi;colon", "$(touch /tmp/barrage-pwned)", "`id`", "it's", "'", "''",
        "\"double\"", "back\\slash", "new\nline", "tab\there", "$HOME", "*", "~", "a'b\"c$d`e\\f", "-n", "émoji 🚀"
    ]

    @Test func eachValueIsOneWordVerbatim() throws {
        // printf '<%s>' prints each argument in brackets: a split word would show as two.
        let command = "printf '<%s>' " + Self.hostile.map(ShellQuote.word).joined(separator: " ")
        let outcome = try CommandRunner.run("/bin/sh", ["-c", command], timeoutMs: 10_000)
        #expect(outcome.status.isSuccess, "\(outcome.stderr)")
        #expect(outcome.stdout == Self.hostile.map { "<\($0)>" }.joined())
    }

    @Test func quotingIsSingleQuotesWithEscapedQuotes() {
        #expect(ShellQuote.word("a b") == "'a b'")
        #expect(ShellQuote.word("it's") == #"'it'\''s'"#)
        #expect(ShellQuote.word("") == "''")
    }
}
