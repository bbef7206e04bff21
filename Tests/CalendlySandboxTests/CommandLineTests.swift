import Testing
@testable import CalendlySandbox

@Suite("Command line")
struct CommandLineTests {
    @Test("reads the port, host, seed, plan and misbehaviour flags")
    func flags() throws {
        // when
        let options = try #require(try SandboxCommandLine.parse([
            "--port", "9001", "--host", "0.0.0.0", "--seed", "7", "--free-plan",
            "--server-error-rate", "0.25", "--webhook-drop-rate", "0.5", "--slow-delay", "1.5",
            "--retry-schedule", "0.1,0.2", "--disable-after", "3",
        ]))

        // then
        #expect(options.port == 9001)
        #expect(options.host == "0.0.0.0")
        #expect(options.seed == 7)
        #expect(options.freePlan)
        #expect(options.misbehaviour.serverErrorRate == 0.25)
        #expect(options.misbehaviour.webhookDropRate == 0.5)
        #expect(options.misbehaviour.slowDelay == 1.5)
        #expect(options.webhookRetrySchedule == [0.1, 0.2])
        #expect(options.disableAfter == 3)
        #expect(options.effectiveRateLimit == 50)
    }

    @Test("refuses unknown flags, missing values and rates over 1; --help gives nil")
    func errors() throws {
        #expect(throws: SandboxCommandLine.ParseError.self) { try SandboxCommandLine.parse(["--bogus"]) }
        #expect(throws: SandboxCommandLine.ParseError.self) { try SandboxCommandLine.parse(["--port"]) }
        #expect(throws: SandboxCommandLine.ParseError.self) { try SandboxCommandLine.parse(["--rate-limit-rate", "2"]) }
        #expect(try SandboxCommandLine.parse(["--help"]) == nil)
    }
}
