import Metrics
import UV
import Wire

/// One client worker's load against a server that is already running, without a
/// coordinator: connect, warm up, measure, report. Serves `barrage load` (and `make bench`,
/// which runs it side by side with h2load against the same server).
public enum StandaloneLoad {
    /// Why a standalone run could not produce a result.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `setup` for `warmupMs` then `durationMs`; the measured window's result.
    public static func run(setup: ClientSetup, warmupMs: UInt64, durationMs: UInt64) throws -> ClientNodeResult {
        ignoreSIGPIPE()
        _ = ResourceLimits.raiseOpenFilesToHardLimit()
        let loop = try Loop()
        let runner = try ClientRunner(loop: loop, setup: setup)
        let timer = try Timer(loop: loop)
        var outcome: Result<ClientNodeResult, Failure>?
        let finish = { (result: Result<ClientNodeResult, Failure>) in
            guard outcome == nil else { return }
            outcome = result
            timer.close()
            runner.shutDown()
            loop.stop()
        }
        runner.connect(
            ready: { report in
                if !report.connectFailures.isEmpty {
                    let reasons = LoadSummaryText.reasons(report.connectFailures, connectTimeoutMs: setup.connectTimeoutMs)
                    StandardError.write("barrage load: \(report.connectionsEstablished) connections up; failed: \(reasons)\n")
                }
                runner.start(progress: { _ in }, interval: { _ in })
                try? timer.start(after: warmupMs) {
                    runner.mark(.open) {
                        try? timer.start(after: durationMs) {
                            runner.mark(.close) {
                                runner.stop { result in finish(.success(result)) }
                            }
                        }
                    }
                }
            }, failed: { reason in finish(.failure(Failure(description: reason))) })
        loop.run()
        loop.closeAll()
        switch outcome {
        case .success(let result): return result
        case .failure(let failure): throw failure
        case nil: throw Failure(description: "the load loop ended without a result")
        }
    }
}
