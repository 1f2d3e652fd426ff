import CoordinatorCore
import Glibc
import Launch
import UV

/// The one owner of the coordinator's shutdown, from the first ssh to the last file.
///
/// It holds the timeout table (`ShutdownTimeouts`) and the signal state (`ShutdownState`), and
/// carries out every stop in one place:
/// - SIGINT and SIGTERM: while hosts are prepared (no loop yet) they are remembered and stop the
///   ssh command in flight; on the run's loop, the first stops the cell in order, a second kills
///   now (the driver is told which).
/// - At the loop's end (`endLoop`): the signal watchers, then the `--metrics` server, then the
///   progress line, in that order, each registered by the driver that made it.
/// - At the very end (`finish`): every ssh master connection (`masterExitMs` each), the socket
///   folder, and the ssh-reaper.
/// The cell's own kill scope (which workers and process groups die) stays the cell's decision
/// (`CellDirector`), carried out by `RunDriver`; the graceful and kill waits it uses come from
/// this table.
public final class RunShutdown {
    /// The timeouts every stop uses.
    public let timeouts: ShutdownTimeouts
    /// How far the shutdown has gone.
    public private(set) var state: ShutdownState = .running
    private var masters: SSHMasters?
    private var sshHosts: [SSHCommand] = []
    private var sshExecutable = "ssh"
    private var watchers: [Signal] = []
    /// What the driver does on the first signal, and on every later one.
    private var onStop: (String) -> Void = { _ in }
    private var onKillNow: () -> Void = {}
    /// What `endLoop` closes, in the order registered.
    private var loopParts: [() -> Void] = []

    /// An owner using `timeouts`.
    public init(timeouts: ShutdownTimeouts = .standard) {
        self.timeouts = timeouts
    }

    // MARK: - Before the loop

    /// From now on SIGINT and SIGTERM are remembered instead of killing the process, until the
    /// loop's watchers take over (`watchSignals`), so that preparation can stop cleanly.
    public func catchSignalsWhilePreparing() {
        PreparationInterrupt.catchSignals()
    }

    /// Whether a signal came while preparing (the `stopWhen` of preparation's commands).
    public func preparationInterrupted() -> Bool {
        PreparationInterrupt.isCaught()
    }

    /// The signal that came while preparing, as messages name it.
    public var preparationSignal: String? {
        PreparationInterrupt.caughtName
    }

    /// Takes over the ssh master connections of the prepared `hosts`: `finish` closes them.
    public func adopt(_ masters: SSHMasters?, hosts: [String: RemoteHost], sshExecutable: String = "ssh") {
        self.masters = masters
        sshHosts = hosts.keys.sorted().compactMap { hosts[$0]?.ssh }
        self.sshExecutable = sshExecutable
    }

    // MARK: - On the loop

    /// Watches SIGINT and SIGTERM on `loop`: `stop` gets the reason of the first one, `killNow`
    /// runs on each one after it. A signal caught while preparing counts as the first.
    func watchSignals(on loop: Loop, stop: @escaping (String) -> Void, killNow: @escaping () -> Void) {
        onStop = stop
        onKillNow = killNow
        for signal in [SIGINT, SIGTERM] {
            guard let watcher = try? Signal(loop: loop) else { continue }
            try? watcher.start(signal) { [unowned self] _ in self.received(PreparationInterrupt.describe(signal)) }
            watchers.append(watcher)
        }
        // One that came after preparation's last look and before these watchers.
        if let signal = preparationSignal { received(signal) }
    }

    /// A signal arrived (named as messages name it: "SIGINT (Ctrl-C)"): `ShutdownState` says
    /// what it means, the driver's callbacks carry it out. Tests call it in virtual time.
    func received(_ signal: String) {
        switch state.received(signal) {
        case .stopInOrder(let reason): onStop(reason)
        case .killNow: onKillNow()
        }
    }

    /// Registers a part of the loop to close at its end (`endLoop`), after those registered before.
    func closeAtLoopEnd(_ close: @escaping () -> Void) {
        loopParts.append(close)
    }

    /// The run is over: stops watching signals, then closes the loop's parts in order.
    func endLoop() {
        for watcher in watchers { watcher.close() }
        watchers = []
        let parts = loopParts
        loopParts = []
        for close in parts { close() }
    }

    // MARK: - After the loop

    /// Closes every ssh master connection, removes their socket folder and stops the reaper.
    /// Safe to call more than once; the later calls do nothing.
    public func finish() {
        guard let masters else { return }
        masters.close(sshHosts, sshExecutable: sshExecutable, exitTimeoutMs: timeouts.masterExitMs)
        self.masters = nil
        sshHosts = []
    }
}
