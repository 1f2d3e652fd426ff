import Testing

@testable import BuiltinServer

@Suite struct BuiltinKnobsTests {
    @Test func noKnobsIsThePlainServer() throws {
        #expect(try BuiltinKnobs.from(environment: ["PATH": "/bin"]) == BuiltinKnobs())
    }

    @Test func delayAndStallParse() throws {
        let knobs = try BuiltinKnobs.from(environment: ["BARRAGE_BUILTIN_DELAY": "5ms", "BARRAGE_BUILTIN_STALL": "100ms/1s"])
        #expect(knobs.replyDelayNs == 5_000_000)
        #expect(knobs.stall?.durationNs == 100_000_000)
        #expect(knobs.stall?.periodNs == 1_000_000_000)
        #expect(BuiltinKnobs.duration("250us") == 250_000)
        #expect(BuiltinKnobs.duration("1.5s") == 1_500_000_000)
    }

    @Test(arguments: [
        ["BARRAGE_BUILTIN_DELAY": "5"], ["BARRAGE_BUILTIN_DELAY": "0ms"], ["BARRAGE_BUILTIN_DELAY": "-1ms"],
        ["BARRAGE_BUILTIN_DELAY": "fast"], ["BARRAGE_BUILTIN_STALL": "100ms"], ["BARRAGE_BUILTIN_STALL": "1s/100ms"],
        ["BARRAGE_BUILTIN_STALL": "100ms/100ms"], ["BARRAGE_BUILTIN_STALL": "100ms/1s/2s"]
    ])
    func badValuesSayWhatTheyTake(environment: [String: String]) {
        #expect {
            try BuiltinKnobs.from(environment: environment)
        } throws: { error in
            let text = "\(error)"
            return text.contains(environment.keys.first!) && text.contains("such as")
        }
    }
}
