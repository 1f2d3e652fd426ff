import Glibc
import Testing

@testable import ProcessSampler

@Suite struct ProcStatTests {
    @Test func parsesAStatLineWithSpacesAndParensInTheName() throws {
        let line =
            "4242 (my (odd) server) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 7 3 20 0 5 0 12345 104857600 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0"
        let stat = try #require(ProcStat(Substring(line)))
        #expect(stat.pid == 4242)
        #expect(stat.parentPid == 1)
        #expect(stat.processGroup == 4242)
        #expect(stat.session == 4242)
        #expect(stat.cpuTicks == 250 + 50 + 7 + 3)
        #expect(stat.threads == 5)
        #expect(stat.residentPages == 2560)
    }

    @Test func rejectsGarbage() {
        #expect(ProcStat("") == nil)
        #expect(ProcStat("12 (x) S 1 2") == nil)
        #expect(ProcStat("abc (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22") == nil)
    }

    @Test func treeFollowsParentsAndTheSession() {
        func stat(_ pid: Int32, _ ppid: Int32, session: Int32) -> ProcStat {
            ProcStat(Substring("\(pid) (p) S \(ppid) \(pid) \(session) 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 1 1 1"))!
        }
        let processes = [
            stat(100, 1, session: 100),  // root, own session
            stat(101, 100, session: 100),  // child
            stat(102, 101, session: 100),  // grandchild
            stat(103, 1, session: 100),  // orphan re-parented to init, still in the session
            stat(104, 1, session: 104),  // someone else
            stat(105, 104, session: 104)
        ]
        #expect(ProcessTree.members(root: 100, in: processes).map(\.pid) == [100, 101, 102, 103])
    }
}

/// A sample of a tree with no memory (between fork and exec, or exiting) is no sample.
@Suite struct ProcessTreeReadingTests {
    func stat(_ pid: Int32, state: String, rss: Int, ticks: Int = 10) -> ProcStat {
        ProcStat(Substring("\(pid) (p) \(state) 1 \(pid) 100 0 -1 0 0 0 0 0 \(ticks) 0 0 0 20 0 3 0 1 1 \(rss)"))!
    }

    @Test func aTreeWithoutResidentMemoryGivesNoSample() {
        let sampler = ProcessTreeSampler(root: 100)
        #expect(sampler.reading(of: [stat(100, state: "R", rss: 0)], timeMs: 1) == nil, "caught between fork and exec")
        #expect(sampler.reading(of: [stat(100, state: "Z", rss: 0)], timeMs: 1) == nil, "exiting")
        #expect(sampler.reading(of: [], timeMs: 1) == nil)
    }

    @Test func zombiesKeepTheirCPUButNotTheirMemoryOrThreads() throws {
        let sampler = ProcessTreeSampler(root: 100)
        let sample = try #require(
            sampler.reading(of: [stat(100, state: "S", rss: 50), stat(101, state: "Z", rss: 7, ticks: 30)], timeMs: 5))
        #expect(sample.rssBytes == 50 * UInt64(sysconf(Int32(_SC_PAGESIZE))))
        #expect(sample.threads == 3)
        #expect(sample.cpuSeconds == 40 / Double(sysconf(Int32(_SC_CLK_TCK))))
        #expect(stat(1, state: "Z", rss: 0).hasExited && stat(1, state: "X", rss: 0).hasExited)
        #expect(!stat(1, state: "D", rss: 0).hasExited)
    }
}
