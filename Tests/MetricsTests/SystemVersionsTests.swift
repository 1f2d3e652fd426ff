import Metrics
import Testing

/// `$BARRAGE_BUILD_DIR/versions.txt`: one `name version` a line, as the recipes write it.
@Suite struct SystemVersionsTests {
    @Test func grpcGosFileReadsAsTheContractShowsIt() {
        // What Containers/grpc-go/build writes (`go version` prints "go1.19.8").
        let text = """
            grpc-go 1.33.3
            protobuf-go 1.28.1
            go go1.19.8
            protoc 3.21.12
            protoc-gen-go v1.28.1
            protoc-gen-go-grpc 1.0.1

            """
        #expect(
            SystemVersions.parse(versionsFile: text) == [
                "grpc-go": "1.33.3", "protobuf-go": "1.28.1", "go": "1.19.8", "protoc": "3.21.12",
                "protoc-gen-go": "1.28.1", "protoc-gen-go-grpc": "1.0.1"
            ])
    }

    @Test func blankLinesCommentsAndLinesWithoutAVersionAreSkipped() {
        let text = "# built 2026-12-01\n\n  grpcio   1.59.0  \nlonely\r\nPython 3.11.2\ngrpcio 9.9\n"
        #expect(SystemVersions.parse(versionsFile: text) == ["grpcio": "1.59.0", "Python": "3.11.2"])
    }

    @Test func theRestOfTheLineIsTheVersion() {
        // A version with words stays whole; a name that merely starts the version does not eat it.
        let text = "openjdk 17.0.9 2023-10-17\ngo gopher\n"
        #expect(SystemVersions.parse(versionsFile: text) == ["openjdk": "17.0.9 2023-10-17", "go": "gopher"])
    }

    @Test func systemsAreListedOnceInTopologyOrder() {
        let go = SystemVersions(name: "grpc-go", container: "grpc-go", versions: ["grpc-go": "1.33.3"])
        let builtin = SystemVersions(name: "builtin", container: "builtin", versions: ["barrage": "0.1.0"])
        let later = SystemVersions(name: "grpc-go", container: "grpc-go", versions: ["grpc-go": "2"])
        let merged = SystemVersions.merged([go], adding: [builtin, later], order: ["builtin", "grpc-go"])
        #expect(merged == [builtin, go])
    }
}
