import Testing

@testable import Topology

/// The one parser of the kernel's CPU list syntax: cgroup files, the topology's cpuset, and
/// the CPU allowance on both sides.
@Suite struct CPUListTests {
    @Test func cpuListsParseAndPrint() {
        #expect(CPUList("0-1")?.cpus == [0, 1])
        #expect(CPUList("0,2")?.cpus == [0, 2])
        #expect(CPUList("3,0-1,1\n")?.description == "0-1,3")
        #expect(CPUList("")?.cpus == [])
        #expect(CPUList("0-999")?.subtracting(CPUList("0-1")!).description == "2-999")
        for bad in ["a", "1-", "-1", "2-1", "0,,1", "1-2-3", "99999999"] { #expect(CPUList(bad) == nil, "\(bad)") }
    }

    @Test func aTopologysCpusetIsAListWithoutBlanksOfCPUsBelow4096() {
        for good in ["0", "0-3", "0,2", "3,0-1,1", "4095"] { #expect(TopologyValidator.isCPUSet(good), "\(good)") }
        for bad in ["", "0 - 1", "0,\n1", "4096", "0-4096", "3-1", "a", "0,,1"] {
            #expect(!TopologyValidator.isCPUSet(bad), "\(bad)")
        }
    }

    @Test func limitsCountTheirCpusetOnce() {
        #expect(Limits(cpuset: "0-3,2").cpusetSize == 4)
        #expect(Limits(cpus: 2).cpusetSize == nil)
    }
}
