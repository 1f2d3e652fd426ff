/// What the process layer could not do, in words.
struct ServerLayerError: Error, CustomStringConvertible {
    var description: String
}
