// PartiQL statements as the classic requests they run as: which operation, and the expressions the
// shared expression parser then reads — so a PartiQL WHERE means what a ConditionExpression means.
import DynamoModel
import Testing

@testable import TridentEngine

struct PartiQLTranslatorTests {
    private let table = TableDefinition(
        name: "orders", id: "t", number: 1, arn: "arn", keySchema: KeySchema(partition: KeyElement(name: "pk", type: .string), sort: KeyElement(name: "sk", type: .number)),
        attributeDefinitions: [], creationDateTime: 0, billingMode: .payPerRequest, throughput: ProvisionedThroughput(readCapacityUnits: 0, writeCapacityUnits: 0))

    private func translate(_ statement: String, _ parameters: [JSONValue] = []) throws -> (String, [String: JSONValue]) {
        let (parsed, count) = try PartiQLParser.parse(statement)
        #expect(count == parameters.count)
        var translator = PartiQLTranslator(parameters: parameters)
        let request = try translator.request(for: parsed, table: table, consistentRead: false)
        var members: [String: JSONValue] = [:]
        for member in request.members { members[member.key] = member.value }
        return (request.operation, members)
    }

    private func string(_ value: JSONValue?) -> String? {
        if case let .string(s)? = value { return s }
        return nil
    }

    @Test func theWholeKeyByEqualityIsAGetItem() throws {
        let (operation, members) = try translate(#"SELECT * FROM "orders" WHERE pk = 'a' AND "sk" = 2"#)
        #expect(operation == "GetItem")
        guard case let .object(key)? = members["Key"] else { Issue.record("no Key"); return }
        #expect(key["pk"] == .object(JSONObject([.init(key: "S", value: .string("a"))])))
        #expect(key["sk"] == .object(JSONObject([.init(key: "N", value: .string("2"))])))
    }

    @Test func aPartitionKeyIsAQueryAndTheRestAFilter() throws {
        let (operation, members) = try translate("select a.b[1], c from orders where pk = ? and sk between 1 and 5 and (x > 3 or contains(y, 'z'))", [
            .object(JSONObject([.init(key: "S", value: .string("p"))]))
        ])
        #expect(operation == "Query")
        #expect(string(members["KeyConditionExpression"]) == "#p3 = :p0 AND #p4 BETWEEN :p1 AND :p2")
        #expect(string(members["FilterExpression"]) == "(#p5 > :p3) OR (contains(#p6, :p4))")
        #expect(string(members["ProjectionExpression"]) == "#p0.#p1[1], #p2")
    }

    @Test func anythingElseIsAScan() throws {
        let (operation, members) = try translate(#"SELECT * FROM orders WHERE qty IS NOT MISSING AND NOT tag IN ['a', 'b']"#)
        #expect(operation == "Scan")
        #expect(string(members["FilterExpression"]) == "(attribute_exists(#p0)) AND (NOT (#p1 IN (:p0, :p1)))")
    }

    @Test func writesNameOneItemAndCheckIt() throws {
        let (insert, put) = try translate("INSERT INTO orders VALUE {'pk': 'a', 'sk': 1, 's': <<1, 2>>}")
        #expect(insert == "PutItem" && string(put["ConditionExpression"]) == "attribute_not_exists(#p0) AND attribute_not_exists(#p1)")
        let (update, members) = try translate("UPDATE orders SET n = n + 1 SET s = set_add(s, <<'x'>>) REMOVE old WHERE pk = 'a' AND sk = 1 AND n < 9 RETURNING MODIFIED NEW *")
        #expect(update == "UpdateItem")
        #expect(string(members["UpdateExpression"]) == "SET #p0 = #p0 + :p0 REMOVE #p2 ADD #p1 :p1")
        #expect(string(members["ConditionExpression"]) == "attribute_exists(#p3) AND attribute_exists(#p4) AND #p0 < :p2")
        #expect(string(members["ReturnValues"]) == "UPDATED_NEW")
        #expect(throws: PartiQLError.self) { try translate("DELETE FROM orders WHERE pk = 'a'") }
    }

    @Test func deepNestingIsRefusedNotRecursedInto() {
        for statement in [
            "SELECT * FROM t WHERE " + String(repeating: "(", count: 4000) + "a = 1" + String(repeating: ")", count: 4000),
            "SELECT * FROM t WHERE " + String(repeating: "NOT ", count: 2000) + "a = 1",
            "INSERT INTO t VALUE {'a': " + String(repeating: "[", count: 4000) + String(repeating: "]", count: 4000) + "}",
        ] {
            #expect(throws: PartiQLError.self) { try PartiQLParser.parse(statement) }
        }
        #expect(throws: Never.self) { try PartiQLParser.parse("SELECT * FROM t WHERE " + String(repeating: "(", count: 40) + "a = 1" + String(repeating: ")", count: 40)) }
    }

    @Test func syntaxErrorsSayWhere() {
        for (statement, line, column) in [("SELECT * FROM", 1, 14), ("SELECT *\nFROM t WHERE a = = 1", 2, 18), ("UPSERT INTO t", 1, 1)] {
            do {
                _ = try PartiQLParser.parse(statement)
                Issue.record("\(statement) parsed")
            } catch let PartiQLError.syntax(_, l, c) {
                #expect(l == line && c == column, "\(statement)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}
