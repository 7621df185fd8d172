using System.Reflection;

namespace Analysis.Runtime.Tests;

/// <summary>Where the tests find their data: the repository and Debian's libonnx-testdata.</summary>
internal static class TestData
{
    public const string NodeTestsFolder = "/usr/share/libonnx-testdata/data/node";

    public static string RepositoryRoot { get; } = typeof(TestData).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>The folder of one node test, failing loudly when the Debian package is missing.</summary>
    public static string NodeTest(string name)
    {
        var folder = Path.Combine(NodeTestsFolder, name);
        if (!Directory.Exists(folder))
            throw new InvalidOperationException($"{folder} is missing: install Debian's libonnx-testdata (bash tools/setup.sh does).");
        return folder;
    }

    public static string NodeModel(string name) => Path.Combine(NodeTest(name), "model.onnx");
}
