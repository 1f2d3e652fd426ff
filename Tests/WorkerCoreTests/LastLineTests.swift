import Testing

@testable import WorkerCore

@Suite struct LastLineTests {
    @Test func keepsTheLastNonBlankLineAcrossPieces() {
        var tail = LastLine()
        #expect(tail.line == nil)
        tail.append(Array("starting\nlisten tcp :5".utf8))
        #expect(tail.line == "listen tcp :5", "an unfinished line is the latest news")
        tail.append(Array("0051: bind: address already in use\n\n  \r\n".utf8))
        #expect(tail.line == "listen tcp :50051: bind: address already in use")
    }

    @Test func dropsControlCharactersAndBlanksAround() {
        var tail = LastLine()
        tail.append(Array("\t\u{1B}[31mpanic: boom\u{1B}[0m  \r\n".utf8))
        #expect(tail.line == "[31mpanic: boom[0m")
    }

    @Test func aHugeLineKeepsItsEnd() throws {
        var tail = LastLine()
        tail.append([UInt8](repeating: UInt8(ascii: "x"), count: 100_000) + Array(" the end".utf8))
        let line = try #require(tail.line)
        #expect(line.count == LastLine.limit)
        #expect(line.hasSuffix("x the end"))
    }
}
