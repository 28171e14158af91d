import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

#if FUZZING
    /// libFuzzer's driver, linked without its own `main` (SwiftPM gives the executable its own).
    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt
#endif

/// `make fuzz` builds this with libFuzzer (`FUZZING`): the target named by TRIDENT_FUZZ_TARGET
/// runs under its driver. Otherwise `trident-fuzz TARGET FILE…` replays saved inputs — the corpus
/// and every crash once found, the regression tests `make test` runs.
@main
struct FuzzMain {
    static func main() {
        #if FUZZING
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(
                LLVMFuzzerRunDriver(&argc, &argv) { data, size in
                    let target = getenv("TRIDENT_FUZZ_TARGET").map { String(cString: $0) } ?? "http"
                    FuzzTargets.run(target, data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
                    return 0
                })
        #else
            let arguments = CommandLine.arguments.dropFirst()
            guard let target = arguments.first else { fatalError("usage: trident-fuzz http|json|expressions|partiql FILE…") }
            // TRIDENT_FUZZ_REPEAT=N runs each input N times: memory that grows with N is a leak.
            let repeats = getenv("TRIDENT_FUZZ_REPEAT").flatMap { Int(String(cString: $0)) } ?? 1
            var count = 0
            for path in arguments.dropFirst() {
                let files = (try? FileManager.default.contentsOfDirectory(atPath: path)).map { $0.sorted().map { path + "/" + $0 } } ?? [path]
                for file in files {
                    guard let data = FileManager.default.contents(atPath: file) else { continue }
                    for _ in 0..<repeats { FuzzTargets.run(target, Array(data)) }
                    count += 1
                }
            }
            print("\(target): \(count) inputs replayed")
        #endif
    }
}
