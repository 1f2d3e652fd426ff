import Glibc

/// SIGINT and SIGTERM while the coordinator prepares hosts, before its run loop watches for
/// them. Dying there would leave an ssh master connection behind (`ControlPersist`) and
/// perhaps a copy half-written; instead the signal is remembered, the command in flight is
/// stopped (`CommandRunner`'s `stopWhen`), and preparation ends with `Deployer.Stopped`.
public enum PreparationInterrupt {
    /// Starts catching SIGINT and SIGTERM. The run loop's own watchers replace this handler
    /// when it starts, and look at `caught` then, so a signal in between is not lost.
    public static func catchSignals() {
        signal(SIGINT, recordSignal)
        signal(SIGTERM, recordSignal)
    }

    /// The signal caught since `catchSignals`, if any.
    public static var caught: Int32? {
        caughtSignal == 0 ? nil : caughtSignal
    }

    /// The caught signal as messages name it ("SIGINT (Ctrl-C)"), if one was caught.
    public static var caughtName: String? {
        caught.map(describe)
    }

    /// Whether a signal was caught (the `stopWhen` of preparation's commands).
    public static func isCaught() -> Bool { caughtSignal != 0 }

    /// How the coordinator names `signal` in its messages.
    public static func describe(_ signal: Int32) -> String {
        signal == SIGINT ? "SIGINT (Ctrl-C)" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)"
    }
}

// Written only by the handler, read by the main thread: one aligned 32-bit store, the
// `volatile sig_atomic_t` of C. Statically initialised, so the handler never runs an
// initialiser.
nonisolated(unsafe) private var caughtSignal: Int32 = 0

private func recordSignal(_ signum: Int32) {
    caughtSignal = signum
}
