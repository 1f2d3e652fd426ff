import Metrics
import Testing

/// Parsing what a worker reads about its host: /proc/stat, /proc/cpuinfo, /proc/meminfo.
@Suite struct HostTests {
    /// Two lines of a real 2-core machine's /proc/stat, one second apart.
    static let statBefore = """
        cpu  10132153 290696 3084719 46828483 16683 0 25195 0 0 0
        cpu0 1393280 32966 540440 5571872 4093 0 14718 0 0 0
        intr 199292 0 0
        """
    static let statAfter = """
        cpu  10132253 290696 3084769 46828533 16683 0 25195 0 0 0
        cpu0 1393330 32966 540465 5571897 4093 0 14718 0 0 0
        """

    @Test func procStatSumsEveryKindOfTickAndCountsIOWaitAsIdle() throws {
        let times = try #require(HostCPUTimes(procStat: Self.statBefore))
        #expect(times.idleTicks == 46_828_483 + 16_683)
        #expect(times.totalTicks == 10_132_153 + 290_696 + 3_084_719 + 46_828_483 + 16_683 + 25_195)
    }

    @Test func idleFractionIsTheIdleShareOfTheTicksBetweenTwoReadings() throws {
        let before = try #require(HostCPUTimes(procStat: Self.statBefore))
        let after = try #require(HostCPUTimes(procStat: Self.statAfter))
        // 100 user + 50 system + 50 idle ticks passed: a quarter idle.
        #expect(HostCPUTimes.idleFraction(from: before, to: after) == 0.25)
    }

    @Test func idleFractionIsUnknownWithoutProgressOrAfterAReboot() throws {
        let before = try #require(HostCPUTimes(procStat: Self.statBefore))
        #expect(HostCPUTimes.idleFraction(from: before, to: before) == nil)
        #expect(
            HostCPUTimes.idleFraction(
                from: HostCPUTimes(idleTicks: 900, totalTicks: 1_000),
                to: HostCPUTimes(idleTicks: 10, totalTicks: 2_000)) == nil)
    }

    @Test func textWithoutACPULineIsNotProcStat() {
        #expect(HostCPUTimes(procStat: "cpu0 1 2 3 4\n") == nil)
        #expect(HostCPUTimes(procStat: "") == nil)
        #expect(HostCPUTimes(procStat: "cpu  1 2\n") == nil)
    }

    @Test func cpuModelIsTheFirstModelNameLine() {
        let info = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            model name\t: AMD EPYC 7B13 64-Core Processor
            processor\t: 1
            model name\t: AMD EPYC 7B13 64-Core Processor
            """
        #expect(HostFacts.cpuModel(cpuInfo: info) == "AMD EPYC 7B13 64-Core Processor")
        #expect(HostFacts.cpuModel(cpuInfo: "processor\t: 0\nBogoMIPS\t: 50.00\n") == "")
    }

    @Test func memoryIsMemTotalInKibibytes() {
        let info = "MemTotal:       24683584 kB\nMemFree:        20000000 kB\n"
        #expect(HostFacts.memoryBytes(memInfo: info) == 24_683_584 * 1024)
        #expect(HostFacts.memoryBytes(memInfo: "MemFree: 1 kB\n") == 0)
    }

    @Test func hostsAreListedOncePerNameSortedAndTheFirstReportWins() {
        func host(_ name: String, _ hostname: String) -> HostFacts {
            HostFacts(name: name, hostname: hostname, kernel: "6.1", cpuModel: "x", cores: 2, memoryBytes: 1)
        }
        let merged = HostFacts.merged([host("zeta", "a")], adding: [host("alpha", "b"), host("zeta", "c")])
        #expect(merged.map(\.name) == ["alpha", "zeta"])
        #expect(merged[1].hostname == "a")
    }
}
