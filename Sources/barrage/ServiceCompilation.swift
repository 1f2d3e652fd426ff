import Foundation
import ProtoCompile
import ProtoSchema
import Topology

/// A topology's (or `barrage load`'s) `service`, made into what calls send: runs protoc on the
/// `.proto`, finds the method, and encodes every request once with protobuf's JSON mapping.
/// I/O (protoc, the request file), so it sits in the CLI beside `TopologyLoader`, before
/// anything starts; every problem comes back as `FILE:LINE:COLUMN` diagnostics.
enum ServiceCompilation {
    /// Lines of a `request_file`; more are a typo or the wrong file.
    static let maximumRequestLines = 100_000
    /// Encoded requests in all: they travel to every client worker in its setup.
    static let maximumRequestBytes = 8 << 20
    /// Client streaming sends this many messages per call when the topology says nothing.
    static let defaultClientStreamMessages = 10

    /// `spec` compiled. `file` names where its positions are (the topology file, or `--data`
    /// for the command line); `folder` is what its relative paths are relative to.
    static func compile(_ spec: ServiceSpec, file: String, folder: String) -> Result<ServiceCall, TopologyErrors> {
        func failure(_ message: String, at location: SourceLocation, in name: String = file) -> Result<
            ServiceCall, TopologyErrors
        > {
            .failure(TopologyErrors(diagnostics: [diagnostic(message, at: location, in: name)]))
        }
        let proto = resolve(spec.proto, in: folder)
        let descriptorSet: [UInt8]
        do {
            descriptorSet = try ProtoCompiler().compile(
                file: proto, importPaths: spec.importPaths.map { resolve($0, in: folder) })
        } catch {
            switch error {
            case .failed:
                return failure("\(spec.proto) does not compile; protoc says:\n\(error.description)", at: spec.protoLocation)
            case .unreadableFile:
                return failure("proto \(proto): no such file, or it cannot be read", at: spec.protoLocation)
            case .protocNotInstalled, .couldNotRun:
                return failure(error.description, at: spec.protoLocation)
            }
        }
        let schema: ProtoSchema
        let method: ProtoMethod
        do {
            schema = try ProtoSchema(descriptorSet: descriptorSet)
        } catch {
            return failure("\(spec.proto): \(error)", at: spec.protoLocation)
        }
        do {
            method = try schema.method(spec.method)
        } catch {
            return failure("\(error)", at: spec.methodLocation)
        }
        let perStream: Int
        switch (method.kind, spec.messagesPerStream) {
        case (.unary, .some), (.serverStreaming, .some):
            return failure(
                "messages_per_stream applies to client- and bidi-streaming methods; \(spec.method) is "
                    + (method.kind == .unary ? "unary" : "server-streaming"),
                at: spec.messagesPerStreamLocation ?? spec.methodLocation)
        case (.clientStreaming, let count): perStream = count ?? defaultClientStreamMessages
        case (.bidi, let count): perStream = count ?? 0
        case (.unary, nil), (.serverStreaming, nil): perStream = 0
        }
        let encoded: [[UInt8]]
        switch spec.requests {
        case .inline(let values):
            var bodies: [[UInt8]] = []
            var problems: [TopologyDiagnostic] = []
            for (index, value) in values.enumerated() {
                do {
                    bodies.append(try schema.encode(value, as: method.inputType))
                } catch {
                    let which = values.count > 1 ? "request \(index + 1) " : "request "
                    problems.append(
                        diagnostic("\(which)does not fit \(method.inputType): \(error)", at: error.location, in: file))
                }
            }
            guard problems.isEmpty else { return .failure(TopologyErrors(diagnostics: problems)) }
            encoded = bodies
        case .file(let name):
            switch requestFile(resolve(name, in: folder), shownAs: name, schema: schema, type: method.inputType) {
            case .success(let bodies):
                guard !bodies.isEmpty else {
                    return failure("request_file \(name) holds no request (one JSON message a line)", at: spec.requestsLocation)
                }
                encoded = bodies
            case .failure(.unreadable):
                return failure("request_file \(name): no such file, or it cannot be read", at: spec.requestsLocation)
            case .failure(.tooLong):
                return failure(
                    "request_file \(name) has more than \(maximumRequestLines) lines", at: spec.requestsLocation)
            case .failure(.problems(let problems)):
                return .failure(TopologyErrors(diagnostics: problems))
            }
        }
        guard encoded.reduce(0, { $0 + $1.count }) <= maximumRequestBytes else {
            return failure(
                "the requests encode to more than \(maximumRequestBytes >> 20) MiB; every client worker carries them all",
                at: spec.requestsLocation)
        }
        return .success(ServiceCall(path: method.path, kind: method.kind, requests: encoded, messagesPerStream: perStream))
    }

    /// Why a request file gave no requests.
    enum RequestFileFailure: Error {
        case unreadable, tooLong
        case problems([TopologyDiagnostic])
    }

    /// Every non-blank line of `path` parsed as JSON and encoded; problems at the file's own
    /// LINE:COLUMN (`shownAs` names it as the topology wrote it).
    static func requestFile(
        _ path: String, shownAs name: String, schema: ProtoSchema, type: String
    ) -> Result<[[UInt8]], RequestFileFailure> {
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(.unreadable) }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count <= maximumRequestLines + 1 else { return .failure(.tooLong) }
        var bodies: [[UInt8]] = []
        var problems: [TopologyDiagnostic] = []
        for (index, line) in lines.enumerated() where !line.allSatisfy(\.isWhitespace) {
            let lineNumber = index + 1
            func at(_ location: SourceLocation) -> SourceLocation {
                SourceLocation(line: lineNumber + location.line - 1, column: location.column)
            }
            do {
                let value = try ProtoJSONText.parse(String(line))
                do {
                    bodies.append(try schema.encode(value, as: type))
                } catch {
                    problems.append(diagnostic("request does not fit \(type): \(error)", at: at(error.location), in: name))
                }
            } catch let error as ProtoJSONSyntaxError {
                problems.append(diagnostic("not JSON: \(error.message)", at: at(error.location), in: name))
            } catch {
                problems.append(diagnostic("not JSON: \(error)", at: at(SourceLocation(line: 1, column: 1)), in: name))
            }
            if problems.count >= 20 { break }
        }
        return problems.isEmpty ? .success(bodies) : .failure(.problems(problems))
    }

    static func diagnostic(_ message: String, at location: SourceLocation, in file: String) -> TopologyDiagnostic {
        TopologyDiagnostic(file: file, line: location.line, column: location.column, message: message)
    }

    /// `path` relative to `folder` unless absolute.
    static func resolve(_ path: String, in folder: String) -> String {
        path.hasPrefix("/") ? path : (folder as NSString).appendingPathComponent(path)
    }
}
