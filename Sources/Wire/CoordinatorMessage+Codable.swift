import Metrics

extension CoordinatorMessage {
    /// Each case's name on the wire.
    enum Tag: String, CodingKey, CaseIterable {
        case setupServer, setupClient, start, mark, stop, heartbeat
    }

    var tag: Tag {
        switch self {
        case .setupServer: return .setupServer
        case .setupClient: return .setupClient
        case .start: return .start
        case .mark: return .mark
        case .stop: return .stop
        case .heartbeat: return .heartbeat
        }
    }

    public init(from decoder: any Decoder) throws {
        let tag = try ControlTagKey.tag(Tag.self, in: decoder, direction: Self.direction)
        let container = try decoder.container(keyedBy: Tag.self)
        do {
            switch tag {
            case .setupServer: self = .setupServer(try container.decode(ServerSetup.self, forKey: tag))
            case .setupClient: self = .setupClient(try container.decode(ClientSetup.self, forKey: tag))
            case .start: self = .start
            case .mark: self = .mark(try container.decode(WindowMark.self, forKey: tag))
            case .stop: self = .stop
            case .heartbeat: self = .heartbeat
            }
        } catch let error as DecodingError {
            throw ControlDecodeError.malformed(tag: tag.rawValue, reason: ControlCodec.describe(error))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Tag.self)
        switch self {
        case .setupServer(let setup): try container.encode(setup, forKey: tag)
        case .setupClient(let setup): try container.encode(setup, forKey: tag)
        case .mark(let edge): try container.encode(edge, forKey: tag)
        case .start, .stop, .heartbeat: try container.encode(EmptyPayload(), forKey: tag)
        }
    }
}
