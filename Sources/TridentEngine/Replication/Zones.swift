import DynamoModel
import Foundation
import TridentStorage

/// The availability zones holding the data, and the routing of reads and writes to them.
/// Operations see only `read` and `write`: how many zones exist is this type's business.
final class Zones: Sendable {
    let names: [String]
    private let stores: [NodeStore]
    private let writers: [ZoneWriter]

    init(directory: String, region: String, durable: Bool) throws {
        let name = region + "a"
        let store = try NodeStore(path: (directory as NSString).appendingPathComponent(name), zone: name, durable: durable)
        names = [name]
        stores = [store]
        writers = [try ZoneWriter(store: store)]
    }

    var leader: NodeStore { stores[0] }

    /// Runs `body` on a snapshot of the zone the consistency level picks.
    func read<T>(consistent: Bool, _ body: (StoreReader) throws -> T) throws -> T {
        try stores[0].read(body)
    }

    /// Runs `body` on the leader's writer and reports once the change is durable.
    func write<Output: Sendable>(
        _ body: @escaping WriteTask<Output>.Body,
        completion: @escaping @Sendable (Result<Output, any Error>) -> Void
    ) {
        writers[0].submit(WriteTask(body: body, acknowledge: { _, done in done() }, completion: completion))
    }

    /// `write`, waiting on the calling thread (background loops only, never an event loop).
    func writeAndWait<Output: Sendable>(_ body: @escaping WriteTask<Output>.Body) -> Result<Output, any Error> {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<Output>()
        write(body) { result in
            box.result = result
            done.signal()
        }
        done.wait()
        return box.result!
    }

    func shutdown() {
        for writer in writers { writer.shutdown() }
    }
}

/// Carries a result from the writer thread to a waiting thread (the semaphore orders the accesses).
private final class ResultBox<Output>: @unchecked Sendable {
    var result: Result<Output, any Error>?
}
