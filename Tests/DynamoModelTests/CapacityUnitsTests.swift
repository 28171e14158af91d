// DynamoDB's capacity arithmetic on the boundaries: 1 KB per write unit, 4 KB per read unit,
// eventually consistent reads at half price, and a minimum charge for every request.
import Testing

@testable import DynamoModel

struct CapacityUnitsTests {
    @Test(arguments: [(0, 1.0), (1, 1.0), (1024, 1.0), (1025, 2.0), (4096, 4.0), (4097, 5.0), (102_400, 100.0), (409_600, 400.0)])
    func writeUnits(bytes: Int, units: Double) {
        #expect(CapacityUnits.write(oldBytes: nil, newBytes: bytes) == units)
    }

    @Test func writesChargeTheLargerOfBeforeAndAfter() {
        #expect(CapacityUnits.write(oldBytes: 3000, newBytes: 10) == 3)
        #expect(CapacityUnits.write(oldBytes: 10, newBytes: 3000) == 3)
        #expect(CapacityUnits.write(oldBytes: nil, newBytes: nil) == 1)
    }

    @Test(arguments: [
        (0, 1.0, 0.5), (1, 1.0, 0.5), (4096, 1.0, 0.5), (4097, 2.0, 1.0), (1024, 1.0, 0.5), (102_400, 25.0, 12.5), (409_600, 100.0, 50.0),
    ])
    func readUnits(bytes: Int, consistent: Double, eventual: Double) {
        #expect(CapacityUnits.read(bytes: bytes, consistent: true) == consistent)
        #expect(CapacityUnits.read(bytes: bytes, consistent: false) == eventual)
    }
}
