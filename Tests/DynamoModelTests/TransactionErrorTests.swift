// A cancelled transaction's error: the message lists every action's code in order, and the
// reasons carry a message only where something failed.
import Testing

@testable import DynamoModel

struct TransactionErrorTests {
    @Test func cancellationMessageListsEveryCodeInOrder() {
        let error = DynamoError.transactionCanceled([.none, .conditionalCheckFailed(item: ["k": .string("v")]), .transactionConflict])
        #expect(error.code == "TransactionCanceledException")
        #expect(
            error.message
                == "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, TransactionConflict]")
        #expect(error.cancellationReasons?.first == CancellationReason.none)
        #expect(error.cancellationReasons?.first?.message == nil)
        #expect(error.cancellationReasons?[1].item == ["k": .string("v")])
    }
}
