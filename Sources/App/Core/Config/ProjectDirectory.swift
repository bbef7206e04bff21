import Foundation
import Vapor

/// Where the app's `Resources/` and `Public/` folders are.
///
/// The working directory when it has them (`swift run`, or a deployment that starts the binary from
/// the project folder); otherwise the project folder the binary was built in
/// (`<project>/.build/<triple>/<config>/crm`), so `crm` works when started from anywhere.
public enum ProjectDirectory {
    public static func detect(executable: String = CommandLine.arguments.first ?? "") -> DirectoryConfiguration {
        let fileManager = FileManager.default
        let current = DirectoryConfiguration.detect()
        if fileManager.fileExists(atPath: current.viewsDirectory) { return current }
        var url = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        while url.path != "/" {
            if url.lastPathComponent == ".build" || url.lastPathComponent.hasPrefix(".build-") {
                let root = url.deletingLastPathComponent().path
                if fileManager.fileExists(atPath: root + "/Resources/Views") {
                    return DirectoryConfiguration(workingDirectory: root)
                }
            }
            url = url.deletingLastPathComponent()
        }
        return current
    }
}
