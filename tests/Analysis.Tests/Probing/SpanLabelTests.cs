using Analysis.Extraction;
using Analysis.Parquet;
using Analysis.Probing;
using Analysis.Runtime;
using Analysis.Tests.Extraction;
using Analysis.Tests.Verification;

namespace Analysis.Tests.Probing;

/// <summary>
/// Spelling labels on a real WordPiece dataset: bert-tiny (uncased BERT vocabulary) extracted over the demo stories. Token
/// strings there are "[CLS]", "[SEP]", "##…" pieces and lower-cased words; labels must come from each token's span of the
/// source text instead.
/// </summary>
public sealed class SpanLabelTests : IClassFixture<SpanLabelTests.BertDataset>
{
    /// <summary>One extraction shared by the tests of this class.</summary>
    public sealed class BertDataset : IDisposable
    {
        public const int Examples = 120;
        public TempDirectory Dir { get; } = new();
        public string Output => Path.Combine(Dir.Path, "acts");
        public List<string> Texts { get; }

        public BertDataset()
        {
            var lines = File.ReadLines(Path.Combine(Models.Root, "tools", "demo", "stories.jsonl")).Take(Examples).ToList();
            Texts = lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!).ToList();
            var data = Dir.File("data.jsonl", string.Join("\n", lines) + "\n");
            ActivationExtractor.Run(new ExtractionRequest
            {
                Model = Path.Combine(Models.Folder("bert-tiny"), "model.onnx"), Tokenizer = Path.Combine(Models.Folder("bert-tiny"), "tokenizer.json"),
                Data = data, Output = Output, Hooks = ["hook_embed", "blocks.*.hook_resid_post"], BatchSize = 16, Device = Device.Cpu, MaxLength = 64,
            });
        }

        public void Dispose() => Dir.Dispose();
    }

    private readonly BertDataset _data;

    public SpanLabelTests(BertDataset data) => _data = data;

    private static string[] Column(string dir, string name)
    {
        using var table = Analysis.Datasets.ActivationTable.Open(dir);
        return table.ReadStrings(name);
    }

    [Fact]
    public void Token_text_is_the_tokens_span_of_the_source_and_special_marks_cls_and_sep()
    {
        var ids = Column(_data.Output, "example_id").Select(int.Parse).ToArray();
        var starts = Column(_data.Output, "char_start").Select(int.Parse).ToArray();
        var ends = Column(_data.Output, "char_end").Select(int.Parse).ToArray();
        var texts = Column(_data.Output, "token_text");
        var tokens = Column(_data.Output, "token");
        var special = Column(_data.Output, "special");
        for (var i = 0; i < ids.Length; i++)
        {
            var source = _data.Texts[ids[i]];   // ASCII stories: code point offsets are string offsets
            Assert.Equal(source[starts[i]..ends[i]], texts[i]);
            Assert.Equal(tokens[i] is "[CLS]" or "[SEP]", special[i] == "True");
        }
        Assert.Contains(tokens, t => t.StartsWith("##", StringComparison.Ordinal));
    }

    [Fact]
    public void First_char_labels_have_no_bogus_classes_and_a_sensible_majority_baseline()
    {
        // What the token strings alone gave: "[" for [CLS]/[SEP] and "#" for every continuation piece.
        var naive = Column(_data.Output, "token").Select(t => t.TrimStart(' ', '▁', 'Ġ')[..1]).ToHashSet();
        Assert.Contains("[", naive);
        Assert.Contains("#", naive);

        var output = Path.Combine(_data.Dir.Path, "probe-" + Guid.NewGuid().ToString("N"));
        var layers = LayerSweep.Run(new LayerSweepRequest
        {
            Data = _data.Output, Hooks = "blocks.*.hook_resid_post", LabelFrom = "token:first-char", GroupBy = "token", Output = output,
            Options = new ProbeOptions { Seeds = [0, 1], BootstrapResamples = 100 },
        });
        var sweep = Analysis.Results.ResultsFile.TryLoad(output)!.Get<ProbeSweep[]>(ProbeSection.Entry)!.Single();
        Assert.Equal(2 * BertDataset.Examples, sweep.SkippedSpecial);   // one [CLS] and one [SEP] per example
        Assert.Equal(0, sweep.SkippedEmpty);
        Assert.Contains("token_text", sweep.LabelSource);
        Assert.Contains(".", sweep.DroppedClasses);   // one token type, so never on both sides of a split grouped by token
        Assert.Equal(3, sweep.MinGroupsPerClass);
        foreach (var layer in layers)
        {
            Assert.DoesNotContain("[", layer.Classes);
            Assert.DoesNotContain("#", layer.Classes);
            Assert.Contains("T", layer.Classes);             // "The": the source's case, not the uncased vocabulary's "the"
            Assert.InRange(layer.Majority.Value, 0.05, 0.5);  // the largest training class does occur in the test set
            Assert.DoesNotContain(".", layer.Classes);
            // Grouped by token, no test word type is seen in training: the control task is reported as not applicable.
            Assert.Null(layer.Control);
            Assert.Null(layer.Selectivity);
            Assert.StartsWith("not applicable", layer.ControlTask);
            Assert.Equal(0, layer.SeenTypeShare);
            Assert.Contains(layer.C, ProbeOptions.DefaultCGrid);
            Assert.StartsWith("validation log-loss", layer.CSelection);
        }
        using var parquet = ParquetReader.Open(Path.Combine(output, "probe.parquet"));
        Assert.All(parquet.ReadColumn(0, "control").ToRows(), v => Assert.Null(v));
        Assert.All(parquet.ReadColumn(0, "control_task").ToRows(), v => Assert.StartsWith("not applicable", (string)v!));
        Assert.Equal(layers.Select(l => l.C), parquet.ReadColumn(0, "c").Values<double>().ToArray());
    }

    [Fact]
    public void Fold_case_merges_upper_and_lower_case_and_keep_special_restores_the_skipped_rows()
    {
        var output = Path.Combine(_data.Dir.Path, "probe-" + Guid.NewGuid().ToString("N"));
        var layer = LayerSweep.Run(new LayerSweepRequest
        {
            Data = _data.Output, Hooks = "blocks.1.hook_resid_post", LabelFrom = "token:first-char", FoldCase = true, KeepSpecial = true, Output = output,
            Options = new ProbeOptions { Seeds = [0], BootstrapResamples = 50 },
        }).Single();
        Assert.DoesNotContain(layer.Classes, c => c.Any(char.IsUpper));
        Assert.Contains("∅", layer.Classes);                  // [CLS] and [SEP] kept: their span is empty
        Assert.Equal(Column(_data.Output, "token").Length, layer.Rows);
        Assert.NotNull(layer.Control);                        // a random split shares word types, so the control task runs
        Assert.StartsWith("Hewitt & Liang control task on the probe's random split", layer.ControlTask);
        Assert.InRange(layer.SeenTypeShare, 0.5, 1.0);
    }
}
