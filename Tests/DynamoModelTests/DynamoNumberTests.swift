// DynamoDB numbers: 38 significant digits within [1E-130, 1E+126), normalized on the way in,
// printed in plain notation on the way out, exact in arithmetic.
import Testing

@testable import DynamoModel

struct DynamoNumberTests {
    @Test(arguments: [
        ("1.50", "1.5"), ("-0", "0"), ("+5", "5"), ("00042", "42"), ("1.0", "1"), ("1e2", "100"), ("1.5E+3", "1500"),
        ("-0015.789e6", "-15789000"), ("0.000100", "0.0001"), (".5", "0.5"), ("5.", "5"), ("0e10", "0"),
        ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
    ])
    func normalizes(input: String, output: String) throws {
        #expect(try DynamoNumber(parsing: input).description == output)
    }

    @Test func extremesPrintInFull() throws {
        #expect(try DynamoNumber(parsing: "1E-130").description == "0." + String(repeating: "0", count: 129) + "1")
        let max = try DynamoNumber(parsing: "9.9999999999999999999999999999999999999E+125")
        #expect(max.description == String(repeating: "9", count: 38) + String(repeating: "0", count: 88))
    }

    @Test(arguments: [
        ("", DynamoNumber.Failure.notANumber), ("abc", .notANumber), ("1.2.3", .notANumber), (" 1", .notANumber), ("1 ", .notANumber),
        ("1e", .notANumber), ("e5", .notANumber), ("+", .notANumber), ("0x10", .notANumber), ("NaN", .notANumber),
        ("1e126", .overflow), ("-1e126", .overflow), ("1e-131", .underflow), ("1e9999999999", .overflow),
        ("123456789012345678901234567890123456789", .tooPrecise),
    ])
    func rejects(input: String, failure: DynamoNumber.Failure) {
        #expect(throws: failure) { try DynamoNumber(parsing: input) }
    }

    @Test func thirtyEightDigitsWithZerosAroundAreAccepted() throws {
        let n = try DynamoNumber(parsing: "0009.99999999999999999999999999999999999990000e125")
        #expect(n.digits.count == 38)
    }

    @Test func ordersByValue() throws {
        let sorted = [
            "-1e125", "-100", "-1.5", "-1", "-0.001", "0", "1E-130", "0.001", "0.1", "0.10000001", "0.12", "1", "1.5", "10", "99", "100", "1e125",
        ]
        let numbers = try sorted.map { try DynamoNumber(parsing: $0) }
        for i in 0..<numbers.count {
            for j in 0..<numbers.count {
                #expect((numbers[i] < numbers[j]) == (i < j), "\(sorted[i]) vs \(sorted[j])")
            }
        }
    }

    @Test(arguments: [
        ("1", "2", "3"), ("0.1", "0.2", "0.3"), ("-5", "3", "-2"), ("5", "-5", "0"), ("99.99", "0.01", "100"),
        ("1e100", "-1e100", "0"), ("-1.5", "-2.25", "-3.75"), ("123456789012345678901234567890123456", "1", "123456789012345678901234567890123457"),
        ("0.001", "1000", "1000.001"),
    ])
    func adds(a: String, b: String, sum: String) throws {
        let result = try DynamoNumber(parsing: a).adding(try DynamoNumber(parsing: b))
        #expect(result.description == sum)
    }

    @Test func subtracts() throws {
        #expect(try DynamoNumber(parsing: "10").subtracting(try DynamoNumber(parsing: "0.5")).description == "9.5")
        #expect(try DynamoNumber(parsing: "-3").subtracting(try DynamoNumber(parsing: "-3")).description == "0")
    }

    @Test func arithmeticThatLosesPrecisionOrRangeFails() throws {
        let big = try DynamoNumber(parsing: "9.9999999999999999999999999999999999999E+125")
        #expect(throws: DynamoNumber.Failure.overflow) { try big.adding(big) }
        let huge = try DynamoNumber(parsing: "1e50")
        #expect(throws: DynamoNumber.Failure.tooPrecise) { try huge.adding(DynamoNumber(1)) }
    }
}
