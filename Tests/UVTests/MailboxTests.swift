import Foundation
import Testing
import UV
import UVTestSupport

/// Messages from other threads reach the loop's thread: all of them, each sender's in order.
struct MailboxTests {
    @Test func everyMessageFromEveryThreadArrivesInOrder() throws {
        let loop = try Loop()
        let senders = 4
        let perSender = 5_000
        var received: [[Int]] = Array(repeating: [], count: senders)
        var total = 0
        var mailbox: Mailbox<(sender: Int, value: Int)>?
        mailbox = try Mailbox(loop: loop) { message in
            received[message.sender].append(message.value)
            total += 1
            if total == senders * perSender { mailbox?.close() }
        }
        let box = try #require(mailbox)
        let threads = (0..<senders).map { sender in
            Thread { for value in 0..<perSender { box.post((sender, value)) } }
        }
        threads.forEach { $0.start() }
        try runLoop(loop, timeout: 10_000)
        #expect(total == senders * perSender)
        for sender in 0..<senders { #expect(received[sender] == Array(0..<perSender), "sender \(sender)") }
    }
}
