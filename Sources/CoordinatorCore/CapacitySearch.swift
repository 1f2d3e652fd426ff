import Report
import Topology

/// The search for the highest open-loop rate that meets an SLO, as a pure state machine:
/// it says which trial to run next, the driver runs it and feeds back what it measured.
///
/// Trials grow ×2 from `start` until one misses, then bisect the bracket (highest met, lowest
/// missed) until it is narrower than `precision` of its lower end; then a confirm run of the
/// workload's `duration` at the lower end. A confirm that misses steps down by `precision`
/// and confirms again (at most `maximumConfirms` times). A trial where the generator could not
/// keep up says nothing about the server: it is run once more at the same rate (one stall of a
/// busy or virtualised host can make 1 % of a short trial's sends late), and when the re-run
/// is voided too the search stops there with a lower bound.
public struct CapacitySearch: Sendable {
    /// What the driver does next.
    public enum Action: Equatable, Sendable {
        /// A search trial of `search.trial` length at this rate.
        case trial(ratePerSecond: Double)
        /// A confirm run of the workload's `duration` at this rate.
        case confirm(ratePerSecond: Double)
        /// The search is over.
        case done(Result)
    }

    /// What a search found.
    public struct Result: Equatable, Sendable {
        /// The highest rate that met the SLO (0 when none did); a lower bound when `limitedByGenerator`.
        public var ratePerSecond: Double
        /// A confirm run at `ratePerSecond` met the SLO.
        public var confirmed: Bool
        /// The search stopped on a trial where the generator could not keep up.
        public var limitedByGenerator: Bool
        /// Why it ended where it did, in words; nil for a plain confirmed result.
        public var note: String?
        /// Every trial, confirm runs included, in run order.
        public var trials: [CapacityTrial]
    }

    /// What one trial measured, as the search needs it.
    public struct TrialOutcome: Equatable, Sendable {
        /// The SLO held.
        public var met: Bool
        /// The generator kept up: late sends < 1 % of sends and no client saturated.
        public var valid: Bool
        public var p99Microseconds: UInt64
        public var errors: UInt64
        /// Calls the generator actually sent per second (completed and failed).
        public var sentPerSecond: Double
        /// Sends the generator itself made late, and every send of the window: why a trial was voided.
        public var lateSends: UInt64
        public var sends: UInt64
        /// A client worker used ≥ 90 % of its threads' CPU.
        public var clientSaturated: Bool

        public init(
            met: Bool, valid: Bool, p99Microseconds: UInt64, errors: UInt64, sentPerSecond: Double,
            lateSends: UInt64 = 0, sends: UInt64 = 0, clientSaturated: Bool = false
        ) {
            self.met = met
            self.valid = valid
            self.p99Microseconds = p99Microseconds
            self.errors = errors
            self.sentPerSecond = sentPerSecond
            self.lateSends = lateSends
            self.sends = sends
            self.clientSaturated = clientSaturated
        }

        /// Judges a trial's merged figures: the SLO on its latency and errors, validity on the
        /// generator's late sends and saturation. A trial whose cell did not end ok never meets.
        /// Calls still outstanding at the window's close weigh against the latency bounds once
        /// the oldest is past them (`SLOVerdict.evaluate`): the percentiles do not hold them,
        /// and a server that never answers must not pass for a fast one.
        public init(_ cell: CellSummary, slo: SLO) {
            let verdict = SLOVerdict.evaluate(
                slo, latency: cell.latency, requests: cell.requests, errors: cell.errors,
                unfinished: cell.unfinished, unfinishedOldestUs: cell.unfinishedOldestUs)
            let sent = cell.requests + cell.errors
            self.init(
                met: verdict.isMet && cell.status == .ok,
                valid: !cell.generatorFellBehind && !cell.clients.saturated,
                p99Microseconds: cell.latency.p99, errors: cell.errors,
                sentPerSecond: cell.durationSeconds > 0 ? Double(sent) / cell.durationSeconds : 0,
                lateSends: cell.clients.lateSends, sends: sent, clientSaturated: cell.clients.saturated)
        }
    }

    private enum State: Sendable {
        case idle
        /// Trials doubling; `met` is the highest rate that met so far.
        case growing(met: Double?)
        /// The answer lies in [met, missed).
        case bisecting(met: Double, missed: Double)
        /// Confirming `rate`; `attempt` counts from 1.
        case confirming(rate: Double, attempt: Int)
        case done(Result)
    }

    /// A trial with this share of late sends or more is invalid (the comparison's `late` mark).
    public static let lateShareLimit = CellSummary.lateShareLimit
    /// Times a voided trial is run again at the same rate before the search calls the generator
    /// the limit.
    public static let rerunsOfAVoidedTrial = 1
    /// Confirm runs after the first, each a `precision` step lower, before giving up on confirming.
    public static let maximumConfirms = 3
    /// Below this share of `start` with nothing met, the search gives up: the SLO holds at no useful rate.
    static let floorShareOfStart = 1.0 / 64

    private let settings: SearchSettings
    private var state: State = .idle
    private var current = 0.0
    private var trials: [CapacityTrial] = []
    private var searchTrials = 0
    /// The highest rate a valid trial met: what a search cut short by the generator reports.
    private var bestMet: Double?
    /// Voided trials in a row at `current`.
    private var voidedInARow = 0

    /// A search with these settings; call `start()` for the first action.
    public init(settings: SearchSettings) {
        self.settings = settings
    }

    /// The trials so far, confirm runs included.
    public var trialsSoFar: [CapacityTrial] { trials }

    /// How many trials have been asked for, confirm runs included.
    public var trialNumber: Int { trials.count + (isWaiting ? 1 : 0) }

