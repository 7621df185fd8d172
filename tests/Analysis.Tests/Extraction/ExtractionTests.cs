using Analysis.Extraction;
using Analysis.Extraction.Dataset;
using Analysis.Parquet;
using Analysis.Runtime;
using Analysis.Tests.Verification;
using Analysis.Tokenizers;

namespace Analysis.Tests.Extraction;

public class ExtractionTests
{
    private static readonly string Stories = Path.Combine(Models.Root, "tools", "demo", "stories.jsonl");
    private static readonly string Numbers = Path.Combine(Models.Root, "tools", "demo", "numbers.jsonl");
    private static readonly string Model = Path.Combine(Models.Folder("stories260k"), "model.onnx");
    private static readonly string TokenizerPath = Path.Combine(Models.Folder("stories260k"), "tokenizer.json");

    private static string FirstLines(TempDirectory dir, string source, int count) =>
        dir.File("data.jsonl", string.Join("\n", File.ReadLines(source).Take(count)) + "\n");

    private static ExtractionRequest Request(string data, string output, params string[] hooks) => new()
    {
        Model = Model, Tokenizer = TokenizerPath, Data = data, Output = output, Hooks = hooks.Length > 0 ? hooks : ["blocks.*.hook_resid_post"],
        BatchSize = 8, ExamplesPerPart = 16, Device = Device.Cpu, MaxLength = 64,
    };

    /// <summary>Every row's activation equals the same token's activation when its example runs alone (no padding, no batch).</summary>
    [Fact]
    public void RowsAreEveryTokenAndValuesEqualUnbatchedRuns()
    {
        using var dir = new TempDirectory();
        var data = FirstLines(dir, Stories, 40);
        var output = Path.Combine(dir.Path, "out");
        var summary = ActivationExtractor.Run(Request(data, output, "hook_embed", "blocks.*.hook_resid_post", "blocks.2.attn.hook_pattern"));
        Assert.True(summary.DatasetComplete);
        Assert.Equal(3, summary.PartsWritten);

        var tokenizer = Tokenizer.Load(TokenizerPath);
        var texts = File.ReadLines(data).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!).ToList();
        Assert.Equal(texts.Sum(t => (long)tokenizer.Encode(t).Count), summary.Rows);

