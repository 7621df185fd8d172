using System.Reflection;

namespace Analysis.Onnx.Tests;

/// <summary>Paths of committed test models.</summary>
internal static class TestModels
{
    public static string RepositoryRoot { get; } = typeof(TestModels).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public static string Tiny(string name) => Path.Combine(RepositoryRoot, "tests", "Analysis.Onnx.Tests", "Data", name + ".onnx");

    public static readonly string[] TinyNames = ["tiny_llama", "tiny_gpt2", "tiny_gpt2_opset14", "tiny_neox", "tiny_bert"];

    public const string NodeTests = "/usr/share/libonnx-testdata/data/node";
}
