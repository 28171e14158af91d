import DynamoModel
import TridentStorage

/// A client write as its zone's writer runs it: `body` reads the current state and records its
/// changes inside the group transaction (it may run more than once, see `WriterTask`), and the
/// result reaches `completion` once the change is durable where the write path requires it.
final class WriteTask<Output: Sendable>: WriterTask, @unchecked Sendable {
    typealias Body = @Sendable (inout StoreWriteContext) throws -> Output

    private let body: Body
    private let acknowledge: @Sendable (LogEntry?, @escaping @Sendable () -> Void) -> Void
    private let completion: @Sendable (Result<Output, any Error>) -> Void
    /// Written by `run`, read by `committed`: both on the writer thread.
    private var output: Output?

    /// `acknowledge` decides when a committed change may be answered (at once, or at quorum).
    init(
        body: @escaping Body,
        acknowledge: @escaping @Sendable (LogEntry?, @escaping @Sendable () -> Void) -> Void,
        completion: @escaping @Sendable (Result<Output, any Error>) -> Void
    ) {
        self.body = body
        self.acknowledge = acknowledge
        self.completion = completion
    }

    func run(_ context: inout StoreWriteContext, proposedSequence: UInt64) throws -> UInt64 {
        output = try body(&context)
        return proposedSequence
    }

    func committed(_ entry: LogEntry?) {
        guard let output else { return }
        let completion = self.completion
        acknowledge(entry) { completion(.success(output)) }
    }

    func failed(_ error: any Error) {
        completion(.failure(error))
    }
}
