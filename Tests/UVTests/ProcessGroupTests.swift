import Glibc
import Testing
import UV

/// A group id of 0 or 1 must never turn into `kill(0)` (this process's group) or `kill(-1)`
/// (every process the user may signal).
struct ProcessGroupTests {
    @Test func groupsZeroAndOneAndNegativeIdsAreNeverSignalled() {
        // Signal 0 only checks; were the guard missing, these calls would still succeed.
        #expect(!ProcessGroup.signal(0, 0))
        #expect(!ProcessGroup.signal(1, 0))
        #expect(!ProcessGroup.signal(-7, 0))
    }

    @Test(.enabled(if: getpgrp() > 1, "this test runs in group 0 or 1")) func aRealGroupIsSignalled() {
        #expect(ProcessGroup.signal(getpgrp(), 0), "this test's own group exists")
    }
}
