import Foundation
import SeededRandom

extension SeededGenerator {
    /// A latency spread evenly over the decades from 1 µs to 10 s, as real ones are.
    mutating func latency() -> UInt64 {
        UInt64(exp(Double.random(in: 0...log(10_000_000.0), using: &self)).rounded())
    }
}
