import Report
import Testing
import Topology

@testable import CoordinatorCore

/// A server that meets the SLO below `capacity` and misses at or above it; a generator that
/// cannot send more than `generatorLimit`, and whose first trial at each rate in `hiccups` is
/// voided (one stall of the host).
private final class FakeServer {
    var capacity: Double
    var generatorLimit: Double
    var hiccups: Set<Double>

    init(capacity: Double, generatorLimit: Double = .infinity, hiccups: Set<Double> = []) {
        self.capacity = capacity
        self.generatorLimit = generatorLimit
        self.hiccups = hiccups
    }

    func outcome(at rate: Double) -> CapacitySearch.TrialOutcome {
        let hiccup = hiccups.remove(rate) != nil
        let valid = rate <= generatorLimit && !hiccup
        let sent = min(rate, generatorLimit)
        return CapacitySearch.TrialOutcome(
            met: rate < capacity, valid: valid,
            p99Microseconds: rate < capacity ? 2_000 : 900_000, errors: 0, sentPerSecond: sent)
    }
}

/// Runs a search to its end against `server`; returns the rates asked for and the result.
private func run(
    _ settings: SearchSettings, against server: FakeServer,
    confirmMisses: Int = 0
) -> (actions: [CapacitySearch.Action], result: CapacitySearch.Result?) {
    var search = CapacitySearch(settings: settings)
    var actions = [search.start()]
    var confirmsLeftToMiss = confirmMisses
    while actions.count < 100 {
        switch actions.last! {
        case .trial(let rate):
            actions.append(search.record(server.outcome(at: rate)))
        case .confirm(let rate):
            var outcome = server.outcome(at: rate)
            if confirmsLeftToMiss > 0 {
                // A longer run sees what a short trial did not: this one misses.
                confirmsLeftToMiss -= 1
                outcome.met = false
            }
            actions.append(search.record(outcome))
        case .done(let result):
            return (actions, result)
        }
    }
    return (actions, nil)
}

@Suite struct CapacitySearchTests {
    @Test func growsThenBisectsThenConfirmsWithinPrecision() throws {
        let settings = SearchSettings(startPerSecond: 1_000, trialMilliseconds: 5_000, precision: 0.05)
        let (actions, found) = run(settings, against: FakeServer(capacity: 23_500))
        let result = try #require(found)
        let rates = actions.compactMap { action -> Double? in
            if case .trial(let rate) = action { return rate }
            return nil
        }
        // Doubling up to the first miss, then halving the bracket.
        #expect(Array(rates.prefix(6)) == [1_000, 2_000, 4_000, 8_000, 16_000, 32_000])
        #expect(rates[6] == 24_000)
        #expect(rates[7] == 20_000)
        #expect(result.confirmed)
        #expect(!result.limitedByGenerator)
        #expect(result.ratePerSecond < 23_500)
        #expect(result.ratePerSecond >= 23_500 * 0.95)
        #expect(result.note == nil)
        #expect(result.trials.count == rates.count + 1)
        #expect(result.trials.last?.confirm == true)
        #expect(result.trials.last?.ratePerSecond == result.ratePerSecond)
        if case .confirm(let rate) = actions[actions.count - 2] {
            #expect(rate == result.ratePerSecond)
        } else {
            Issue.record("the last action before done must be the confirm run")
        }
    }

    @Test(arguments: [150.0, 999.0, 1_000.0, 1_001.0, 7_777.0, 250_000.0])
    func convergesWithinPrecisionForAnyCapacity(capacity: Double) throws {
        let settings = SearchSettings(startPerSecond: 1_000, trialMilliseconds: 1_000, precision: 0.05)
        let result = try #require(run(settings, against: FakeServer(capacity: capacity)).result)
        #expect(result.confirmed)
        #expect(result.ratePerSecond < capacity)
        // Precision of the bracket, plus a rate unit of rounding.
        #expect(result.ratePerSecond >= capacity * 0.95 - 1, "found \(result.ratePerSecond) for \(capacity)")
        #expect(result.trials.count <= SearchSettings.maximumTrials + 1)
    }

