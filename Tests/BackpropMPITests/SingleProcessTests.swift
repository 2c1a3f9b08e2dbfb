import BackpropMPI
import Testing

/// A process not started by `mpirun` is a job of one: rank 0 of 1, where every call works.
@Suite struct SingleProcessTests {
    @Test func aLoneProcessIsRankZeroOfOne() throws {
        try #require(!Communicator.isLaunchedByMPI, "the tests run outside mpirun")
        let world = try Communicator.world()
        #expect(world.rank == 0 && world.size == 1 && !world.usesMPI)
        try world.barrier()
    }

    @Test func collectivesReturnTheirInput() throws {
        let world = try Communicator.world()
        #expect(try world.broadcast([1, 2, 3], from: 0) == [1, 2, 3])
        #expect(try world.allReduceSum([Float(1.5), -2]) == [1.5, -2])
        #expect(try world.allGather([0.25, 4.0]) == [0.25, 4.0])
        #expect(try world.allGather([Float]()) == [])
    }

    @Test func messagesToOneselfWaitUntilReceived() throws {
        let world = try Communicator.world()
        try world.send([1], to: 0, tag: 5)
        try world.send([2, 3], to: 0, tag: 6)
        #expect(try world.receive(tag: 6) == Message(bytes: [2, 3], source: 0, tag: 6))
        #expect(try world.receive() == Message(bytes: [1], source: 0, tag: 5))
        #expect(throws: MPIError.noMessage(tag: nil)) { try world.receive() }
    }

    @Test func badRanksAndTagsAreErrors() throws {
        let world = try Communicator.world()
        #expect(throws: MPIError.invalidRank(1, size: 1)) { try world.send([], to: 1, tag: 0) }
        #expect(throws: MPIError.invalidRank(-1, size: 1)) { try world.receive(from: -1) }
        #expect(throws: MPIError.invalidTag(-2)) { try world.send([], to: 0, tag: -2) }
        #expect(throws: MPIError.invalidRank(3, size: 1)) { try world.broadcast([], from: 3) }
    }
}
