import Foundation

/// SplitMix64: a tiny deterministic generator, so every run tests the same values.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A latency spread evenly over the decades from 1 µs to 10 s, as real ones are.
    mutating func latency() -> UInt64 {
        UInt64(exp(Double.random(in: 0...log(10_000_000.0), using: &self)).rounded())
    }
}
