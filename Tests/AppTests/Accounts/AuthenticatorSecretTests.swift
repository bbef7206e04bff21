@testable import App
import Foundation
import Testing

@Suite("TOTP codes (RFC 6238, RFC 4226)")
struct AuthenticatorSecretTests {
    /// RFC 4226 appendix D: the HOTP values of the ASCII key "12345678901234567890", counters 0-9.
    @Test func hotpMatchesRFC4226() {
        let totp = AuthenticatorSecret(bytes: Array("12345678901234567890".utf8))
        let expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
        #expect((0..<10).map { totp.code(step: Int64($0)) } == expected)
    }

    /// RFC 6238 appendix B, SHA-1 rows: 8-digit codes at the given Unix times.
    @Test(arguments: [
        (59.0, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ])
    func totpMatchesRFC6238(seconds: Double, code: String) {
        let totp = AuthenticatorSecret(bytes: Array("12345678901234567890".utf8), digits: .eight)
        #expect(totp.code(at: Date(timeIntervalSince1970: seconds)) == code)
    }

    @Test func oneStepOfDriftEitherWayIsAcceptedAndNoMore() {
        let totp = AuthenticatorSecret.make()
        let now = Date(timeIntervalSince1970: 1_800_000_015)
        let step = totp.step(at: now)
        #expect(totp.matchingStep(of: totp.code(step: step), at: now) == step)
        #expect(totp.matchingStep(of: totp.code(step: step - 1), at: now) == step - 1)
        #expect(totp.matchingStep(of: totp.code(step: step + 1), at: now) == step + 1)
        let farCodes = [totp.code(step: step - 2), totp.code(step: step + 2)].filter {
            ![totp.code(step: step - 1), totp.code(step: step), totp.code(step: step + 1)].contains($0)
        }
        for far in farCodes { #expect(totp.matchingStep(of: far, at: now) == nil) }
        #expect(totp.matchingStep(of: "12345", at: now) == nil)
    }

    @Test func theSecretSurvivesBase32AndTheAddressCarriesIt() throws {
        let totp = AuthenticatorSecret.make()
        #expect(totp.bytes.count == 20)
        #expect(totp.base32.count == 32)
        #expect(totp.base32.allSatisfy { "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".contains($0) })
        let read = try #require(AuthenticatorSecret(base32: totp.base32))
        #expect(read.bytes == totp.bytes)
        #expect(AuthenticatorSecret(base32: totp.base32.lowercased())?.bytes == totp.bytes)
        #expect(AuthenticatorSecret(base32: "not base32!") == nil)
        let uri = totp.provisioningURI(account: "owner@example.com", issuer: "Personal CRM")
        let components = try #require(URLComponents(string: uri))
        #expect(components.scheme == "otpauth")
        #expect(components.host == "totp")
        #expect(components.path == "/Personal CRM:owner@example.com")
        let query = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(query == ["secret": totp.base32, "issuer": "Personal CRM", "algorithm": "SHA1", "digits": "6", "period": "30"])
    }

    @Test func recoveryCodesAreLongRandomAndReadLoosely() {
        let codes = (0..<50).map { _ in RecoveryCode.make() }
        #expect(Set(codes).count == 50)
        for code in codes {
            #expect(code.count == 19)
            #expect(RecoveryCode.looksLikeOne(code))
            #expect(RecoveryCode.hash(code.uppercased().replacingOccurrences(of: "-", with: " ")) == RecoveryCode.hash(code))
        }
        #expect(!RecoveryCode.looksLikeOne("123456"))
        #expect(TwoFactorService.digits("123 456") == "123456")
        #expect(TwoFactorService.digits("12345a") == nil)
        #expect(TwoFactorService.digits("１２３４５６") == nil)
    }
}
