// Signature Version 4 against AWS's published example (the "get-vanilla" case of the SigV4 test
// suite), the clock skew rules, and the date arithmetic the messages print.
import NIOHTTP1
import Testing

@testable import TridentServer

struct SigV4Tests {
    private let verifier = SigV4(secrets: ["AKIDEXAMPLE": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"])
    private let signedAt = SigV4.epochSeconds("20150830T123600Z")!

    private func request(signature: String, key: String = "AKIDEXAMPLE") -> HTTPRequest {
        let head =
            "GET / HTTP/1.1\r\nHost:example.amazonaws.com\r\nX-Amz-Date:20150830T123600Z\r\n"
            + "Authorization: AWS4-HMAC-SHA256 Credential=\(key)/20150830/us-east-1/service/aws4_request, "
            + "SignedHeaders=host;x-amz-date, Signature=\(signature)\r\n\r\n"
        return HTTPRequest(method: .GET, uri: "/", version: .http1_1, keepAlive: true, host: "example.amazonaws.com", head: Array(head.utf8))
    }

    private let vanilla = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"

    @Test func awsPublishedExampleVerifies() {
        #expect(verifier.check(request(signature: vanilla), now: signedAt) == nil)
        #expect(verifier.check(request(signature: vanilla), now: signedAt + 14 * 60) == nil)
    }

    @Test func aWrongSignatureOrKeyIsRefused() {
        let wrong = String(vanilla.dropLast()) + "0"
        #expect(verifier.check(request(signature: wrong), now: signedAt)?.code == "InvalidSignatureException")
        #expect(verifier.check(request(signature: vanilla, key: "AKIDOTHER"), now: signedAt) == .unrecognizedClient)
        var unsigned = request(signature: vanilla)
        unsigned.head = Array("GET / HTTP/1.1\r\nHost: example.amazonaws.com\r\n\r\n".utf8)
        #expect(verifier.check(unsigned, now: signedAt) == .missingAuthenticationToken)
    }

    @Test func outsideFifteenMinutesTheSignatureIsExpiredOrNotYetCurrent() {
        let late = verifier.check(request(signature: vanilla), now: signedAt + 16 * 60)
        #expect(late?.message == "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T125200Z - 15 min.)")
        let early = verifier.check(request(signature: vanilla), now: signedAt - 16 * 60)
        #expect(early?.message == "Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z (20150830T122000Z + 15 min.)")
    }

    @Test func timestampsConvertBothWays() {
        #expect(SigV4.epochSeconds("19700101T000000Z") == 0)
        #expect(SigV4.epochSeconds("20000229T235959Z") == 951_868_799)
        #expect(SigV4.stamp(951_868_799) == "20000229T235959Z")
        #expect(SigV4.epochSeconds("2015-08-30T12:36Z") == nil)
        #expect(SigV4.epochSeconds("20151330T123600Z") == nil)
    }
}
