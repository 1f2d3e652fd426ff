import Foundation
import Testing
import Topology

@testable import Cgroups

/// The parts of cgroup handling that need no cgroups: parsing, values, names, messages.
@Suite struct CgroupPureTests {
    @Test func findsV1AndV2MountsInMountinfo() {
        let text = """
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
            40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            42 31 0:39 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 master:2 - cgroup cgroup rw,cpu,cpuacct
            43 31 0:40 / /mnt/my\\040cgroups rw - cgroup cgroup rw,noprefix,cpuset
            """
        let mounts = CgroupMount.parse(mountinfo: text)
        #expect(
            mounts == [
                CgroupMount(mountPoint: "/sys/fs/cgroup/cpu", version: .v1, controllers: [.cpu], noPrefix: false),
                CgroupMount(mountPoint: "/sys/fs/cgroup/cpuacct", version: .v1, controllers: [.cpuacct], noPrefix: false),
                CgroupMount(mountPoint: "/sys/fs/cgroup/systemd", version: .v1, controllers: [], noPrefix: false),
                CgroupMount(mountPoint: "/sys/fs/cgroup/unified", version: .v2, controllers: [], noPrefix: false),
                CgroupMount(
                    mountPoint: "/sys/fs/cgroup/cpu,cpuacct", version: .v1, controllers: [.cpu, .cpuacct], noPrefix: false),
                CgroupMount(mountPoint: "/mnt/my cgroups", version: .v1, controllers: [.cpuset], noPrefix: true)
            ])
    }

    @Test func findsAPureV2SystemAndReadsProcMounts() {
        let mountinfo =
            "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n"
        #expect(
            CgroupMount.parse(mountinfo: mountinfo) == [
                CgroupMount(mountPoint: "/sys/fs/cgroup", version: .v2, controllers: [], noPrefix: false)
            ])
        let mounts =
            "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0\ncgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0\nproc /proc proc rw 0 0\n"
        #expect(
            CgroupMount.parse(procMounts: mounts) == [
                CgroupMount(mountPoint: "/sys/fs/cgroup", version: .v2, controllers: [], noPrefix: false),
                CgroupMount(mountPoint: "/sys/fs/cgroup/memory", version: .v1, controllers: [.memory], noPrefix: false)
            ])
    }

    @Test func v1SettingsAreQuotaLimitsAndAFilledCpuset() {
        let limits = Limits(cpus: 0.5, memoryBytes: 64 << 20, cpuset: "1")
        let settings = CgroupSetting.settings(
            for: limits, version: .v1, controllers: [.cpu, .cpuset, .memory],
            parentCPUs: "0-1", parentMems: "0")
        #expect(
            settings.map { "\($0.file)=\($0.value)\($0.onlyIfPresent ? "?" : "")" } == [
                "cpu.cfs_period_us=100000", "cpu.cfs_quota_us=50000", "cpuset.cpus=1", "cpuset.mems=0",
                "memory.limit_in_bytes=67108864", "memory.memsw.limit_in_bytes=67108864?"
            ])
        // A co-mounted cpuset that is not asked for still gets the parent's CPUs and nodes.
        let filled = CgroupSetting.settings(
            for: Limits(cpus: 2), version: .v1, controllers: [.cpu, .cpuset],
            parentCPUs: "0-1", parentMems: "0")
        #expect(filled.map(\.value) == ["100000", "200000", "0-1", "0"])
    }

    @Test func v2SettingsAreMaxFiles() {
        let limits = Limits(cpus: 1.25, memoryBytes: 1 << 30, cpuset: "0,2")
        let settings = CgroupSetting.settings(
            for: limits, version: .v2, controllers: [.cpu, .cpuset, .memory],
            parentCPUs: nil, parentMems: nil)
        #expect(
            settings.map { "\($0.file)=\($0.value)\($0.onlyIfPresent ? "?" : "")" } == [
                "cpu.max=125000 100000", "cpuset.cpus=0,2", "memory.max=1073741824", "memory.swap.max=0?"
            ])
    }

    @Test func limitsTravelAsJSON() throws {
        let limits = Limits(cpus: 0.5, memoryBytes: 512 << 20, cpuset: "0-1")
        let data = try JSONEncoder().encode(limits)
        #expect(try JSONDecoder().decode(Limits.self, from: data) == limits)
        #expect(try JSONDecoder().decode(Limits.self, from: Data("{}".utf8)) == Limits())
        #expect(Limits().isEmpty)
    }

    @Test func cellDirectoriesNameTheirOwner() {
        #expect(CgroupLimiter.directoryName(cellID: "grpc-go/c=64 r=2", pid: 4242) == "grpc-go_c_64_r_2-4242")
        #expect(CgroupLimiter.directoryName(cellID: "..", pid: 7) == "cell-7")
        #expect(CgroupLimiter.ownerPID(ofDirectoryName: "grpc-go_c_64-4242") == 4242)
        #expect(CgroupLimiter.ownerPID(ofDirectoryName: "system.slice") == nil)
    }

    @Test func missingControllersAreNamedWithWhereTheyWereLookedFor() {
        #expect(
            CgroupPlanner.plan(Limits(cpus: 1), mounts: []).failure?.message
                == "no cgroup filesystem is mounted (none in /proc/self/mountinfo), so limits cannot be enforced")
        let hybrid = [
            CgroupMount(mountPoint: "/nonexistent/unified", version: .v2, controllers: [], noPrefix: false),
            CgroupMount(mountPoint: "/nonexistent/cpu", version: .v1, controllers: [.cpu], noPrefix: false)
        ]
        #expect(
            CgroupPlanner.plan(Limits(cpus: 1, memoryBytes: 1 << 30, cpuset: "0"), mounts: hybrid).failure?.message
                == "cannot enforce the limits: the cpuset, memory controllers are not available (cgroup v2 at /nonexistent/unified offers none; not mounted as cgroup v1 either)"
        )
        #expect(
            CgroupPlanner.plan(Limits(cpus: 1), mounts: hybrid).failure?.message.hasPrefix(
                "cannot enforce the cpu limit with cgroup v1: cannot create /nonexistent/cpu/barrage: No such file or directory")
                == true)
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
