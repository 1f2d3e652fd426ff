import Metrics
import Testing

/// The rule that sizes the builtin server and judges server CPU: the server host's cores
/// under the cell's limits.
@Suite struct CPUAllowanceTests {
    @Test func unlimitedTheServerMayUseEveryCoreOfItsHost() {
        let allowance = CPUAllowance(hostCores: 8, cpus: nil, cpusetSize: nil)
        #expect(allowance.cores == 8)
        #expect(allowance.threads == 8)
    }

    @Test func aFractionalQuotaStillGetsAThreadRoundedUp() {
        #expect(CPUAllowance(hostCores: 2, cpus: 0.5, cpusetSize: nil).cores == 0.5)
        #expect(CPUAllowance(hostCores: 2, cpus: 0.5, cpusetSize: nil).threads == 1)
        #expect(CPUAllowance(hostCores: 16, cpus: 2.5, cpusetSize: nil).threads == 3)
    }

    @Test func aQuotaAboveTheHostsCoresIsCappedByThem() {
        // The coordinator may have 64 cores; a 2-core server host still runs 2 threads.
        let allowance = CPUAllowance(hostCores: 2, cpus: 4, cpusetSize: nil)
        #expect(allowance.cores == 2)
        #expect(allowance.threads == 2)
    }

    @Test func aCpusetNarrowsTheCoresToItsSize() {
        #expect(CPUAllowance(hostCores: 8, cpus: nil, cpusetSize: 2).threads == 2)
        #expect(CPUAllowance(hostCores: 8, cpus: 1.5, cpusetSize: 4).cores == 1.5)
        #expect(CPUAllowance(hostCores: 8, cpus: 3, cpusetSize: 2).cores == 2)
    }

    @Test func nonsenseCountsFallBackToOneCore() {
        #expect(CPUAllowance(hostCores: 0, cpus: nil, cpusetSize: 0).cores == 1)
        #expect(CPUAllowance(hostCores: -1, cpus: 0, cpusetSize: nil).threads == 1)
    }
}