    private var isWaiting: Bool {
        switch state {
        case .idle, .done: return false
        default: return true
        }
    }

    /// The first trial, at `start`.
    public mutating func start() -> Action {
        guard case .idle = state else { return .trial(ratePerSecond: current) }
        state = .growing(met: nil)
        return trial(at: settings.startPerSecond)
    }

    /// Feeds the outcome of the trial last asked for; returns what to do next.
    public mutating func record(_ outcome: TrialOutcome) -> Action {
        var isConfirm = false
        if case .confirming = state { isConfirm = true }
        trials.append(
            CapacityTrial(
                ratePerSecond: current, p99Microseconds: outcome.p99Microseconds, errors: outcome.errors,
                met: outcome.met && outcome.valid, valid: outcome.valid, confirm: isConfirm,
                lateSends: outcome.lateSends))
        if outcome.met, outcome.valid { bestMet = max(bestMet ?? 0, current) }
        if outcome.valid {
            voidedInARow = 0
        } else if voidedInARow < Self.rerunsOfAVoidedTrial, isWaiting {
            // Says nothing about the server: the same trial again, not counted against the budget.
            voidedInARow += 1
            return isConfirm ? .confirm(ratePerSecond: current) : .trial(ratePerSecond: current)
        }
        switch state {
        case .idle, .done:
            return .done(result(rate: 0, confirmed: false, limited: false, note: nil))
        case .growing(let met):
            guard outcome.valid else { return limited(outcome) }
            if outcome.met {
                return next(met: current, missed: nil)
            }
            return next(met: met, missed: current)
        case .bisecting(let met, let missed):
            guard outcome.valid else { return limited(outcome) }
            return outcome.met ? next(met: current, missed: missed) : next(met: met > 0 ? met : nil, missed: current)
        case .confirming(let rate, let attempt):
            guard outcome.valid else { return limited(outcome) }
            if outcome.met {
                return finish(result(rate: rate, confirmed: true, limited: false, note: nil))
            }
            guard attempt <= Self.maximumConfirms else {
                return finish(
                    result(
                        rate: rate, confirmed: false, limited: false,
                        note: "no confirm run met the SLO; the last tried was \(Self.rateText(rate))/s"))
            }
            let lower = Self.rounded(rate * (1 - settings.precision))
            guard lower >= 1, lower < rate else {
                return finish(result(rate: 0, confirmed: false, limited: false, note: "no rate met the SLO in a confirm run"))
            }
            state = .confirming(rate: lower, attempt: attempt + 1)
            current = lower
            return .confirm(ratePerSecond: lower)
        }
    }

    /// After a valid trial: grow, bisect, or confirm.
    private mutating func next(met: Double?, missed: Double?) -> Action {
        guard let missed else {
            // Nothing missed yet: keep doubling, unless the trial budget is spent.
            guard searchTrials < SearchSettings.maximumTrials, let met else { return confirmOrGiveUp(met) }
            state = .growing(met: met)
            return trial(at: met * 2)
        }
        let low = met ?? 0
        let middle = Self.rounded((low + missed) / 2)
        let narrow = met != nil && missed - low <= settings.precision * low
        if narrow || middle <= low || middle >= missed || searchTrials >= SearchSettings.maximumTrials {
            return confirmOrGiveUp(met)
        }
        if met == nil, missed < settings.startPerSecond * Self.floorShareOfStart {
            return finish(
                result(
                    rate: 0, confirmed: false, limited: false,
                    note: "no rate down to \(Self.rateText(missed))/s met the SLO"))
        }
        state = .bisecting(met: low, missed: missed)
        return trial(at: middle)
    }

    private mutating func confirmOrGiveUp(_ met: Double?) -> Action {
        guard let met, met > 0 else {
            return finish(result(rate: 0, confirmed: false, limited: false, note: "no rate tried met the SLO"))
        }
        state = .confirming(rate: met, attempt: 1)
        current = met
        return .confirm(ratePerSecond: met)
    }

    /// A void trial ends the search. The note names what the void trial reached without
    /// contradicting the row, whose figures are the highest valid trial's that met the SLO
    /// (a void trial may reach less than that lower rate did: the generator falls further
    /// behind the more it is asked).
    private mutating func limited(_ outcome: TrialOutcome) -> Action {
        let reached =
            "the load generator drove only \(Self.rateText(outcome.sentPerSecond.rounded(.down)))/s of the "
            + "\(Self.rateText(current))/s trial (void)"
        let note: String
        if let bestMet, bestMet > 0 {
            note =
                reached + "; \(Self.rateText(bestMet))/s, the highest valid trial that met the SLO, is a lower bound: "
                + "add client threads or hosts"
        } else {
            note = reached + ", and no valid trial met the SLO: add client threads or hosts"
        }
        return finish(result(rate: bestMet ?? 0, confirmed: false, limited: true, note: note))
    }

    private mutating func trial(at rate: Double) -> Action {
        searchTrials += 1
        current = Self.rounded(rate)
        return .trial(ratePerSecond: current)
    }

    private mutating func finish(_ result: Result) -> Action {
        state = .done(result)
        return .done(result)
    }

    private func result(rate: Double, confirmed: Bool, limited: Bool, note: String?) -> Result {
        Result(ratePerSecond: rate, confirmed: confirmed, limitedByGenerator: limited, note: note, trials: trials)
    }

    /// Rates are whole requests per second, at least 1: finer steps are below any benchmark's noise.
    static func rounded(_ rate: Double) -> Double { max(1, rate.rounded()) }

    /// "24,000".
    public static func rateText(_ rate: Double) -> String {
        var digits = String(Int(rate.rounded()))
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits = String(digits.dropLast(3))
        }
        return digits + grouped
    }
}
