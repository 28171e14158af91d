/// `--cors`: the browser origins that may call the API (the AWS SDK for JavaScript in a web page),
/// answered as browsers expect — a preflight `OPTIONS` gets the methods and headers it asks for,
/// and every answer to an allowed origin names it and exposes DynamoDB's response headers.
public struct CORSPolicy: Sendable {
    /// nil: any origin (`*`).
    let origins: Set<String>?

    /// `*`, or origins separated by commas (`http://localhost:3000,https://app.example`).
    public init(_ specification: String) {
        let listed = specification.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        origins = listed.isEmpty || listed.contains("*") ? nil : Set(listed.map { $0.lowercased() })
    }

    func allows(_ origin: String) -> Bool {
        origins?.contains(origin.lowercased()) ?? true
    }

    /// What an answer to an allowed origin carries.
    func headers(origin: String) -> [String] {
        ["Access-Control-Allow-Origin: \(origin)", Self.vary, Self.exposed]
    }

    private static let vary = "Vary: Origin"
    private static let exposed = "Access-Control-Expose-Headers: x-amzn-RequestId, x-amz-crc32, x-amzn-ErrorType"

    /// The answer to a preflight from an allowed origin: the headers it asked for (an SDK sends
    /// `content-type`, `x-amz-target`, `x-amz-date`, `authorization`, `amz-sdk-*`, …) are allowed.
    func preflight(origin: String, requestedHeaders: String?) -> Router.Response {
        var headers = headers(origin: origin)
        headers.append("Access-Control-Allow-Methods: GET, POST, OPTIONS")
        if let requestedHeaders, !requestedHeaders.isEmpty { headers.append("Access-Control-Allow-Headers: \(requestedHeaders)") }
        headers.append("Access-Control-Max-Age: 7200")
        return Router.Response(status: .ok, contentType: nil, body: [], headers: headers)
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
