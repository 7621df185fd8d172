using System.Reflection;

namespace Analysis.Tests.Verification;

/// <summary>The committed reference models under onnx-models/.</summary>
internal static class Models
{
    public static readonly string Root = typeof(Models).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public static string Folder(string name) => Path.Combine(Root, "onnx-models", name);

    public static TheoryData<string> All => new() { "stories260k", "gpt2-tiny", "bert-tiny", "neox-tiny", "gpt2-tiny-optimum", "stories260k-kv" };
}
