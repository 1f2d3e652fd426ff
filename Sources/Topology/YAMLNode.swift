/// The composed YAML tree the validator walks. It is never deeper than `YAMLComposer.maximumDepth`,
/// so recursive code over it (and its deallocation) cannot exhaust the stack.
enum YAMLNode: Sendable, Equatable {
    case scalar(YAMLScalar)
    case mapping(YAMLMapping)
    case sequence(YAMLSequence)
    /// Stands in for something already reported (an alias); the validator skips it silently
    /// so one mistake does not produce a cascade of follow-on errors.
    case invalid(SourceMark)

    var mark: SourceMark {
        switch self {
        case .scalar(let scalar): return scalar.mark
        case .mapping(let mapping): return mapping.mark
        case .sequence(let sequence): return sequence.mark
        case .invalid(let mark): return mark
        }
    }

    /// How the node reads in messages such as "expected a mapping, found a list".
    var kindDescription: String {
        switch self {
        case .scalar(let scalar): return scalar.isNull ? "nothing" : "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .invalid: return "an invalid value"
        }
    }

    var isInvalid: Bool {
        if case .invalid = self { return true }
        return false
    }

    var isNull: Bool {
        if case .scalar(let scalar) = self { return scalar.isNull }
        return false
    }
}
