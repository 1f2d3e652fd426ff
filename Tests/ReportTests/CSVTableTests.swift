import Testing

@testable import Report

@Suite struct CSVTableTests {
    @Test func fieldsAreQuotedOnlyWhenRFC4180AsksForIt() {
        #expect(CSVTable.field("builtin") == "builtin")
        #expect(CSVTable.field("a,b") == "\"a,b\"")
        #expect(CSVTable.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVTable.field("two\nlines") == "\"two\nlines\"")
        #expect(CSVTable.field("cr\r\nlf") == "\"cr\r\nlf\"")
        #expect(CSVTable.field("") == "")
        #expect(CSVTable(header: ["a", "b"], rows: [["1"]]).render() == "a,b\r\n1,\r\n")
    }

    @Test func oneRowPerCellWithTheFieldsFlattened() throws {
        let run = Fixtures.run()
        let lines = CSVTable(cells: run.cells).render().components(separatedBy: "\r\n")
        #expect(lines.count == run.cells.count + 2)  // header, rows, the empty string after the last CRLF
        let header = lines[0].split(separator: ",").map(String.init)
        // The key's dimensions first, null or not, so every run's CSV has the same leading columns.
        #expect(
            Array(header.prefix(11)) == [
                "id", "scenario", "system", "replicas", "cpus", "tls", "connections", "rate_per_second",
                "repeat", "status", "error"
            ])
        for column in [
            "latency_p99_us", "latency_p50_us", "latency_mean_us", "server_cpu_percent",
            "server_rss_peak_bytes", "clients_saturated", "requests_per_second", "duration_s"
        ] {
            #expect(header.contains(column), "\(column) missing from \(header)")
        }
        #expect(!header.contains { $0.hasPrefix("timeseries") || $0.hasPrefix("clients_hosts") })
        let ok = try #require(run.cells.first { $0.status == .ok })
        let row = try #require(lines.first { $0.hasPrefix(ok.id + ",") }).split(separator: ",", omittingEmptySubsequences: false)
        func value(_ column: String) -> String { String(row[header.firstIndex(of: column)!]) }
        #expect(value("latency_p99_us") == String(ok.latency.p99))
        #expect(Double(value("requests_per_second")) == ok.requestsPerSecond)
        #expect(value("clients_saturated") == "true")
        #expect(value("error") == "")
        // The failed cell's error holds no comma here, but a quote-free field stays bare.
        #expect(lines.contains { $0.contains(",failed,server exited with status 1 before ready,") })
    }
}
