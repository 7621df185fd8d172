using Analysis.Extraction;
using Analysis.Extraction.Dataset;
using Analysis.Parquet;
using Analysis.Runtime;
using Analysis.Tests.Verification;

namespace Analysis.Tests.Extraction;

/// <summary>
/// Batches of at least <see cref="ExtractionRequest.OwnRowGroupBytes"/> go straight to the part file as row groups of
/// their own; smaller ones are gathered into buffered row groups. The dataset holds the same rows and values either way.
/// </summary>
public class OwnRowGroupExtractionTests
{
    private static readonly string Numbers = Path.Combine(Models.Root, "tools", "demo", "numbers.jsonl");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OwnRowGroupsHoldTheSameRowsAsBufferedOnes(bool float16)
    {
        using var dir = new TempDirectory();
        var folder = Models.Folder("stories260k");
        var data = dir.File("numbers.jsonl", string.Join("\n", File.ReadLines(Numbers).Take(50)) + "\n");
        var request = new ExtractionRequest
        {
            Model = Path.Combine(folder, "model.onnx"), Tokenizer = Path.Combine(folder, "tokenizer.json"), Data = data,
            Output = Path.Combine(dir.Path, "own"), Hooks = ["hook_embed", "blocks.*.hook_resid_post", "blocks.1.attn.hook_pattern"],
            Float16 = float16, BatchSize = 8, ExamplesPerPart = 20, MaxLength = 32, Device = Device.Cpu, OwnRowGroupBytes = 1,
        };
        var own = ActivationExtractor.Run(request);
        var buffered = ActivationExtractor.Run(request with { Output = Path.Combine(dir.Path, "buffered"), OwnRowGroupBytes = long.MaxValue });
        Assert.Equal(buffered.Rows, own.Rows);

        var parts = DatasetDirectory.Open(own.Output).ReadManifest()!.Parts;
        Assert.Equal(3, parts.Count);
        foreach (var part in parts)
        {
            using var a = ParquetReader.Open(Path.Combine(own.Output, part.File));
            using var b = ParquetReader.Open(Path.Combine(buffered.Output, part.File));
            // One row group per batch of 8 examples against one for the whole part.
            Assert.Equal((part.Examples + 7) / 8, a.RowGroups.Count);
            Assert.Single(b.RowGroups);
            Assert.Equal(b.Columns.Select(c => c.DottedPath), a.Columns.Select(c => c.DottedPath));
            Assert.Contains(a.Columns, c => c.FieldName == "count"); // label columns too
            foreach (var column in a.Columns)
                Assert.Equal(Column(b, column.FieldName), Column(a, column.FieldName));
        }
    }

    private static List<object?> Column(ParquetReader r, string name) =>
        r.ReadRowGroups([name]).SelectMany(g => g[name].ToRows()).ToList();
}