    @Test func anInvalidTrialStopsTheSearchWithALowerBound() throws {
        let settings = SearchSettings(startPerSecond: 1_000, trialMilliseconds: 5_000, precision: 0.05)
        let (actions, found) = run(settings, against: FakeServer(capacity: 50_000, generatorLimit: 6_000))
        let result = try #require(found)
        // 1k, 2k, 4k met; 8k could not be driven, nor could it when run again.
        #expect(actions.count == 6)
        #expect(actions[4] == .trial(ratePerSecond: 8_000))
        #expect(result.limitedByGenerator)
        #expect(!result.confirmed)
        #expect(result.ratePerSecond == 4_000)
        #expect(
            result.note
                == "the load generator drove only 6,000/s of the 8,000/s trial (void); 4,000/s, the highest valid trial "
                + "that met the SLO, is a lower bound: add client threads or hosts")
        #expect(result.trials.map(\.valid) == [true, true, true, false, false])
        #expect(result.trials.map(\.ratePerSecond) == [1_000, 2_000, 4_000, 8_000, 8_000])
        #expect(result.trials.last?.met == false)
    }

    @Test func aTrialVoidedOnceRunsAgainAndTheSearchGoesOn() throws {
        let settings = SearchSettings(startPerSecond: 400, trialMilliseconds: 4_000, precision: 0.05)
        let steady = try #require(run(settings, against: FakeServer(capacity: 1_000)).result)
        // The 800/s trial and the confirm run each hit one stall of the host.
        let (actions, found) = run(settings, against: FakeServer(capacity: 1_000, hiccups: [800, steady.ratePerSecond]))
        let result = try #require(found)
        #expect(!result.limitedByGenerator)
        #expect(result.confirmed)
        #expect(result.ratePerSecond == steady.ratePerSecond)
        #expect(result.trials.count == steady.trials.count + 2)
        #expect(result.trials.filter { !$0.valid }.map(\.ratePerSecond) == [800, steady.ratePerSecond])
        #expect(Array(actions.prefix(3)) == [.trial(ratePerSecond: 400), .trial(ratePerSecond: 800), .trial(ratePerSecond: 800)])
        // Re-runs are not counted against the trial budget: the same rates as without stalls.
        let asked = { (list: [CapacitySearch.Action]) in
            Set(
                list.compactMap { action -> Double? in
                    if case .trial(let rate) = action { return rate }
                    return nil
                })
        }
        #expect(asked(actions) == asked(run(settings, against: FakeServer(capacity: 1_000)).actions))
    }

    @Test func lateSendsOrSaturationMakeATrialInvalid() {
        let slo = SLO(bounds: [.latency(.p99, maximumMicroseconds: 50_000)])
        var cell = CellSummaryFixture.cell(requests: 10_000, p99: 1_000, lateSends: 100)
        #expect(CapacitySearch.TrialOutcome(cell, slo: slo).valid == false)
        #expect(CapacitySearch.TrialOutcome(cell, slo: slo).lateSends == 100)
        #expect(CapacitySearch.TrialOutcome(cell, slo: slo).sends == 10_000)
        cell = CellSummaryFixture.cell(requests: 10_000, p99: 1_000, lateSends: 99)
        #expect(CapacitySearch.TrialOutcome(cell, slo: slo).valid == true)
        #expect(CapacitySearch.TrialOutcome(cell, slo: slo).met == true)
        #expect(CapacitySearch.TrialOutcome(cell, slo: slo).sentPerSecond == 2_000)
        cell.clients.saturated = true
        #expect(CapacitySearch.TrialOutcome(cell, slo: slo).valid == false)
        cell = CellSummaryFixture.cell(requests: 10_000, p99: 60_000, lateSends: 0)
        #expect(CapacitySearch.TrialOutcome(cell, slo: slo).met == false)
        cell.status = .failed
        cell.latency.p99 = 1_000
        #expect(CapacitySearch.TrialOutcome(cell, slo: slo).met == false)
    }

    @Test func aMissedConfirmStepsDownAndConfirmsAgain() throws {
        let settings = SearchSettings(startPerSecond: 1_000, trialMilliseconds: 5_000, precision: 0.1)
        let (actions, found) = run(settings, against: FakeServer(capacity: 3_000), confirmMisses: 1)
        let result = try #require(found)
        let confirms = actions.compactMap { action -> Double? in
            if case .confirm(let rate) = action { return rate }
            return nil
        }
        #expect(confirms.count == 2)
        #expect(confirms[1] == (confirms[0] * 0.9).rounded())
        #expect(result.confirmed)
        #expect(result.ratePerSecond == confirms[1])
    }

    @Test func nothingMeetingTheSLOEndsWithZero() throws {
        let settings = SearchSettings(startPerSecond: 1_000, trialMilliseconds: 5_000, precision: 0.05)
        let result = try #require(run(settings, against: FakeServer(capacity: 0)).result)
        #expect(result.ratePerSecond == 0)
        #expect(!result.confirmed)
        #expect(result.note?.hasPrefix("no rate down to ") == true)
        #expect(result.trials.allSatisfy { !$0.met })
        #expect(result.trials.count < 12)
    }
}
