using Analysis.Onnx.Proto;
using Google.Protobuf;
using static Analysis.Cli.Tests.InspectCommandTests;

namespace Analysis.Cli.Tests;

/// <summary>
/// A model file can name any file on the machine as its external data (onnx CVE-2024-27318). Every command that takes a
/// model refuses one whose location is absolute, climbs out with '..', or leaves through a symbolic link: exit 2, one
/// sentence, and nothing in the output folder (before the fix, expose hard-linked the named file into it).
/// </summary>
public sealed class UntrustedModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("analysis-untrusted-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// gpt2-tiny, its tokenizer and reference beside it, with its large initializers moved to weights.bin and the first
    /// of them pointed at <paramref name="location"/> (one byte, so any file is long enough).
    /// </summary>
    private string HostileModel(string location, Action<string>? prepare = null)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "models", Guid.NewGuid().ToString("N")[..8], "model")).FullName;
        foreach (var file in new[] { "tokenizer.json", "tokenizer_config.json", "config.json", "reference.json" })
            File.Copy(Path.Combine(Path.GetDirectoryName(Model("gpt2-tiny"))!, file), Path.Combine(folder, file));
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Model("gpt2-tiny")));
        var first = true;
        using (var weights = File.Create(Path.Combine(folder, "weights.bin")))
            foreach (var t in model.Graph.Initializer.Where(t => t.RawData.Length > 1024))
            {
                t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = first ? location : "weights.bin" });
                t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = first ? "0" : weights.Position.ToString() });
                t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = first ? "1" : t.RawData.Length.ToString() });
                if (!first) weights.Write(t.RawData.Span);
                t.ClearRawData();
                t.DataLocation = TensorProto.Types.DataLocation.External;
                first = false;
            }
        var path = Path.Combine(folder, "model.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        prepare?.Invoke(folder);
        return path;
    }

    public static TheoryData<string, string> Locations => new()
    {
        { "/etc/passwd", "absolute path" },
        { "../../../../etc/hostname", "climbs out" },
        { "escape/passwd", "symbolic link" }, // 'escape' links to /etc
    };

    private string Prepare(string location) =>
        HostileModel(location, folder => { if (location.StartsWith("escape/")) File.CreateSymbolicLink(Path.Combine(folder, "escape"), "/etc"); });

    private static void AssertRefused((int Code, string Out, string Err) run, string reason)
    {
        Assert.True(run.Code == 2, $"exit {run.Code}: {run.Err}");
        Assert.Contains(reason, run.Err);
        // One sentence on one line, no stack trace.
        Assert.Single(run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [MemberData(nameof(Locations))]
    public async Task ExposeRefusesAndWritesNothing(string location, string reason)
    {
        var model = Prepare(location);
        var output = Directory.CreateDirectory(Path.Combine(_dir, "exposed")).FullName;
        AssertRefused(await Cli.Run("expose", model, "--hooks", "blocks.*.hook_resid_post", "-o", Path.Combine(output, "hooked.onnx")), reason);
        Assert.Empty(Directory.GetFileSystemEntries(output));
    }

    [Theory]
    [MemberData(nameof(Locations))]
    public async Task ExtractRefusesAndWritesNothing(string location, string reason)
    {
        var model = Prepare(location);
        var data = Path.Combine(_dir, "data.jsonl");
        File.WriteAllLines(data, ["{\"text\": \"Once upon a time\"}", "{\"text\": \"there was a cat\"}"]);
        var parent = Directory.CreateDirectory(Path.Combine(_dir, "extracted")).FullName;
        var output = Path.Combine(parent, "dataset");
        AssertRefused(await Cli.Run("extract", "--model", model, "--data", data, "--hooks", "blocks.*.hook_resid_post",
            "--device", "cpu", "--threads", "1", "-o", output), reason);
        Assert.Empty(Directory.GetFileSystemEntries(parent));
    }

    [Theory]
    [MemberData(nameof(Locations))]
    public async Task InspectAndVerifyRefuse(string location, string reason)
    {
        var model = Prepare(location);
        AssertRefused(await Cli.Run("inspect", model), reason);
        AssertRefused(await Cli.Run("verify", model, "--device", "cpu"), reason);
    }
}
