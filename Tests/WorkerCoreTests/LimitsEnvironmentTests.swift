import Testing
import Topology

@testable import WorkerCore

/// What a recipe's `run` is told about its limits.
@Suite struct LimitsEnvironmentTests {
    @Test func limitsTellTheServer() {
        let limits = Limits(cpus: 0.5, memoryBytes: 512 << 20, cpuset: "0-1")
        #expect(
            limits.environment.map { "\($0.name)=\($0.value)" } == [
                "BARRAGE_CPUS=0.5", "BARRAGE_MEMORY_BYTES=536870912", "BARRAGE_CPUSET=0-1"
            ])
        #expect(Limits(cpus: 2).environment.map(\.value) == ["2"])
        #expect(Limits().environment.isEmpty)
    }
}
