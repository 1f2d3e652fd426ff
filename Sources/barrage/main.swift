import ArgumentParser
import Glibc
import UV

// A parent may hand us blocked signals (test runners and some supervisors do); the
// coordinator relies on SIGCHLD, SIGINT and SIGTERM reaching its loop, so unblock them all.
var everySignal = sigset_t()
sigemptyset(&everySignal)
sigprocmask(SIG_SETMASK, &everySignal, nil)
// Every command writes into pipes whose reader may die first (ssh during a deploy, a worker,
// `| head`): that is an error to handle, never a reason to die silently.
ignoreSIGPIPE()

// Exit codes are the contract's, not ArgumentParser's: usage errors exit 2 like a bad topology.
do {
    var command = try Barrage.parseAsRoot()
    try command.run()
    exit(0)
} catch let code as ExitCode {
    exit(code.rawValue)
} catch {
    let exitCode = Barrage.exitCode(for: error)
    let message = Barrage.fullMessage(for: error)
    if exitCode == .success {
        print(message)
        exit(0)
    }
    StandardError.write(message + "\n")
    exit(2)
}
