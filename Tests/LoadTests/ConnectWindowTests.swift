import Testing

@testable import Load

@Suite struct ConnectWindowTests {
    @Test func opensAtMostTheLimitAndCompletesWhenAllEnded() {
        var window = ConnectWindow(total: 5, limit: 2)
        var opened: [Int] = []
        while let index = window.takeNext() {
            opened.append(index)
            window.started()
        }
        #expect(opened == [0, 1])
        #expect(!window.hasRoom)
        window.ended()
        while let index = window.takeNext() {
            opened.append(index)
            window.started()
        }
        #expect(opened == [0, 1, 2])
        #expect(!window.isComplete)
        for _ in 0..<10 {
            window.ended()
            while let index = window.takeNext() {
                opened.append(index)
                window.started()
            }
        }
        #expect(opened == [0, 1, 2, 3, 4])
        #expect(window.isComplete)
    }

    @Test func reconnectsCountAgainstTheLimitAndLateEndsDoNotGoNegative() {
        var window = ConnectWindow(total: 1, limit: 1)
        #expect(window.takeNext() == 0)
        window.started()
        window.ended()
        window.started()  // a reconnect
        #expect(!window.hasRoom)
        window.abandon()
        window.ended()  // a late callback after the engine closed everything
        #expect(window.inFlight == 0)
        #expect(window.isComplete)
    }
}