        var hooked = HookedModel.Prepare(Model, ["blocks.4.hook_resid_post", "blocks.2.attn.hook_pattern"]);
        using var session = InferenceSession.Open(hooked.Path);
        var inputs = new ModelInputs(session.Inputs);
        var rows = ReadRows(output, "blocks.4.hook_resid_post", "blocks.2.attn.hook_pattern");
        foreach (var example in new[] { 0, 7, 21, 39 })
        {
            var ids = tokenizer.Encode(texts[example]).Ids;
            using var alone = session.Run(inputs.Build([ids], ids.Length, 0));
            var resid = alone[hooked.OutputOf["blocks.4.hook_resid_post"]].ToArray<float>();
            var pattern = alone[hooked.OutputOf["blocks.2.attn.hook_pattern"]];
            int heads = (int)pattern.Shape[1];
            var probs = pattern.ToArray<float>();
            for (int t = 0; t < ids.Length; t++)
            {
                var (r, p) = rows[(example, t)];
                for (int i = 0; i < 64; i++) Assert.Equal(resid[t * 64 + i], r[i], 1e-4f);
                // Attention per query token: [heads, max_length], keys beyond the example zero.
                Assert.Equal(heads * 64, p.Length);
                for (int h = 0; h < heads; h++)
                    for (int k = 0; k < 64; k++)
                        Assert.Equal(k < ids.Length ? probs[(h * ids.Length + t) * ids.Length + k] : 0f, p[h * 64 + k], 1e-4f);
            }
        }
    }

    [Fact]
    public void SpanAndMeanSpanSelectTheNumberTokens()
    {
        using var dir = new TempDirectory();
        var data = FirstLines(dir, Numbers, 20);
        // hook_embed and blocks.0.hook_resid_pre are one tensor in this model: both columns must come out, equal.
        var spanRequest = Request(data, Path.Combine(dir.Path, "span"), "hook_embed", "blocks.0.hook_resid_pre", "blocks.4.hook_resid_post")
            with { Source = new(SpanField: "count_text"), Positions = PositionMode.Span };
        ActivationExtractor.Run(spanRequest);
        var mean = spanRequest with { Output = Path.Combine(dir.Path, "mean"), Positions = PositionMode.MeanSpan };
        ActivationExtractor.Run(mean);

        var spans = ReadTable(spanRequest.Output);
        var texts = File.ReadLines(data).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        foreach (var group in spans.GroupBy(r => r.ExampleId))
        {
            var doc = texts[(int)group.Key];
            var text = doc.GetProperty("text").GetString()!;
            var number = doc.GetProperty("count_text").GetString()!;
            var start = text.IndexOf(number, StringComparison.Ordinal);
            // The span's tokens cover the number's characters and nothing outside the word it sits in.
            Assert.True(group.Min(r => r.CharStart) <= start && group.Max(r => r.CharEnd) >= start + number.Length);
            Assert.All(group, r => Assert.True(r.CharEnd > start && r.CharStart < start + number.Length));
        }
        Assert.Equal(ReadTable(spanRequest.Output, "hook_embed").Select(r => r.Vector), ReadTable(spanRequest.Output, "blocks.0.hook_resid_pre").Select(r => r.Vector));
        var means = ReadTable(mean.Output);
        Assert.Equal(20, means.Count);
        foreach (var m in means)
        {
            var members = spans.Where(r => r.ExampleId == m.ExampleId).ToList();
            for (int i = 0; i < 64; i++) Assert.Equal(members.Average(r => r.Vector[i]), m.Vector[i], 1e-4f);
        }
    }

    [Fact]
    public void ShardsTogetherEqualOneRunByteForByte()
    {
        using var dir = new TempDirectory();
        var data = FirstLines(dir, Stories, 50);
        var whole = Request(data, Path.Combine(dir.Path, "whole"));
        ActivationExtractor.Run(whole);
        var sharded = whole with { Output = Path.Combine(dir.Path, "sharded") };
        var first = ActivationExtractor.Run(sharded with { Shard = new ShardSpec(1, 2) });
        Assert.False(first.DatasetComplete);
        Assert.Equal([0L, 2L], first.MissingParts);
        Assert.True(ActivationExtractor.Run(sharded with { Shard = new ShardSpec(0, 2) }).DatasetComplete);

        var a = DatasetDirectory.Open(whole.Output).ReadManifest()!;
        var b = DatasetDirectory.Open(sharded.Output).ReadManifest()!;
        Assert.Equal(a.Parts.Select(p => (p.File, p.Rows, p.Sha256)), b.Parts.Select(p => (p.File, p.Rows, p.Sha256)));
        Assert.Empty(DatasetValidator.Validate(DatasetDirectory.Open(sharded.Output)).Problems);
    }

    [Fact]
    public void RerunResumesAndChangedSettingsAreRefused()
    {
        using var dir = new TempDirectory();
        var data = FirstLines(dir, Stories, 40);
        var request = Request(data, Path.Combine(dir.Path, "out"));
        ActivationExtractor.Run(request);
        // What a run killed mid-write leaves: a temporary progress file and a temporary part.
        var staleProgress = Path.Combine(request.Output, "_progress", ".shard-0-of-1.json.99999.tmp");
        File.WriteAllText(staleProgress, "[");
        var again = ActivationExtractor.Run(request);
        Assert.Equal((0, 3), (again.PartsWritten, again.PartsSkipped));
        Assert.False(File.Exists(staleProgress));

        var changed = request with { MaxLength = 32 };
        var e = Assert.Throws<BadInputException>(() => ActivationExtractor.Run(changed));
        Assert.Contains("max_length: 64 → 32", e.Message);
        Assert.Contains("--overwrite", e.Message);
        var replaced = ActivationExtractor.Run(changed with { Overwrite = true });
        Assert.Equal(3, replaced.PartsWritten);
    }

    [Fact]
    public void BadInputWritesNothing()
    {
        using var dir = new TempDirectory();
        var data = FirstLines(dir, Stories, 5);
        var output = Path.Combine(dir.Path, "out");
        Assert.Contains("'blocks.9.hook_resid_post' matches no hook", Assert.Throws<Analysis.Onnx.HookPatternException>(() => ActivationExtractor.Run(Request(data, output, "blocks.9.hook_resid_post"))).Message);
        var parallel = Request(data, output, "blocks.0.hook_resid_mid") with
        {
            Model = Path.Combine(Models.Folder("neox-tiny"), "model.onnx"), Tokenizer = Path.Combine(Models.Folder("neox-tiny"), "tokenizer.json"),
        };
        Assert.Contains("unavailable in this model", Assert.Throws<Analysis.Onnx.HookPatternException>(() => ActivationExtractor.Run(parallel)).Message);
        Assert.Contains("matches no hook", Assert.Throws<Analysis.Onnx.HookPatternException>(() => ActivationExtractor.Run(Request(data, output, "no_such_hook"))).Message);
        var bigVocab = Request(data, output) with { Tokenizer = Path.Combine(Models.Folder("bert-tiny"), "tokenizer.json") };
        Assert.Contains("embedding has 512 rows", Assert.Throws<BadInputException>(() => ActivationExtractor.Run(bigVocab)).Message);
        Assert.Contains("needs --span-field", Assert.Throws<BadInputException>(() => ActivationExtractor.Run(Request(data, output) with { Positions = PositionMode.Span })).Message);
        var noText = dir.File("bad.jsonl", "{\"text\": \"fine\"}\n{\"body\": \"no text\"}\n");
        Assert.Contains("bad.jsonl:2", Assert.Throws<BadInputException>(() => ActivationExtractor.Run(Request(noText, output))).Message);
        Assert.False(Directory.Exists(output));

        var foreign = Path.Combine(dir.Path, "foreign");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "thesis.tex"), "precious");
        Assert.Contains("not an activation dataset", Assert.Throws<BadInputException>(() => ActivationExtractor.Run(Request(data, foreign) with { Overwrite = true })).Message);
        Assert.Equal(["thesis.tex"], Directory.GetFileSystemEntries(foreign).Select(Path.GetFileName));
    }

    private sealed record Row(long ExampleId, int Position, int CharStart, int CharEnd, float[] Vector);

    private static List<Row> ReadTable(string output, string hook = "blocks.4.hook_resid_post")
    {
        var rows = new List<Row>();
        foreach (var file in Directory.GetFiles(output, "part-*.parquet").Order())
        {
            using var reader = ParquetReader.Open(file);
            for (int g = 0; g < reader.RowGroups.Count; g++)
            {
                var ids = reader.ReadColumn(g, "example_id").Values<long>().ToArray();
                var positions = reader.ReadColumn(g, "position").Values<int>().ToArray();
                var starts = reader.ReadColumn(g, "char_start").Values<int>().ToArray();
                var ends = reader.ReadColumn(g, "char_end").Values<int>().ToArray();
                var matrix = reader.ReadFloatMatrix(g, hook, out var dim);
                for (int i = 0; i < ids.Length; i++) rows.Add(new Row(ids[i], positions[i], starts[i], ends[i], matrix.AsSpan(i * dim, dim).ToArray()));
            }
        }
        return rows;
    }

    private static Dictionary<(long, int), (float[], float[])> ReadRows(string output, string hook, string pattern)
    {
        var a = ReadTable(output, hook);
        var b = ReadTable(output, pattern);
        return a.Zip(b).ToDictionary(p => (p.First.ExampleId, p.First.Position), p => (p.First.Vector, p.Second.Vector));
    }
}
