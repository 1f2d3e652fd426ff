import Testing
import Wire

/// How a process ended, in the words failure messages quote.
@Suite struct ExitStatusTests {
    @Test func aSignalWinsOverTheStatusAndIsNamed() {
        #expect(ExitStatus(exitStatus: 0, termSignal: 9) == .signaled(9))
        #expect(ExitStatus(exitStatus: 3, termSignal: 0) == .exited(3))
        #expect("\(ExitStatus.signaled(9))" == "was killed by signal 9 (SIGKILL)")
        #expect("\(ExitStatus.signaled(64))" == "was killed by signal 64")
        #expect("\(ExitStatus.exited(3))" == "exited with status 3")
        #expect(ExitStatus.exited(0).isSuccess)
        #expect(!ExitStatus.exited(1).isSuccess && !ExitStatus.signaled(15).isSuccess)
    }
}
