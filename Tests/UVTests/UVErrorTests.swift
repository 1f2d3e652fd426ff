import CUV
import Testing
import UV

@Suite struct UVErrorTests {
    @Test func describesOperationNameAndMessage() {
        let error = UVError(code: UV_ECONNREFUSED.rawValue, operation: "uv_tcp_connect")
        #expect(error.name == "ECONNREFUSED")
        #expect(error.description == "uv_tcp_connect: ECONNREFUSED (connection refused)")
    }

    @Test func uvCheckPassesResultsThroughAndThrowsNegatives() throws {
        #expect(try uvCheck("write", 42) == 42)
        #expect(throws: UVError(code: UV_ENOENT.rawValue, operation: "open")) {
            try uvCheck("open", UV_ENOENT.rawValue)
        }
    }
}
