import Testing
import UV

@Suite struct ResourceLimitsTests {
    @Test func raisesTheSoftOpenFilesLimitToTheHardLimit() {
        let limits = ResourceLimits.raiseOpenFilesToHardLimit()
        #expect(limits.soft > 0)
        #expect(limits.soft <= limits.hard)
        #expect(limits.soft == limits.hard || limits.hard == UInt64.max)
    }
}
