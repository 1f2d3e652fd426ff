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

    /// A loop busy with other work takes its mail where it looks (`pending`), in order, without
    /// the wake-up delivering anything twice; inside the handler a look delivers nothing.
    @Test func aBusyLoopTakesItsMailWhereItLooks() throws {
        let loop = try Loop()
        defer { loop.closeAll() }
        var received: [Int] = []
        var nestedLook: [Int] = []
        var mailbox: Mailbox<Int>?
        mailbox = try Mailbox(loop: loop) { value in
            received.append(value)
            guard value == 1 else { return }
            // Posted and looked for while delivering: it waits for the next look.
            mailbox?.post(9)
            mailbox?.pending.deliver()
            nestedLook = received
        }
        let box = try #require(mailbox)
        #expect(!box.pending.isRaised)
        let sender = Thread { for value in 1...3 { box.post(value) } }
        sender.start()
        while !sender.isFinished { usleep(1_000) }
        #expect(box.pending.isRaised)
        #expect(received.isEmpty, "nothing arrives until the loop looks")
        box.pending.deliver()
        #expect(received == [1, 2, 3])
        #expect(nestedLook == [1], "a look from inside the handler delivered nothing")
        #expect(box.pending.isRaised, "9 waits")
        box.pending.deliver()
        #expect(received == [1, 2, 3, 9])
        #expect(!box.pending.isRaised)
        // The wake-ups of those posts find nothing left.
        loop.run(.noWait)
        #expect(received == [1, 2, 3, 9])
        // Mail nobody looked for still comes with the wake-up, which lowers the flag.
        box.post(4)
        loop.run(.noWait)
        #expect(received == [1, 2, 3, 9, 4])
        #expect(!box.pending.isRaised)
        // Closed: nothing more is delivered, by either way.
        box.close()
        box.post(5)
        box.pending.deliver()
        loop.run(.noWait)
        #expect(received == [1, 2, 3, 9, 4])
    }
}
