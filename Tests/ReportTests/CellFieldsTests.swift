import Testing

@testable import Report

@Suite struct CellFieldsTests {
    @Test func nestedFieldsFlattenWithTheUnitLast() {
        let cell = Fixtures.cell("builtin", 100, rate: 1_000, p99: 5_000, memoryPerConnection: 4_096)
        let fields = CellFields(cell)
        #expect(fields.texts["latency_p99_us"] == "5000")
        #expect(fields.texts["server_memory_per_connection_bytes"] == "4096")
        #expect(fields.texts["server_cpu_percent"] == "100")
        #expect(fields.texts["clients_saturated"] == "false")
        #expect(fields.texts["error"] == "")
        #expect(fields.numbers["connections"] == 100)
        #expect(fields.texts["timeseries"] == nil && fields.texts["clients_hosts"] == nil)
    }

    @Test func keysIgnoreTheRepeatAndNameTheCell() {
        let first = CellKey(Fixtures.cell("builtin", 100, repeat: 1, rate: 1))
        let second = CellKey(Fixtures.cell("builtin", 100, repeat: 2, rate: 2))
        #expect(first == second)
        #expect(first.label == "builtin c100")
        #expect(first.without(["system"]).heading == "100 connections")
        #expect(CellKey(Fixtures.cell("builtin", 1_000, rate: 1)) != first)
        // One replica, every run's default, is left out of headings; more are named.
        var replicated = Fixtures.cell("builtin", 100, rate: 1)
        replicated.replicas = 1
        #expect(CellKey(replicated).without(["system"]).heading == "100 connections")
        replicated.replicas = 3
        #expect(CellKey(replicated).without(["system"]).heading == "replicas 3, 100 connections")
        #expect(CellKey(replicated).label == "builtin replicas 3 c100")
    }
}
