/// Why a load generator could not be built.
public enum LoadError: Error, Equatable, CustomStringConvertible {
    /// A parameter is out of range; the text says which.
    case invalidParameter(String)

    /// A human-readable account of the problem.
    public var description: String {
        switch self {
        case .invalidParameter(let text): return "invalid load parameter: \(text)"
        }
    }
}
