/// One open-loop trial of a capacity search: an element of a capacity entry's `trials`.
public struct CapacityTrial: Codable, Sendable, Equatable {
    /// The rate offered, requests per second in total.
    public var ratePerSecond: Double
    /// Its p99 latency, µs (from the schedule, as every open-loop latency).
    public var p99Microseconds: UInt64
    /// Failed calls in the trial's window.
    public var errors: UInt64
    /// The SLO held.
    public var met: Bool
    /// The generator kept up (late sends < 1 % and no client saturated): only a valid trial says
    /// anything about the server.
    public var valid: Bool
    /// True for the confirm runs (of `duration`), false for the search's own trials.
    public var confirm: Bool
    /// Sends the generator itself made ≥ 1 ms late: with 1 % of the trial's sends or more, the
    /// trial is not valid.
    public var lateSends: UInt64

    /// Creates a trial record.
    public init(
        ratePerSecond: Double, p99Microseconds: UInt64, errors: UInt64, met: Bool, valid: Bool, confirm: Bool = false,
        lateSends: UInt64 = 0
    ) {
        self.ratePerSecond = ratePerSecond
        self.p99Microseconds = p99Microseconds
        self.errors = errors
        self.met = met
        self.valid = valid
        self.confirm = confirm
        self.lateSends = lateSends
    }

    enum CodingKeys: String, CodingKey {
        case errors, met, valid, confirm
        case ratePerSecond = "rate_per_second"
        case p99Microseconds = "p99_us"
        case lateSends = "late_sends"
    }

    /// Decodes a trial; `confirm` may be missing.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        ratePerSecond = try container.decode(Double.self, forKey: .ratePerSecond)
        p99Microseconds = try container.decode(UInt64.self, forKey: .p99Microseconds)
        errors = try container.decode(UInt64.self, forKey: .errors)
        met = try container.decode(Bool.self, forKey: .met)
        valid = try container.decode(Bool.self, forKey: .valid)
        confirm = try container.decodeIfPresent(Bool.self, forKey: .confirm) ?? false
        lateSends = try container.decodeIfPresent(UInt64.self, forKey: .lateSends) ?? 0
    }
}
