/// An enum type: its value names and whether numbers it does not name are refused.
struct EnumLayout: Sendable {
    let fullName: String
    /// Declaration order, for the list an error shows.
    let names: [String]
    let numberByName: [String: Int32]
    let knownNumbers: Set<Int32>
    /// proto2 enums are closed: a number outside the declared values does not fit.
    let closed: Bool
}
