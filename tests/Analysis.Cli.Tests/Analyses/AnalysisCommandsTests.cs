using Analysis.Cli;
using Analysis.Parquet;

namespace Analysis.Cli.Tests.Analyses;

/// <summary>probe / pca / pls / report end to end on a small activation dataset written with our Parquet writer.</summary>
public sealed class AnalysisCommandsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("analyses-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    // 3 layers of 12-dim activations; the first character of the token (one of a, b, c) is planted with growing strength,
    // and the number token's log value is planted along one direction.
    private string Dataset(string name, int files = 2, int rowsPerFile = 300, Func<int, int>? width = null, bool nan = false, bool oneClass = false)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, name)).FullName;
        var rng = new Random(1);
        for (var f = 0; f < files; f++)
        {
            var d = width?.Invoke(f) ?? 12;
            var fields = new List<ParquetField> { ParquetField.Int64("example_id"), ParquetField.String("token"), ParquetField.String("pos"), ParquetField.Double("number") };
            for (var layer = 0; layer < 3; layer++) fields.Add(ParquetField.FloatVector($"blocks.{layer}.hook_resid_post", d));
            using var w = ParquetWriter.Create(Path.Combine(dir, $"part-{f:00000}.parquet"), fields, new ParquetWriterOptions());
            var words = Enumerable.Range(0, rowsPerFile).Select(_ => (oneClass ? "a" : "abc"[rng.Next(3)].ToString()) + "xyz"[rng.Next(3)] + rng.Next(4)).ToArray();
            var numbers = Enumerable.Range(0, rowsPerFile).Select(_ => (double)rng.Next(1, 900)).ToArray();
            w.WriteInt64("example_id", Enumerable.Range(0, rowsPerFile).Select(i => (long)(f * rowsPerFile + i)).ToArray());
            w.WriteStrings("token", words.Select(t => (string?)("Ġ" + t)).ToArray());
            w.WriteStrings("pos", words.Select(t => (string?)(t[0] == 'a' ? "NOUN" : "VERB")).ToArray());
            w.WriteDouble("number", numbers);
            for (var layer = 0; layer < 3; layer++)
            {
                var x = new float[rowsPerFile * d];
                for (var i = 0; i < rowsPerFile; i++)
                {
                    for (var j = 0; j < d; j++) x[i * d + j] = (float)(rng.NextDouble() * 2 - 1);
                    x[i * d + (words[i][0] - 'a')] += 1.5f * layer;
                    x[i * d + 5] += (float)((layer + 1) * Math.Log(numbers[i]));
                }
                if (nan && layer == 1) x[7] = float.NaN;
                w.WriteFloatVectors($"blocks.{layer}.hook_resid_post", x);
            }
            w.EndBatch();
            w.Finish();
        }
        return dir;
    }

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        var code = await global::Analysis.Cli.CommandLine.RunAsync(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public async Task Probe_pca_pls_and_report_run_end_to_end()
    {
        var data = Dataset("ok");
        var probeOut = Path.Combine(_dir, "probe");
        var (code, output, error) = await Run("probe", "--data", data, "--hooks", "blocks.*.hook_resid_post", "--label-from", "token:first-char",
            "--seeds", "0,1", "--save-probes", "--out", probeOut);
        Assert.True(code == 0, error);
        Assert.Contains("blocks.2.hook_resid_post", output);
        Assert.Contains("C:            chosen by validation log-loss over {0.001, 0.01, 0.1, 1, 10}", output);
        Assert.Contains("Control task: Hewitt & Liang control task on the probe's random split", output);
        Assert.Contains("Labels:       from the token string (token)", output);   // this dataset has no token_text column
        Assert.True(File.Exists(Path.Combine(probeOut, "results.json")));
        Assert.True(File.Exists(Path.Combine(probeOut, "probe.parquet")));
        Assert.True(File.Exists(Path.Combine(probeOut, "probes", "blocks.2.hook_resid_post.onnx")));
        using (var r = ParquetReader.Open(Path.Combine(probeOut, "probe.parquet")))
        {
            Assert.Equal(3, r.RowCount);
            var accuracy = r.ReadColumn(0, "accuracy").Values<double>().ToArray();
            Assert.True(accuracy[2] > 0.9 && accuracy[0] < 0.6, $"layer accuracies {string.Join(", ", accuracy)}");
        }

        var pcaOut = Path.Combine(_dir, "pca");
        (code, output, error) = await Run("pca", "--data", data, "--hooks", "blocks.2.hook_resid_post", "--components", "3", "--label", "pos", "--out", pcaOut);
        Assert.True(code == 0, error);
        using (var r = ParquetReader.Open(Path.Combine(pcaOut, "pca-blocks.2.hook_resid_post.parquet")))
        {
            Assert.Equal(600, r.RowCount);
            Assert.Equal(3, r.ReadFloatMatrix(0, "projection", out _).Length / (int)r.RowGroups[0].RowCount);
        }

        var plsOut = Path.Combine(_dir, "pls");
        (code, output, error) = await Run("pls", "--data", data, "--label", "number", "--max-components", "3", "--out", plsOut);
        Assert.True(code == 0, error);
        Assert.Contains(" log ", output);

        var page = Path.Combine(_dir, "report.html");
        (code, _, error) = await Run("report", probeOut, pcaOut, plsOut, "--out", page);
        Assert.True(code == 0, error);
        var html = File.ReadAllText(page);
        Assert.Contains("Accuracy by layer", html);
        Assert.Contains("Number line", html);
        Assert.Contains("PC1", html);
    }

    [Fact]
    public async Task Probe_grouped_by_token_with_a_fixed_c_says_the_control_task_is_not_applicable()
    {
        var probeOut = Path.Combine(_dir, "probe-grouped");
        var (code, output, error) = await Run("probe", "--data", Dataset("grouped", files: 1), "--hooks", "blocks.2.hook_resid_post", "--label-from", "token:first-char",
            "--group-by", "token", "--seeds", "0", "--c", "0.5", "--out", probeOut);
        Assert.True(code == 0, error);
        Assert.Contains("C:            fixed", output);
        Assert.Contains("Control task: not applicable: only 0% of test rows have a word type seen in training", output);
        Assert.Matches(@"blocks\.2\.hook_resid_post .* n/a +n/a .* 0\.5\b", output);
        using var r = ParquetReader.Open(Path.Combine(probeOut, "probe.parquet"));
        Assert.Equal([0.5], r.ReadColumn(0, "c").Values<double>().ToArray());
        Assert.Equal([null], r.ReadColumn(0, "selectivity").ToRows());

        (code, _, error) = await Run("probe", "--data", Dataset("grouped2", files: 1), "--label-from", "token:first-char", "--c", "1", "--c-grid", "1,2", "--out", probeOut);
        Assert.Equal(2, code);
        Assert.Contains("--c", error);
    }

    [Fact]
    public async Task Missing_label_column_is_exit_2_with_one_sentence()
    {
        var (code, _, error) = await Run("probe", "--data", Dataset("nolabel", files: 1), "--label", "sentiment", "--out", Path.Combine(_dir, "o"));
        Assert.Equal(2, code);
        Assert.Contains("no column 'sentiment'", error);
    }

    [Fact]
    public async Task Single_class_is_exit_2()
    {
        var (code, _, error) = await Run("probe", "--data", Dataset("one", files: 1, oneClass: true), "--label-from", "token:first-char", "--out", Path.Combine(_dir, "o"));
        Assert.Equal(2, code);
        Assert.Contains("single value 'a'", error);
    }

    [Fact]
    public async Task NaN_activations_are_exit_2()
    {
        var (code, _, error) = await Run("probe", "--data", Dataset("nan", files: 1, nan: true), "--label", "pos", "--out", Path.Combine(_dir, "o"));
        Assert.Equal(2, code);
        Assert.Contains("NaN", error);
        Assert.Contains("blocks.1.hook_resid_post", error);
    }

    [Fact]
    public async Task Hook_width_differing_across_files_is_exit_2()
    {
        var (code, _, error) = await Run("pca", "--data", Dataset("width", width: f => f == 0 ? 12 : 10), "--components", "2", "--out", Path.Combine(_dir, "o"));
        Assert.Equal(2, code);
        Assert.Contains("12 values per row", error);
        Assert.Contains("10", error);
    }
}
