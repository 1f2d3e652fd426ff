/// The outcome of reading a number-like scalar: kept apart from range checks so the validator
/// words every "too big"/"too small" message the same way.
enum QuantityParse<Value> {
    /// The text is well formed.
    case value(Value)
    /// Well formed but too large to represent (e.g. 99999999999999999999999): reported as out of range.
    case tooLarge
    /// Not the expected shape; the string says what shape was expected.
    case invalid(String)
}
