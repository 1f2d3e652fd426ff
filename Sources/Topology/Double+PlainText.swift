extension Double {
    /// `20000` rather than `20000.0` for whole numbers, `0.5` otherwise: how cell ids and
    /// messages write rates and CPU counts.
    var plainText: String {
        if let whole = Int(exactly: self) { return String(whole) }
        return String(self)
    }
}
