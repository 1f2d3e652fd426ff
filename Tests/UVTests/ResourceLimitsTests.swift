import Glibc
import Testing
import UV

@Suite struct ResourceLimitsTests {
    /// Lowers the soft limit first, so that the test fails when nothing raises it (under CI the
    /// soft limit may already equal the hard one), and puts the original back afterwards.
    @Test func raisesTheSoftOpenFilesLimitToTheHardLimit() throws {
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        var original = rlimit()
        try #require(getrlimit(resource, &original) == 0)
        defer { _ = setrlimit(resource, &original) }
        try #require(original.rlim_max > 256, "the hard limit (\(original.rlim_max)) leaves nothing to raise")
        var lowered = original
        lowered.rlim_cur = 256
        try #require(setrlimit(resource, &lowered) == 0)

        let limits = ResourceLimits.raiseOpenFilesToHardLimit()

        var now = rlimit()
        try #require(getrlimit(resource, &now) == 0)
        #expect(limits.soft == UInt64(now.rlim_cur), "it reports the limit in effect")
        #expect(limits.hard == UInt64(original.rlim_max))
        if original.rlim_max == rlim_t.max {
            // Unlimited hard limit: a large finite soft limit (the kernel caps descriptors at nr_open).
            #expect(limits.soft > 256)
        } else {
            #expect(limits.soft == limits.hard)
        }
    }
}
