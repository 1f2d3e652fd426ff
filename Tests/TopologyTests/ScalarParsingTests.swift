import Testing

@testable import Topology

/// The small readers behind the validator, checked directly at their edges.
@Suite struct ScalarParsingTests {
    private func value<T>(_ parse: QuantityParse<T>) -> T? {
        if case .value(let value) = parse { return value }
        return nil
    }

    private func isTooLarge<T>(_ parse: QuantityParse<T>) -> Bool {
        if case .tooLarge = parse { return true }
        return false
    }

    @Test func integers() {
        #expect(value(Quantity.integer("42")) == 42)
        #expect(value(Quantity.integer("+7")) == 7)
        #expect(value(Quantity.integer("-3")) == -3)
        #expect(value(Quantity.integer("1_000_000")) == 1_000_000)
        #expect(value(Quantity.integer(String(Int.max))) == Int.max)
        #expect(isTooLarge(Quantity.integer("9223372036854775808")))
        #expect(isTooLarge(Quantity.integer("99999999999999999999999")))
        for bad in ["", "-", "1.5", "0x10", "_1", "1_", "1e3", "١٢", " 1", "ten"] {
            #expect(value(Quantity.integer(bad)) == nil, "\(bad)")
            #expect(!isTooLarge(Quantity.integer(bad)), "\(bad)")
        }
    }

    @Test func sizes() {
        #expect(value(Quantity.size("64")) == 64)
        #expect(value(Quantity.size("64B")) == 64)
        #expect(value(Quantity.size("64 B")) == 64)
        #expect(value(Quantity.size("4KiB")) == 4096)
        #expect(value(Quantity.size("512MiB")) == 512 << 20)
        #expect(value(Quantity.size("2GiB")) == 2 << 30)
        #expect(isTooLarge(Quantity.size("17179869184GiB")))  // 2^34 GiB = 2^64 bytes
        for bad in ["", "KiB", "1KB", "1 kib", "1.5MiB", "-1B", "1  B", "1MiBs"] {
            #expect(value(Quantity.size(bad)) == nil, "\(bad)")
        }
    }

    @Test func durations() {
        #expect(value(Quantity.durationMilliseconds("500ms")) == 500)
        #expect(value(Quantity.durationMilliseconds("0s")) == 0)
        #expect(value(Quantity.durationMilliseconds("2s")) == 2_000)
        #expect(value(Quantity.durationMilliseconds("1m")) == 60_000)
        #expect(isTooLarge(Quantity.durationMilliseconds("9223372036854775807m")))
        for bad in ["10", "1h", "1.5s", "s", "-1s", "1 sec"] {
            #expect(value(Quantity.durationMilliseconds(bad)) == nil, "\(bad)")
        }
    }

    @Test func decimals() {
        #expect(value(Quantity.decimal("1")) == 1)
        #expect(value(Quantity.decimal("0.5")) == 0.5)
        #expect(value(Quantity.decimal("20_000")) == 20_000)
        #expect(isTooLarge(Quantity.decimal(String(repeating: "9", count: 400))))
        for bad in ["", ".5", "1.", "1e3", "inf", "nan", "-1", "1.2.3"] {
            #expect(value(Quantity.decimal(bad)) == nil, "\(bad)")
        }
    }

    @Test func sshTargets() throws {
        #expect(try SSHTarget.parsing("bench@10.0.0.11").get() == SSHTarget(user: "bench", host: "10.0.0.11", port: 22))
        #expect(
            try SSHTarget.parsing("b.e-n_ch@host-1.example:2222").get()
                == SSHTarget(user: "b.e-n_ch", host: "host-1.example", port: 2222))
        #expect(try SSHTarget.parsing("root@[::1]:65535").get() == SSHTarget(user: "root", host: "::1", port: 65535))
        #expect(try SSHTarget.parsing("root@[fe80::1]").get() == SSHTarget(user: "root", host: "fe80::1", port: 22))
        let bad = [
            "host", "@host", "user@", "user@host:", "user@host:0", "user@host:65536", "user@host:+22",
            "user@host:22:33", "user@::1", "user@[::1", "user@[::1]x", "user@[zz]", "-oProxyCommand=x@h",
            "user@-h", "us er@host", "user@ho st", "a@b@c"
        ]
        for text in bad {
            #expect(throws: TextProblem.self, "\(text)") { try SSHTarget.parsing(text).get() }
        }
    }

    @Test func names() {
        #expect(NameRules.isPlainName("quick-local-2"))
        #expect(!NameRules.isPlainName("-lead"))
        #expect(!NameRules.isPlainName("Upper"))
        #expect(!NameRules.isPlainName("with_underscore"))
        #expect(!NameRules.isPlainName(String(repeating: "a", count: 64)))
        #expect(NameRules.isHostName("loadgen-1.lan_b"))
        #expect(!NameRules.isHostName(".hidden"))
        #expect(NameRules.isEnvironmentName("_GOMAXPROCS2"))
        #expect(!NameRules.isEnvironmentName("2X"))
        #expect(!NameRules.isEnvironmentName("A-B"))
    }

    @Test func cpusets() {
        for good in ["0", "0-1", "0,2", "0-3,8-11,15", "4095"] {
            #expect(TopologyValidator.isCPUSet(good), "\(good)")
        }
        for bad in ["", "3-1", "a", "0,", ",0", "0--1", "1-2-3", "4096", "99999999999999999999999", " 0"] {
            #expect(!TopologyValidator.isCPUSet(bad), "\(bad)")
        }
    }

    @Test func suggestions() {
        let keys = TopologyValidator.workloadKeys
        #expect(Spelling.suggestion(for: "conections", among: keys) == "connections")
        #expect(Spelling.suggestion(for: "protcol", among: keys) == "protocol")
        #expect(Spelling.suggestion(for: "durtaion", among: keys) == "duration")  // swapped letters
        #expect(Spelling.suggestion(for: "colour", among: keys) == nil)
        #expect(Spelling.suggestion(for: String(repeating: "x", count: 10_000), among: keys) == nil)
    }

    @Test func connectionSplit() {
        #expect(ConnectionSplit.shares(total: 100, parts: 3) == [34, 33, 33])
        #expect(ConnectionSplit.shares(total: 7, parts: 7) == Array(repeating: 1, count: 7))
        #expect(ConnectionSplit.shares(total: 5, parts: 0) == [])
        #expect(ConnectionSplit.note(total: 100, shares: [34, 33, 33]) == "connections 100 over 3 client workers: 34, 33, 33")
        #expect(ConnectionSplit.note(total: 9, shares: [3, 3, 3]) == nil)
        // A worker's threads: the first threads one connection more, a thread past the
        // connections none, and none of the rate; the rate's parts add up to it exactly.
        let threads = ConnectionSplit.shares(total: 5, parts: 3)
        #expect(threads == [2, 2, 1])
        let rates = ConnectionSplit.rateShares(total: 1000.1, connections: threads + [0])
        #expect(rates[3] == nil)
        #expect(rates.compactMap { $0 }.reduce(0, +) == 1000.1)
        // Connections numbered from 4 over three targets start at the second.
        #expect(ConnectionSplit.rotated(["a", "b", "c"], firstConnection: 4) == ["b", "c", "a"])
        #expect(ConnectionSplit.rotated([String](), firstConnection: 4).isEmpty)
    }

    @Test func lineTrackerMatchesLibyamlCounting() {
        var tracker = LineTracker()
        for scalar in "ab\r\ncé\rd\u{2028}e".unicodeScalars { tracker.advance(over: scalar) }
        #expect(tracker.mark == SourceMark(line: 4, column: 2))
    }
}
