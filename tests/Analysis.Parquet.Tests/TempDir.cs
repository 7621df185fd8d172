namespace Analysis.Parquet.Tests;

/// <summary>A scratch folder deleted when the test ends.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("parquet-tests-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}
