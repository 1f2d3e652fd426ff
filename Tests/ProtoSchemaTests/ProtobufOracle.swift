import Foundation
import Testing

@testable import ProtoSchema

/// The test protos compiled by the real protoc, and protobuf's own JSON mapping (python3-protobuf)
/// run over the same descriptor sets: the bytes every encoding test must equal.
enum ProtobufOracle {
    static let testsFolder: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let protosFolder = testsFolder.appendingPathComponent("protos")

    /// Debian's python3 is the one python3-protobuf installs into; a pyenv or venv python3
    /// first on PATH usually lacks it.
    static let python: String = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"

    /// What one run of a program printed.
    struct Output {
        let status: Int32
        let stdout: Data
        let stderr: String
    }

    static func run(_ arguments: [String], stdin: Data = Data()) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Both pipes drain on their own threads, so a large answer cannot block the child.
        nonisolated(unsafe) var stdout = Data(), stderr = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { stdout = output.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { stderr = errors.fileHandleForReading.readDataToEndOfFile() }
        input.fileHandleForWriting.write(stdin)
        try input.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: stdout, stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// `protoc --include_imports --descriptor_set_out` of one test proto: the descriptor set's
    /// bytes (the file protoc wrote is removed).
    static func compile(_ file: String, withoutImports: Bool = false) throws -> [UInt8] {
        let out = temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let imports = withoutImports ? [] : ["--include_imports"]
        let result = try run(["protoc"] + imports + ["--descriptor_set_out=\(out)", "-I", protosFolder.path, file])
        guard result.status == 0 else { throw OracleFailure(message: "protoc \(file) failed: \(result.stderr)") }
        return Array(try Data(contentsOf: URL(fileURLWithPath: out)))
    }

    static func temporaryFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("protoschema-\(UUID().uuidString).pb").path
    }

    struct OracleFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// protobuf's answer for each case: the hex of its bytes, or its error.
    static func expected(_ cases: [EncodingCase], descriptorSet: [UInt8]) throws -> [String: Result<String, OracleFailure>] {
        let path = temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(descriptorSet).write(to: URL(fileURLWithPath: path))
        let request = try JSONSerialization.data(withJSONObject: cases.map { ["type": $0.type, "json": $0.json] })
        let script = testsFolder.appendingPathComponent("oracle/protobuf_encode.py").path
        let result = try run([python, script, path], stdin: request)
        guard result.status == 0 else {
            throw OracleFailure(
                message: "\(python) \(script) failed (is python3-protobuf installed? `make deps`): \(result.stderr)")
        }
        let answers = try JSONSerialization.jsonObject(with: result.stdout) as? [[String: String]] ?? []
        var byName: [String: Result<String, OracleFailure>] = [:]
        for (testCase, answer) in zip(cases, answers) {
            if let hex = answer["hex"] {
                byName[testCase.name] = .success(hex)
            } else {
                byName[testCase.name] = .failure(OracleFailure(message: answer["error"] ?? "no answer"))
            }
        }
        return byName
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}

/// One JSON request and the message type it is encoded as.
struct EncodingCase: Sendable, CustomTestStringConvertible {
    let name: String
    let type: String
    let json: String

    var testDescription: String { name }
}
