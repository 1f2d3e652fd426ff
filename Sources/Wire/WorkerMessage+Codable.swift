import Metrics

extension WorkerMessage {
    /// Each case's name on the wire.
    enum Tag: String, CodingKey, CaseIterable {
        case hello, serverReady, clientReady, marked, clientResult, serverResult, failed, progress, building
        case interval, serverSamples
    }

    /// The labelled fields of `hello`, `failed` and `building`.
    enum FieldKey: String, CodingKey {
        case version, pid, cores, reason, system
    }

    var tag: Tag {
        switch self {
        case .hello: return .hello
        case .serverReady: return .serverReady
        case .clientReady: return .clientReady
        case .marked: return .marked
        case .clientResult: return .clientResult
        case .serverResult: return .serverResult
        case .failed: return .failed
        case .progress: return .progress
        case .building: return .building
        case .interval: return .interval
        case .serverSamples: return .serverSamples
        }
    }

    public init(from decoder: any Decoder) throws {
        let tag = try ControlTagKey.tag(Tag.self, in: decoder, direction: Self.direction)
        let container = try decoder.container(keyedBy: Tag.self)
        do {
            switch tag {
            case .hello:
                let fields = try container.nestedContainer(keyedBy: FieldKey.self, forKey: tag)
                self = .hello(
                    version: try fields.decode(Int.self, forKey: .version), pid: try fields.decode(Int32.self, forKey: .pid),
                    cores: try FigureBounds.checked(fields.decodeIfPresent(Int.self, forKey: .cores) ?? 0, .cores, in: fields))
            case .serverReady: self = .serverReady(try container.decode(ServerReadyReport.self, forKey: tag))
            case .clientReady: self = .clientReady(try container.decode(ClientReadyReport.self, forKey: tag))
            case .marked: self = .marked(try container.decode(WindowMark.self, forKey: tag))
            case .clientResult: self = .clientResult(try container.decode(ClientNodeResult.self, forKey: tag))
            case .serverResult: self = .serverResult(try container.decode(ServerNodeResult.self, forKey: tag))
            case .failed:
                let fields = try container.nestedContainer(keyedBy: FieldKey.self, forKey: tag)
                self = .failed(reason: try fields.decode(String.self, forKey: .reason))
            case .progress: self = .progress(try container.decode(ProgressReport.self, forKey: tag))
            case .building:
                let fields = try container.nestedContainer(keyedBy: FieldKey.self, forKey: tag)
                self = .building(system: try fields.decode(String.self, forKey: .system))
            case .interval: self = .interval(try container.decode(ClientInterval.self, forKey: tag))
            case .serverSamples: self = .serverSamples(try container.decode([ResourceSample].self, forKey: tag))
            }
        } catch let error as DecodingError {
            throw ControlDecodeError.malformed(tag: tag.rawValue, reason: ControlCodec.describe(error))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Tag.self)
        switch self {
        case .hello(let version, let pid, let cores):
            var fields = container.nestedContainer(keyedBy: FieldKey.self, forKey: tag)
            try fields.encode(version, forKey: .version)
            try fields.encode(pid, forKey: .pid)
            try fields.encode(cores, forKey: .cores)
        case .serverReady(let report): try container.encode(report, forKey: tag)
        case .clientReady(let report): try container.encode(report, forKey: tag)
        case .marked(let edge): try container.encode(edge, forKey: tag)
        case .clientResult(let result): try container.encode(result, forKey: tag)
        case .serverResult(let result): try container.encode(result, forKey: tag)
        case .failed(let reason):
            var fields = container.nestedContainer(keyedBy: FieldKey.self, forKey: tag)
            try fields.encode(reason, forKey: .reason)
        case .progress(let report): try container.encode(report, forKey: tag)
        case .building(let system):
            var fields = container.nestedContainer(keyedBy: FieldKey.self, forKey: tag)
            try fields.encode(system, forKey: .system)
        case .interval(let interval): try container.encode(interval, forKey: tag)
        case .serverSamples(let samples): try container.encode(samples, forKey: tag)
        }
    }
}
