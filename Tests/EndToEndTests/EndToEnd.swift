import Testing

/// Every end-to-end suite runs inside this one, one test at a time: each test checks that no
/// Barrage process is left on the machine, which only works if no other test is running one.
@Suite(.serialized) enum EndToEnd {}
